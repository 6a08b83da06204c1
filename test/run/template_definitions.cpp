// Template definitions whose entry points need the right template headers
// and arguments: a member template of a class template defined outside the
// class (two template headers), and an explicit specialization of a
// parallel function template (the entry point calls that specialization).
// RUN: %run-spice %t %s | FileCheck %s
#include <spice/spice.h>

#include <cstdio>

template <typename T> struct Box {
  T v;
  template <typename U> [[spice::parallel]] U sum(int n) const;
};

template <typename T>
template <typename U>
U Box<T>::sum(int n) const {
  if (n == 0)
    return static_cast<U>(v);
  U a = spice::spawn(this->template sum<U>(n - 1));
  U b = sum<U>(n - 1);
  spice::sync();
  return a + b;
}

template <typename T> [[spice::parallel]] long leaves(int d) { return d; }

template <> [[spice::parallel]] long leaves<char>(int d) {
  if (d == 0)
    return 1;
  long a = spice::spawn(leaves<char>, d - 1);
  long b = leaves<char>(d - 1);
  spice::sync();
  return a + b;
}

int main() {
  Box<int> b{3};
  std::printf("%ld\n", b.sum<long>(18));
  std::printf("%ld %ld\n", leaves<char>(18), leaves<int>(18));
}
// CHECK: 786432
// CHECK-NEXT: 262144 18
