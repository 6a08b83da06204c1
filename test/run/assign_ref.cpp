// Assignment spawns through references and into parts of locals, in the
// group form (spawns in loops): the result is always stored. A local whose
// destructor could observe the value syncs at the end of its block.
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <vector>

static std::uint64_t sq(std::uint64_t x) { return x * x; }

static std::uint64_t seen = 0;

/// Adds its value to `seen` when it dies.
struct Noisy {
  std::uint64_t v = 0;
  Noisy &operator=(std::uint64_t x) {
    v = x;
    return *this;
  }
  ~Noisy() { seen += v; }
};

[[spice::parallel]] std::uint64_t range_slots(std::uint64_t k) {
  std::vector<std::uint64_t> a(5);
  for (std::uint64_t &slot : a)
    slot = spice::spawn(sq, k++);
  keep_busy();
  spice::sync();
  std::uint64_t s = 0;
  for (std::uint64_t v : a)
    s = s * 7 + v;
  return s;
}

[[spice::parallel]] std::uint64_t ref_in_loop() {
  std::uint64_t a[3] = {};
  for (int i = 0; i < 3; ++i) {
    std::uint64_t &r = a[i];
    r = spice::spawn(sq, i + 2);
  }
  keep_busy();
  spice::sync();
  return a[0] * 10000 + a[1] * 100 + a[2];
}

[[spice::parallel]] std::uint64_t ref_in_block() {
  std::uint64_t x = 0;
  {
    std::uint64_t &r = x;
    r = spice::spawn(sq, 4);
  }
  keep_busy();
  spice::sync();
  return x + 9;
}

struct Cell {
  std::uint64_t v[2];
};

[[spice::parallel]] std::uint64_t parts(int n) {
  Cell c{{0, 0}};
  std::vector<std::uint64_t> w(3);
  for (int i = 0; i < n; ++i) {
    if (i < 2)
      c.v[i] = spice::spawn(sq, i + 5);
    w[i % 3] = spice::spawn(sq, i + 1);
  }
  keep_busy();
  spice::sync();
  return c.v[0] * 1000 + c.v[1] + w[0] + w[1] + w[2];
}

[[spice::parallel]] std::uint64_t observed(int n) {
  for (int i = 0; i < n; ++i) {
    Noisy dead;
    dead = spice::spawn(sq, i + 1);
    keep_busy();
  }
  return seen;
}

int main() {
  std::printf("%llu %llu %llu\n",
              static_cast<unsigned long long>(range_slots(10)),
              static_cast<unsigned long long>(ref_in_loop()),
              static_cast<unsigned long long>(ref_in_block()));
  std::printf("%llu\n", static_cast<unsigned long long>(parts(3)));
  std::printf("%llu\n", static_cast<unsigned long long>(observed(4)));
}
// CHECK: 290038 40916 25
// CHECK-NEXT: 25050
// CHECK-NEXT: 30
