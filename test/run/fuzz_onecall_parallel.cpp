// Found by the fuzzer (test/fuzz, any region: the one-call form of a
// generated parallel function): `spawn(g(args))` of a parallel function
// spawns the call g(args), for every result type; it must not call g at the
// spawn and then spawn a call of its result.
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

[[spice::parallel]] uint64_t fib(int n) {
  if (n < 2)
    return static_cast<uint64_t>(n);
  uint64_t a = spice::spawn(fib(n - 1));
  uint64_t b = fib(n - 2);
  spice::sync();
  return a + b;
}

[[spice::parallel]] std::vector<uint64_t> g(uint64_t d, uint64_t k) {
  std::vector<uint64_t> out(d, k);
  out.push_back(fib(static_cast<int>(d) + 10));
  return out;
}

[[spice::parallel]] std::string name(uint64_t k) {
  return "n" + std::to_string(fib(static_cast<int>(k)));
}

[[spice::parallel]] uint64_t use(uint64_t d) {
  std::vector<uint64_t> a = spice::spawn(g(d, 7));
  std::string s;
  s = spice::spawn(name(d + 5));
  auto f = spice::spawn(fib(static_cast<int>(d) + 15));
  keep_busy();
  spice::sync();
  return a.size() * 1000000 + a.back() + s.size() * 100000 + f;
}

int main() {
  std::printf("use %llu\n", static_cast<unsigned long long>(use(3)));
}
// CHECK: use 4302817
