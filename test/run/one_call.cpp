// The one-call form spawn(f(args...)) means spawn(f, args...) for every
// callee whose result is not itself called by the serial elision: a
// parallel function returning a class, a plain function, obj.m(x), p->m(x).
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <vector>

struct Pair {
  std::uint64_t a, b;
};

struct Acc {
  std::uint64_t base;
  std::vector<std::uint64_t> repeat(std::uint64_t x) const {
    return std::vector<std::uint64_t>(x, base);
  }
};

static Pair split(std::uint64_t x) { return {x / 3, x % 3}; }

[[spice::parallel]] std::vector<std::uint64_t> g(std::uint64_t d,
                                                 std::uint64_t k) {
  if (d == 0)
    return {k};
  std::vector<std::uint64_t> a = spice::spawn(g(d - 1, k + 1));
  std::vector<std::uint64_t> b = g(d - 1, k * 2);
  spice::sync();
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

[[spice::parallel]] std::uint64_t h(std::uint64_t d) {
  Acc acc{5};
  const Acc *p = &acc;
  Pair x = spice::spawn(split(d * 10));
  std::vector<std::uint64_t> y = spice::spawn(acc.repeat(d));
  std::vector<std::uint64_t> z;
  z = spice::spawn(p->repeat(d + 1));
  keep_busy();
  spice::sync();
  return x.a * 100 + x.b + y.size() * 1000 + z.size() * 10000;
}

int main() {
  std::vector<std::uint64_t> v = g(4, 7);
  std::uint64_t s = 0;
  for (std::uint64_t e : v)
    s = s * 31 + e;
  std::printf("g %zu %llu\n", v.size(), static_cast<unsigned long long>(s));
  std::printf("h %llu\n", static_cast<unsigned long long>(h(4)));
}
// CHECK: g 16 18300692334787563208
// CHECK-NEXT: h 55301
