// Found by the fuzzer (test/fuzz: seed 4, region `decl`): a declaration
// spawn of a type without a default constructor compiles and yields the
// spawned result after the sync.
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdint>
#include <cstdio>

struct NoDef {
  explicit NoDef(uint64_t v) : v(v) {}
  uint64_t v;
};

NoDef make(uint64_t v) { return NoDef(v * 2); }

[[spice::parallel]] uint64_t both(uint64_t x) {
  NoDef a = spice::spawn(make, x);
  auto b = spice::spawn([](uint64_t v) { return NoDef(v + 1); }, x);
  keep_busy();
  spice::sync();
  return a.v * 1000 + b.v;
}

int main() {
  std::printf("both %llu\n", static_cast<unsigned long long>(both(21)));
}
// CHECK: both 42022
