// Overlapping edits are an internal error (with the hidden testing option
// that injects two): a clear message, a non-zero exit and no output.
// RUN: rm -f %t.out
// RUN: not %spice-rewrite %s --inject-overlapping-edit -o %t.out 2>&1 | FileCheck %s
// RUN: not test -e %t.out
// CHECK: internal_overlap.cpp:1:2: error: internal error of spice-rewrite: two edits overlap here; nothing was written (please report this with the input)
#include <spice/spice.h>

[[spice::parallel]] int one(int x) { return x; }
