// Declaration spawns of types that cannot be default-constructed or
// assigned: the result waits until the sync (or return) of the block, where
// the variable is declared. Local futures and the group form, written and
// deduced types, const, a type that depends on a template parameter.
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdio>
#include <string>
#include <vector>

struct Big {
  explicit Big(int v) : v(v) {}
  int v;
};
struct Fixed {
  const int v;
  std::string name;
};

static Big make_big(int v) { return Big(v * 2); }
static Fixed make_fixed(int v) { return Fixed{v + 1, "f"}; }
static int plain(int v) { return v * 3; }

[[spice::parallel]] int forms() {
  Big x = spice::spawn(make_big, 3);
  const Big y = spice::spawn(make_big, 4);
  auto z = spice::spawn(make_big, 5);
  Fixed f = spice::spawn(make_fixed, 6);
  keep_busy();
  spice::sync();
  return x.v + y.v * 10 + z.v * 100 + f.v * 1000 +
         static_cast<int>(f.name.size());
}

[[spice::parallel]] int at_return(int n) {
  Big a = spice::spawn(make_big, n);
  Big b = make_big(n + 1);
  keep_busy();
  return a.v * 100 + b.v;
}

[[spice::parallel]] int grouped(int n) {
  std::vector<int> out(n);
  for (int i = 0; i < n; ++i)
    out[i] = spice::spawn(plain, i);
  Big b = spice::spawn(make_big, n);
  keep_busy();
  spice::sync();
  int total = b.v * 1000;
  for (int v : out)
    total += v;
  for (int i = 0; i < n; ++i) {
    Big t = spice::spawn(make_big, i);
    spice::sync();
    total += t.v * 100;
  }
  for (int i = 0; i < n; ++i) {
    Fixed unused = spice::spawn(make_fixed, i);
  }
  return total;
}

template <class T> T make(int v) { return T(v * 2); }

template <class T> [[spice::parallel]] int templated(int n) {
  T t = spice::spawn(make<T>, n);
  keep_busy();
  spice::sync();
  return t.v;
}

int main() {
  std::printf("%d %d %d\n", forms(), at_return(7), grouped(4));
  std::printf("%d\n", templated<Big>(21));
}
// CHECK: 8087 1416 9218
// CHECK-NEXT: 42
