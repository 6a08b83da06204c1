// A join followed by a return gives each of its paths a copy of the return
// (docs/rewrite.md, "A sync before a return"), where the copy is the same
// statement: one future surely still queued, a result that is void or
// trivially copyable, and a return that defines nothing.
// RUN: rm -rf %t && mkdir -p %t && %strip-checks %s -o %t/sync_return.cpp
// RUN: %spice-rewrite %t/sync_return.cpp --no-line-directives | FileCheck %s
#include <spice/spice.h>

#include <string>

struct Pair {
  long lo, hi;
};
long leaf(int n);
Pair pair(int n);
std::string text(int n);

[[spice::parallel]] long sum(int n) {
  if (n < 2)
    return n;
  long a = spice::spawn(sum, n - 1);
  long b = sum(n - 2);
  spice::sync();
  return a + sum(b);
}
// The copy holds the rewritten call of the parallel function.
// CHECK-LABEL: static inline long spice_body_sum(
// CHECK: // spice: sync: each call runs here unless another worker took it
// CHECK-NEXT: {{^}}  if (spice_fut_a.shared(spice_task)) {
// CHECK-NEXT: {{^}}    a = spice_fut_a.join_shared(spice_task);
// CHECK-NEXT: {{^}}    return a + spice_body_sum(spice_task.worker(), spice_task.tail(), b);
// CHECK-NEXT: {{^}}  }
// CHECK-NEXT: {{^}}  spice_fut_a.pop(spice_task);
// CHECK-NEXT: {{^}}  a = spice_fut_a.call(spice_task);
// CHECK-NEXT: {{^}}  return a + spice_body_sum(spice_task.worker(), spice_task.tail(), b);
// CHECK-NEXT: {{^}}}

// A return with a call still running syncs first, with the same split.
[[spice::parallel]] Pair halves(int n) {
  Pair p = spice::spawn(pair, n);
  long q = leaf(n);
  return Pair{p.lo + q, p.hi};
}
// CHECK-LABEL: static inline Pair spice_body_halves(
// CHECK: {{^}}  {
// CHECK-NEXT: {{^}}    // spice: sync before returning
// CHECK-NEXT: {{^}}    if (spice_fut_p.shared(spice_task)) {
// CHECK-NEXT: {{^}}      p = spice_fut_p.join_shared(spice_task);
// CHECK-NEXT: {{^}}      return Pair{p.lo + q, p.hi};
// CHECK-NEXT: {{^}}    }
// CHECK-NEXT: {{^}}    spice_fut_p.pop(spice_task);
// CHECK-NEXT: {{^}}    p = spice_fut_p.call(spice_task);
// CHECK-NEXT: {{^}}    return Pair{p.lo + q, p.hi}; }

// A discarded result.
[[spice::parallel]] long discard(int n) {
  spice::spawn(leaf, n);
  long b = leaf(n + 1);
  spice::sync();
  return b;
}
// CHECK-LABEL: static inline long spice_body_discard(
// CHECK: {{^}}  if (spice_fut_leaf.shared(spice_task)) {
// CHECK-NEXT: {{^}}    (void)spice_fut_leaf.join_shared(spice_task);
// CHECK-NEXT: {{^}}    return b;
// CHECK-NEXT: {{^}}  }
// CHECK-NEXT: {{^}}  spice_fut_leaf.pop(spice_task);
// CHECK-NEXT: {{^}}  (void)spice_fut_leaf.call(spice_task);
// CHECK-NEXT: {{^}}  return b;

// Not split: a result that is not trivially copyable (join_shared() would
// move it out of the record).
[[spice::parallel]] std::size_t length(int n) {
  std::string s = spice::spawn(text, n);
  spice::sync();
  return s.size();
}
// CHECK-LABEL: static inline std::size_t spice_body_length(
// CHECK-NOT: shared(
// CHECK: if (!spice_fut_s.join_into(spice_task, &s))
// CHECK-NEXT: s = spice_fut_s.call(spice_task);
// CHECK-NEXT: return s.size();

// Not split: a lambda in the return (a copy would be another closure type).
[[spice::parallel]] long lambda(int n) {
  long a = spice::spawn(leaf, n);
  spice::sync();
  return [&] { return a + 1; }();
}
// CHECK-LABEL: static inline long spice_body_lambda(
// CHECK-NOT: shared(
// CHECK: if (!spice_fut_a.join_into(spice_task, &a))

// Not split: a sync in a branch may have joined the future already.
[[spice::parallel]] long maybe_joined(int n, bool early) {
  long a = spice::spawn(leaf, n);
  if (early)
    spice::sync();
  spice::sync();
  return a;
}
// CHECK-LABEL: static inline long spice_body_maybe_joined(
// CHECK-NOT: shared(
// CHECK: if (!spice_fut_a.join_into(spice_task, &a))
// CHECK-NOT: shared(
// CHECK: if (!spice_fut_a.join_into(spice_task, &a))
// CHECK-NEXT: a = spice_fut_a.call(spice_task);
// CHECK-NEXT: return a;

// Not split: two futures, or a statement other than a return after the sync.
[[spice::parallel]] long two(int n) {
  long a = spice::spawn(leaf, n);
  long b = spice::spawn(leaf, n + 1);
  spice::sync();
  return a + b;
}
// CHECK-LABEL: static inline long spice_body_two(
// CHECK-NOT: shared(
// CHECK: spice::SyncErrors spice_errors;
[[spice::parallel]] long then_add(int n) {
  long a = spice::spawn(leaf, n);
  spice::sync();
  a += 1;
  return a;
}
// CHECK-LABEL: static inline long spice_body_then_add(
// CHECK-NOT: shared(
// CHECK: if (!spice_fut_a.join_into(spice_task, &a))

// Not split: a result type that depends on a template parameter.
template <class T> T twice(T x);
template <class T> [[spice::parallel]] T generic(T x) {
  T a = spice::spawn(twice<T>, x);
  spice::sync();
  return a;
}
// CHECK-LABEL: T spice_parallel_generic(
// CHECK-NOT: shared(
// CHECK: if (!spice_fut_a.join_into(spice_task, &a))
// CHECK-NOT: shared(
// CHECK-LABEL: spice: entry point of generic
