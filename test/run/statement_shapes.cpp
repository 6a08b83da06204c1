// Statement shapes users write that the rewrite must keep meaning the same:
// a sync that is the brace-less branch of an `if` with an `else` (the join
// must not take the user's `else`), and spawns as brace initializers.
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdio>
#include <string>

static long sq(long x) { return x * x; }
static std::string word(int n) { return std::string(n, 'w'); }

[[spice::parallel]] long branch_sync(int k) {
  long a = spice::spawn(sq, k);
  keep_busy();
  if (k % 2)
    spice::sync();
  else
    k += 100;
  spice::sync();
  return a + k;
}

[[spice::parallel]] long brace_inits(int k) {
  long a{spice::spawn(sq, k)};
  auto c{spice::spawn(sq, k + 2)};
  const long d{spice::spawn(sq, k + 3)};
  std::string s{spice::spawn(word, k)};
  keep_busy();
  spice::sync();
  return a + c * 100 + d * 10000 + static_cast<long>(s.size()) * 1000000;
}

int main() {
  std::printf("%ld %ld\n", branch_sync(3), branch_sync(4));
  std::printf("%ld\n", brace_inits(2));
}
// CHECK: 12 120
// CHECK-NEXT: 2251604
