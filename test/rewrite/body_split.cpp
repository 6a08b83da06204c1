// A parallel function's body becomes an internal inline function that its
// own recursion calls (so GCC can inline the recursion into itself, as it
// does the serial one), wrapped by the parallel version, when it can be
// wrapped without changing anything else: not for members, templates,
// inline or static functions, out-of-line definitions of namespace members,
// default arguments or C variadics.
// RUN: rm -rf %t && mkdir -p %t && %strip-checks %s -o %t/body_split.cpp
// RUN: %spice-rewrite %t/body_split.cpp --no-line-directives -o %t/out.cpp
// RUN: FileCheck %s < %t/out.cpp
// RUN: %cxx-gcc -fsyntax-only -I%spice-include %t/out.cpp
#include <spice/spice.h>

long other(int n);

namespace ns {
[[spice::parallel]] long rec(int n) {
  if (n < 2)
    return n;
  long a = spice::spawn(rec, n - 1);
  long b = rec(n - 2);
  long c = other(n);
  spice::sync();
  return a + b + c;
}
// CHECK-LABEL: namespace ns {
// CHECK: static inline long spice_body_rec(spice::Task::Worker spice_worker,
// CHECK-SAME: spice::Task::Tail spice_tail, int n) {
// The spawn and the call of itself go to the body; other functions are
// called as before.
// CHECK: return spice_body_rec(spice_task.worker(), spice_task.tail(),
// CHECK: long b = spice_body_rec(spice_task.worker(), spice_task.tail(),
// CHECK-SAME: n - 2);
// CHECK-NEXT: long c = spice_parallel_other(spice_task.worker(),
// CHECK-SAME: spice_task.tail(), n);
// CHECK: // spice: the parallel version of rec; its body is the inline
// CHECK-SAME: function above.
// CHECK-NEXT: long spice_parallel_rec(spice::Task::Worker spice_worker,
// CHECK-NEXT: spice::Task::Tail spice_tail, int n) {
// CHECK-NEXT: return spice_body_rec(spice_worker, spice_tail,
// CHECK-SAME: std::forward<decltype(n)>(n));
// CHECK-NEXT: }
// CHECK-NEXT: // spice: entry point of rec
// CHECK-NEXT: long rec(int n) {
// CHECK-NEXT: return spice::run_parallel(
// CHECK-NEXT: return spice_parallel_rec(

// A call of itself in a loop body inside its body calls the body too: the
// wrapper is not declared yet there (found by the fuzzer).
[[spice::parallel]] long in_loop(int n) {
  if (n < 1)
    return 0;
  return spice::parallel_reduce(
      0, 2, 0L, [&](int) { return in_loop(n - 1); },
      [](long a, long b) { return a + b; });
}
// CHECK-LABEL: static inline long spice_body_in_loop(
// CHECK: return spice_body_in_loop(spice_task.worker(), spice_task.tail(),
// CHECK-SAME: n - 1);
// CHECK: long spice_parallel_in_loop(

[[spice::parallel]] long declared(int n);
} // namespace ns

// Defined with a qualified name: a new name cannot be declared that way.
[[spice::parallel]] long ns::declared(int n) {
  long a = spice::spawn(declared, n - 1);
  spice::sync();
  return a;
}
// CHECK-LABEL: long ns::spice_parallel_declared(
// CHECK-NOT: spice_body
// CHECK: entry point of declared

[[spice::parallel]] long other(int n) {
  long a = spice::spawn(other, n - 1);
  spice::sync();
  return a;
}
// CHECK-LABEL: static inline long spice_body_other(
// CHECK: long spice_parallel_other(

[[spice::parallel]] inline long inl(int n) {
  long a = spice::spawn(inl, n - 1);
  spice::sync();
  return a;
}
// CHECK-LABEL: inline long spice_parallel_inl(
// CHECK-NOT: spice_body
// CHECK: entry point of inl

[[spice::parallel]] static long stat(int n) {
  long a = spice::spawn(stat, n - 1);
  spice::sync();
  return a;
}
// CHECK-LABEL: static long spice_parallel_stat(
// CHECK-NOT: spice_body
// CHECK: entry point of stat

[[spice::parallel]] long defaulted(int n = 3) {
  long a = spice::spawn(defaulted, n - 1);
  spice::sync();
  return a;
}
// CHECK-LABEL: long spice_parallel_defaulted(
// CHECK-NOT: spice_body
// CHECK: entry point of defaulted

template <class T> [[spice::parallel]] T tmpl(T n) {
  T a = spice::spawn(tmpl<T>, n - 1);
  spice::sync();
  return a;
}
// CHECK-LABEL: template <class T> T spice_parallel_tmpl(
// CHECK-NOT: spice_body
// CHECK: entry point of tmpl

struct S {
  [[spice::parallel]] long member(int n) {
    long a = spice::spawn(&S::member, this, n - 1);
    spice::sync();
    return a;
  }
};
// CHECK-LABEL: long spice_parallel_member(
// CHECK-NOT: spice_body
// CHECK: entry point of member

long use() {
  return ns::rec(3) + tmpl(2L) + S().member(1) + inl(1) + stat(1) + defaulted();
}
// CHECK-NOT: spice_body
