// Where ticks go: before the first statement that does something parallel
// (a path that returns earlier has nothing to share) or, if it is an `if`
// whose condition does not, at the start of its branches that do; in each
// iteration of a loop that does something parallel, at its start or, if an
// iteration that does not is cheap, as above; nowhere else (not in front of
// a loop that ticks, nor of a sync). Inserted on existing lines: no #line
// directive needed, the output keeps the source's lines (__LINE__ checks).
// RUN: rm -rf %t && mkdir -p %t && %strip-checks %s -o %t/ticks.cpp
// RUN: %spice-rewrite %t/ticks.cpp --no-line-directives -o %t/out.cpp
// RUN: FileCheck %s --input-file=%t/out.cpp
// RUN: %spice-rewrite %t/ticks.cpp -o %t/lines.cpp
// RUN: FileCheck %s --check-prefix=LINES --input-file=%t/lines.cpp
// RUN: %cxx-gcc -fsyntax-only -I%spice-include %t/lines.cpp
// RUN: %cxx-clang -fsyntax-only -I%spice-include %t/lines.cpp
#include <spice/spice.h>

#include <vector>

long plain(long x) { return x + 1; }

[[spice::parallel]] long fib(long n) {
  if (n < 2)
    return n;
  long a = spice::spawn(fib, n - 1);
  long b = fib(n - 2);
  spice::sync();
  return a + b;
}
// CHECK-LABEL: static inline long spice_body_fib(
// CHECK-SAME: { spice::Task spice_task(spice_worker, spice_tail);{{$}}
// CHECK-NEXT: {{^}}  if (n < 2)
// CHECK-NEXT: {{^}}    return n;
// CHECK-NEXT: {{^}}  spice_task.tick(); // spice: spawn fib(n - 1) into a
// CHECK-NOT: tick
// CHECK: entry point of fib

// The first statement spawns: the tick starts it.
[[spice::parallel]] long first(long n) {
  long a = spice::spawn(plain, n);
  spice::sync();
  return a;
}
// CHECK-LABEL: static inline long spice_body_first(
// CHECK-SAME: { spice::Task spice_task(spice_worker, spice_tail);{{$}}
// CHECK-NEXT: {{^}}  spice_task.tick(); // spice: spawn plain(n) into a
// CHECK-NOT: tick
// CHECK: entry point of first

// Nothing parallel: no tick at all.
[[spice::parallel]] long leaf(long n) {
  long s = 0;
  for (long i = 0; i < n; ++i)
    s += plain(i);
  return s;
}
// CHECK-LABEL: static inline long spice_body_leaf(
// CHECK-SAME: { spice::Task spice_task(spice_worker, spice_tail);{{$}}
// CHECK-NOT: tick
// CHECK: entry point of leaf

// A parallel call inside a branch: the branch ticks, so a path that does
// nothing parallel does not poll. One statement goes in braces with it.
[[spice::parallel]] long branch(long n) {
  long s = plain(n);
  if (n > 3)
    s += leaf(n);
  return s;
}
// CHECK-LABEL: static inline long spice_body_branch(
// CHECK-NEXT: {{^}}  long s = plain(n);
// CHECK-NEXT: {{^}}  if (n > 3)
// CHECK-NEXT: {{^}}    { spice_task.tick(); s += spice_parallel_leaf(spice_task.worker(), spice_task.tail(), n); }{{$}}
// CHECK-NOT: tick
// CHECK: entry point of branch

// The tree sum's shape: the branch that spawns ticks; a path that skips it
// ticks in the next branch that does something parallel; a leaf never.
struct Node {
  long val;
  Node *left, *right;
};
[[spice::parallel]] long sum(const Node *node) {
  long res = node->val;
  if (node->left && node->right) {
    long right = spice::spawn(sum, node->right);
    res += sum(node->left);
    spice::sync();
    return res + right;
  }
  if (node->left)
    res += sum(node->left);
  return res;
}
// CHECK-LABEL: static inline long spice_body_sum(
// CHECK-NEXT: {{^}}  long res = node->val;
// CHECK-NEXT: {{^}}  if (node->left && node->right) { spice_task.tick();{{$}}
// CHECK-NOT: tick
// CHECK: {{^}}  if (node->left)
// CHECK-NEXT: {{^}}    { spice_task.tick(); res += spice_body_sum(
// CHECK-NOT: tick
// CHECK: entry point of sum

