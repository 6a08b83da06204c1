// Which local spawns get a handle without an unwinding cleanup
// (spice::detail::nothrow_until_join): those where nothing between the spawn
// and its join can throw, as ThrowAnalysis decides it.
// RUN: rm -rf %t && mkdir -p %t && %strip-checks %s -o %t/nothrow_join.cpp
// RUN: %spice-rewrite %t/nothrow_join.cpp --no-line-directives -o %t/out.cpp
// RUN: FileCheck %s < %t/out.cpp
// RUN: %cxx-gcc -fsyntax-only -I%spice-include %t/out.cpp
#include <spice/spice.h>

#include <new>
#include <stdexcept>

long unknown(long);        // no body, may throw
long quiet(long) noexcept; // no body, cannot throw
inline long leaf(long x) { return x + 1; }
inline long thrower(long x) {
  if (x < 0)
    throw std::runtime_error("negative");
  return x;
}
inline long via_thrower(long x) { return leaf(thrower(x)); }
struct Shape {
  virtual long area() const { return 1; }
  virtual long safe_area() const noexcept { return 1; }
};

// Only itself, arithmetic and visible non-throwing calls before the sync.
[[spice::parallel]] long self(int n) {
  if (n < 2)
    return n;
  long a = spice::spawn(self, n - 1);
  long b = self(n - 2) + leaf(n) + quiet(n);
  spice::sync();
  return a + b;
}
// CHECK-LABEL: long spice_body_self(
// CHECK: spice::detail::nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(

// What follows the join may throw: it is not between the spawn and its join.
[[spice::parallel]] long after_join(int n) {
  long a = spice::spawn(self, n);
  long b = leaf(n);
  spice::sync();
  return a + b + unknown(n);
}
// CHECK-LABEL: long spice_body_after_join(
// CHECK: spice::detail::nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(

[[spice::parallel]] long calls_unknown(int n) {
  long a = spice::spawn(self, n);
  long b = unknown(n);
  spice::sync();
  return a + b;
}
// CHECK-LABEL: long spice_body_calls_unknown(
// CHECK-NOT: nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(

[[spice::parallel]] long throws_deep(int n) {
  long a = spice::spawn(self, n);
  long b = via_thrower(n);
  spice::sync();
  return a + b;
}
// CHECK-LABEL: long spice_body_throws_deep(
// CHECK-NOT: nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(

[[spice::parallel]] long allocates(int n) {
  long a = spice::spawn(self, n);
  long *p = new long(n);
  spice::sync();
  long r = a + *p;
  delete p;
  return r;
}
// CHECK-LABEL: long spice_body_allocates(
// CHECK-NOT: nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(

[[spice::parallel]] long virtual_call(const Shape &s, int n) {
  long a = spice::spawn(self, n);
  long b = s.area();
  spice::sync();
  return a + b;
}
// CHECK-LABEL: long spice_body_virtual_call(
// CHECK-NOT: nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(

[[spice::parallel]] long virtual_noexcept(const Shape &s, int n) {
  long a = spice::spawn(self, n);
  long b = s.safe_area();
  spice::sync();
  return a + b;
}
// CHECK-LABEL: long spice_body_virtual_noexcept(
// CHECK: spice::detail::nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(

// The spawned call itself may throw: fine, its join comes after the
// region; but a call of the same function inside the region may not.
[[spice::parallel]] long spawns_thrower(int n) {
  long a = spice::spawn(thrower, n);
  long b = leaf(n);
  spice::sync();
  return a + b;
}
// CHECK-LABEL: long spice_body_spawns_thrower(
// CHECK: spice::detail::nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(

[[spice::parallel]] long two_joined_together(int n) {
  long a = spice::spawn(self, n - 1);
  long b = spice::spawn(self, n - 2);
  spice::sync();
  return a + b;
}
// CHECK-LABEL: long spice_body_two_joined_together(
// CHECK-NOT: nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(
// CHECK-NOT: nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(

// Mutual recursion: ping holds a throw behind a call of pong, so neither
// can be trusted (a fixpoint, not "assume the callee is fine").
[[spice::parallel]] long pong(int n);
[[spice::parallel]] long ping(int n) {
  if (n < 1)
    return 0;
  long a = spice::spawn(pong, n - 1);
  long b = pong(n - 2);
  spice::sync();
  if (a < 0)
    throw std::runtime_error("ping");
  return a + b;
}
[[spice::parallel]] long pong(int n) {
  if (n < 1)
    return 0;
  long a = spice::spawn(ping, n - 1);
  long b = ping(n - 2);
  spice::sync();
  return a + b;
}
// CHECK-LABEL: long spice_body_ping(
// CHECK-NOT: nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(
// CHECK-LABEL: long spice_body_pong(
// CHECK-NOT: nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(

// A spawn group (spawns in a loop) may allocate: callers cannot trust it.
[[spice::parallel]] long group(int n) {
  long out[4] = {0, 0, 0, 0};
  for (int i = 0; i < 4; ++i)
    out[i] = spice::spawn(self, n + i);
  spice::sync();
  return out[0] + out[1] + out[2] + out[3];
}
[[spice::parallel]] long calls_group(int n) {
  long a = spice::spawn(self, n);
  long b = group(n);
  spice::sync();
  return a + b;
}
// CHECK-LABEL: long spice_body_calls_group(
// CHECK-NOT: nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(

// A result of class type is moved into its destination by the rewritten
// code: callers of a function that spawns one cannot trust it.
struct Text {
  Text() = default;
  Text(const Text &) = default;
  Text &operator=(const Text &other) {
    if (other.n < 0)
      throw std::runtime_error("copy");
    n = other.n;
    return *this;
  }
  long n = 0;
};
Text make_text(int n) noexcept {
  Text t;
  t.n = n;
  return t;
}
[[spice::parallel]] long spawns_text(int n) {
  Text t = spice::spawn(make_text, n);
  spice::sync();
  return t.n;
}
[[spice::parallel]] long calls_spawns_text(int n) {
  long a = spice::spawn(self, n);
  long b = spawns_text(n);
  spice::sync();
  return a + b;
}
// CHECK-LABEL: long spice_body_calls_spawns_text(
// CHECK-NOT: nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(

// Templates: one text for every instantiation, so a dependent call counts.
template <class T> [[spice::parallel]] T generic(T n) {
  if (n < 2)
    return n;
  T a = spice::spawn(generic<T>, n - 1);
  T b = generic(n - 2);
  spice::sync();
  return a + b;
}
long use_generic() { return generic(10L); }
// CHECK-LABEL: spice_parallel_generic(
// CHECK-NOT: nothrow_until_join
// CHECK: spice_fut_{{[a-z]+}}.{{join_into|shared}}(
