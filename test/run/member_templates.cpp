// Member function templates spawned the ways a class template has to name
// them: `this->template f<U>(...)` (one-call form) and `&C::template f<U>`
// with the object (pointer to member), in a class and in a class template.
// RUN: %run-spice %t %s | FileCheck %s
#include <spice/spice.h>

#include <cstdio>

struct Plain {
  long v;
  template <typename U> [[spice::parallel]] U sum(int n) const {
    if (n == 0)
      return static_cast<U>(v);
    U a = spice::spawn(&Plain::sum<U>, this, n - 1);
    U b = sum<U>(n - 1);
    spice::sync();
    return a + b;
  }
};

template <typename T> struct Box {
  T v;
  template <typename U> [[spice::parallel]] U sum(int n) const {
    if (n == 0)
      return static_cast<U>(v);
    U a = spice::spawn(this->template sum<U>(n - 1));
    U b = spice::spawn(&Box::template sum<U>, this, n - 1);
    spice::sync();
    return a + b;
  }
};

int main() {
  Plain p{3};
  Box<int> b{5};
  std::printf("%ld %ld\n", p.sum<long>(18), b.sum<long>(18));
}
// CHECK: 786432 1310720