// Both branches: each ticks, and what follows the `if` does not again. A
// condition that is parallel itself: the tick goes before the statement.
[[spice::parallel]] long both(long n) {
  long s = 0;
  if (n > 3) {
    s = leaf(n);
  } else {
    s = leaf(n + 1);
  }
  s += leaf(s);
  if (leaf(n) > 2)
    s += 1;
  return s;
}
// CHECK-LABEL: static inline long spice_body_both(
// CHECK-NEXT: {{^}}  long s = 0;
// CHECK-NEXT: {{^}}  if (n > 3) { spice_task.tick();{{$}}
// CHECK: {{^}}  } else { spice_task.tick();{{$}}
// CHECK-NOT: tick
// CHECK: entry point of both
[[spice::parallel]] long cond(long n) {
  long s = n;
  if (leaf(n) > 2)
    s += leaf(s);
  return s;
}
// CHECK-LABEL: static inline long spice_body_cond(
// CHECK-NEXT: {{^}}  long s = n;
// CHECK-NEXT: {{^}}  spice_task.tick(); if (spice_parallel_leaf(
// CHECK-NOT: tick
// CHECK: entry point of cond

// Loops: each iteration of one whose body, condition or increment does
// something parallel ticks; a loop without such a thing does not. A body of
// one statement goes in braces with its tick, on its own lines.
[[spice::parallel]] long loops(long n, std::vector<long> &v) {
  long s = 0;
  for (long i = 0; i < n; ++i)
    s += plain(i);
  for (long i = 0; i < n; ++i)
    s += leaf(i);
  static_assert(__LINE__ == 144, "the output keeps the source's lines");
  for (long i = 0; i < n; ++i) {
    s += leaf(i);
  }
  while (s > 100 + leaf(n))
    s /= 2;
  do
    s += leaf(s);
  while (s < 10);
  for (long &x : v)
    for (long k = 0; k < 2; ++k)
      x += fib(k);
  static_assert(__LINE__ == 156, "the output keeps the source's lines");
  return s;
}
// CHECK-LABEL: static inline long spice_body_loops(
// CHECK-NEXT: {{^}}  long s = 0;
// CHECK-NEXT: {{^}}  for (long i = 0; i < n; ++i)
// CHECK-NEXT: {{^}}    s += plain(i);
// The loop ticks in each iteration: nothing in front of it.
// CHECK-NEXT: {{^}}  for (long i = 0; i < n; ++i)
// CHECK-NEXT: {{^}}    { spice_task.tick(); s += spice_parallel_leaf(spice_task.worker(), spice_task.tail(), i); }{{$}}
// CHECK-NEXT: static_assert
// CHECK-NEXT: {{^}}  for (long i = 0; i < n; ++i) { spice_task.tick();{{$}}
// CHECK-NEXT: {{^}}    s += spice_parallel_leaf(
// CHECK-NEXT: {{^}}  }{{$}}
// A loop may run no iteration: the next one ticks in front, as its
// condition does something parallel.
// CHECK-NEXT: {{^}}  spice_task.tick(); while (s > 100 + spice_parallel_leaf(spice_task.worker(), spice_task.tail(), n))
// CHECK-NEXT: {{^}}    { spice_task.tick(); s /= 2; }{{$}}
// CHECK-NEXT: {{^}}  do
// CHECK-NEXT: {{^}}    { spice_task.tick(); s += spice_parallel_leaf(spice_task.worker(), spice_task.tail(), s); }{{$}}
// CHECK-NEXT: {{^}}  while (s < 10);
// CHECK-NEXT: {{^}}  for (long &x : v)
// CHECK-NEXT: {{^}}    { spice_task.tick(); for (long k = 0; k < 2; ++k)
// CHECK-NEXT: {{^}}      { spice_task.tick(); x += spice_parallel_fib(spice_task.worker(), spice_task.tail(), k); } }{{$}}
// CHECK-NEXT: static_assert
// CHECK-NEXT: {{^}}  return s;
// CHECK-NEXT: {{^}}}
// LINES-LABEL: static inline long spice_body_loops(
// LINES-NOT: #line
// LINES: {{^}}    { spice_task.tick(); s += spice_parallel_leaf(
// LINES-NOT: #line
// LINES: {{^}}  return s;

