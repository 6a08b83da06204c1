// spice-rewrite rejects this file: spawn outside a [[spice::parallel]]
// function. The error must point here and no rewritten copy may be left.
#include <spice/spice.h>

long one() { return 1; }

int main() {
  long a = spice::spawn(one); // consumer-test: tool error here
  spice::sync();
  return static_cast<int>(a) - 1;
}
