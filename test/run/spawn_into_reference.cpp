// Spawned results received by references and structured bindings, which
// the rewrite binds at the sync to the result kept until the end of the
// block (as a temporary bound to a reference lives in the serial elision).
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdio>
#include <string>
#include <utility>

static std::string name(int i) { return "n" + std::to_string(i); }
static long square(long x) { return x * x; }
static std::pair<long, long> divmod(long a, long b) { return {a / b, a % b}; }

[[spice::parallel]] long refs(int k) {
  const std::string &s = spice::spawn(name, k);
  auto &&t = spice::spawn(name, k + 10);
  const long &u = spice::spawn(square, k);
  std::string &&v = spice::spawn(name, k + 100);
  auto [q, r] = spice::spawn(divmod, 100 + k, 7);
  keep_busy();
  spice::sync();
  std::printf("%ld %ld\n", q, r);
  v += "!";
  return static_cast<long>(s.size() * 1000 + t.size() * 100 + v.size()) +
         u * 10000;
}

int main() { std::printf("%ld\n", refs(3)); }
// CHECK: 14 5
// CHECK-NEXT: 92305
