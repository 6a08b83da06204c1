// Found by the fuzzer (test/fuzz, region `byval`): a generic lambda's
// by-value `auto` parameter receives a copy made at the spawn, so the
// parent's later changes to the argument are not seen by the spawned call.
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

[[spice::parallel]] uint64_t sizes(std::string s, std::vector<int> v) {
  auto count = [](auto c) { return static_cast<uint64_t>(c.size()); };
  uint64_t a = spice::spawn(count, s);
  uint64_t b = spice::spawn([](auto c, auto k) { return c.size() * k; }, v,
                            uint64_t{100});
  s += "defgh";
  v.push_back(4);
  keep_busy();
  spice::sync();
  return a + b + s.size() * 10000;
}

int main() {
  std::printf("sizes %llu\n", static_cast<unsigned long long>(
                                  sizes("abc", std::vector<int>{1, 2, 3})));
}
// CHECK: sizes 80303
