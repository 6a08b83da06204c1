#include <spice/spice.h>

void not_parallel() { spice::sync(); }