// Parallel loops are parallel operations, their body lambdas are not part
// of the body (their chunks poll), nor are other lambdas: a parallel call in
// one stays a call of the entry point.
[[spice::parallel]] long lambdas(std::vector<long> &v) {
  auto later = [&] { return fib(3); };
  long s = later();
  spice::parallel_for(0, (int)v.size(), [&](int i) {
    for (int k = 0; k < 2; ++k)
      v[i] += fib(k);
  });
  return s;
}
// CHECK-LABEL: static inline long spice_body_lambdas(
// CHECK-NEXT: {{^}}  auto later = [&] { return fib(3); };
// CHECK-NEXT: {{^}}  long s = later();
// CHECK-NEXT: {{^}}  spice_task.tick(); spice::detail::parallel_for(
// CHECK-NEXT: {{^}}    for (int k = 0; k < 2; ++k){{$}}
// CHECK-NEXT: {{^}}      v[i] += spice_parallel_fib(
// CHECK-NOT: tick
// CHECK: entry point of lambdas

// A loop that spawns in some iterations, whose other iterations are cheap,
// ticks only in the iterations that spawn (n-queens); the sync after it does
// not tick.
[[spice::parallel]] long some(long n, unsigned mask) {
  long out[32];
  for (int c = 0; c < 32; ++c) {
    const unsigned bit = 1u << c;
    out[c] = 0;
    if (mask & bit)
      out[c] = spice::spawn(fib, n + c);
  }
  spice::sync();
  return out[0] + out[31];
}
// CHECK-LABEL: static inline long spice_body_some(
// CHECK-NEXT: {{^}}  long out[32];
// CHECK-NEXT: {{^}}  for (int c = 0; c < 32; ++c) {{[{]$}}
// CHECK-NEXT: {{^}}    const unsigned bit = 1u << c;
// CHECK-NEXT: {{^}}    out[c] = 0;
// CHECK-NEXT: {{^}}    if (mask & bit)
// CHECK-NEXT: {{^}}      { spice_task.tick(); {{[{]$}}
// CHECK-NEXT: {{^}}        // spice: spawn fib(n + c) into out[c]
// CHECK-NOT: tick
// CHECK: {{^}}  spice_group.sync(spice_task);
// CHECK-NOT: tick
// CHECK: entry point of some

// An iteration that does nothing parallel but calls a function, or runs a
// loop, is not cheap: each iteration ticks at its start.
[[spice::parallel]] long some_call(long n, unsigned mask) {
  long s = 0;
  for (int c = 0; c < 32; ++c) {
    s += plain(c);
    if (mask & (1u << c))
      s += fib(n + c);
  }
  for (int c = 0; c < 32; ++c) {
    for (int k = 0; k < c; ++k)
      s ^= k;
    if (mask & (1u << c))
      s += fib(n + c);
  }
  return s;
}
// CHECK-LABEL: static inline long spice_body_some_call(
// CHECK-NEXT: {{^}}  long s = 0;
// CHECK-NEXT: {{^}}  for (int c = 0; c < 32; ++c) { spice_task.tick();{{$}}
// CHECK-NEXT: {{^}}    s += plain(c);
// CHECK-NEXT: {{^}}    if (mask & (1u << c))
// CHECK-NEXT: {{^}}      s += spice_parallel_fib(
// CHECK-NEXT: {{^}}  }
// CHECK-NEXT: {{^}}  for (int c = 0; c < 32; ++c) { spice_task.tick();{{$}}
// CHECK-NEXT: {{^}}    for (int k = 0; k < c; ++k)
// CHECK-NEXT: {{^}}      s ^= k;
// CHECK-NEXT: {{^}}    if (mask & (1u << c))
// CHECK-NEXT: {{^}}      s += spice_parallel_fib(

// Where every iteration that goes on past the branch ticks in front of the
// same statement, one tick at the start of the iteration does.
[[spice::parallel]] long some_then_all(long n, unsigned mask) {
  long s = 0;
  for (int c = 0; c < 32; ++c) {
    if (mask & (1u << c))
      s += fib(n + c);
    s += fib(n);
  }
  return s;
}
// CHECK-LABEL: static inline long spice_body_some_then_all(
// CHECK-NEXT: {{^}}  long s = 0;
// CHECK-NEXT: {{^}}  for (int c = 0; c < 32; ++c) { spice_task.tick();{{$}}
// CHECK-NEXT: {{^}}    if (mask & (1u << c))
// CHECK-NEXT: {{^}}      s += spice_parallel_fib(
// CHECK-NEXT: {{^}}    s += spice_parallel_fib(
