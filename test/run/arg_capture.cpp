// Arguments are evaluated once, at the spawn, and bound as the serial call
// binds them: generic lambdas (by value and by reference, the parameters of
// the specialization the serial call instantiated), T&& and const T&
// parameters given an xvalue (the same object, not a moved-out copy), and a
// callee that depends on a template parameter.
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/keep_busy.h" // before syncs: spawns can move to a worker
#include <spice/spice.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

static int peek(std::vector<int> &&v) { return static_cast<int>(v.size()); }
static int take(std::vector<int> &&v) {
  std::vector<int> mine = std::move(v);
  return static_cast<int>(mine.size());
}
static int look(const std::string &s) { return static_cast<int>(s.size()); }

[[spice::parallel]] unsigned long generic(std::string s) {
  unsigned long n = 0;
  n = spice::spawn([](auto v) { return v.size(); }, s);
  s += "defgh";
  keep_busy();
  spice::sync();
  std::string out;
  spice::spawn([](auto &o, auto what) { o += what; }, out, s);
  auto twice = [](auto v) { return v + v; };
  int i = spice::spawn(twice, 21);
  std::string t = spice::spawn(twice, s);
  s = "changed";
  keep_busy();
  spice::sync();
  return n * 1000000 + out.size() * 10000 + i * 100 + t.size();
}

[[spice::parallel]] int xvalues() {
  std::vector<int> v{1, 2, 3};
  int a = spice::spawn(peek, std::move(v));
  std::string s = "four";
  int b = spice::spawn(look, std::move(s));
  keep_busy();
  spice::sync();
  int c = static_cast<int>(v.size()) * 100 + static_cast<int>(s.size());
  std::vector<int> w{1, 2};
  int d = spice::spawn(take, std::move(w));
  keep_busy();
  spice::sync();
  return a * 1000000 + b * 10000 + c * 10 + d + static_cast<int>(w.size());
}

template <class F, class T> [[spice::parallel]] int apply_to(F f, T x) {
  int r = spice::spawn(f, x);
  x = T();
  keep_busy();
  spice::sync();
  return r;
}

int main() {
  std::printf("%lu\n", generic("abc"));
  std::printf("%d\n", xvalues());
  std::printf("%d %d\n",
              apply_to([](std::string v) { return static_cast<int>(v.size()); },
                       std::string("abcd")),
              apply_to([](auto v) { return static_cast<int>(v.size()); },
                       std::vector<int>(5)));
}
// CHECK: 3084216
// CHECK-NEXT: 3043042
// CHECK-NEXT: 4 5
