// The shape docs/rewrite.md fixes for the basic example.
// RUN: rm -rf %t && mkdir -p %t && %strip-checks %s -o %t/fib.cpp
// RUN: %spice-rewrite %t/fib.cpp -o %t/out.cpp
// RUN: FileCheck %s < %t/out.cpp
// RUN: %spice-rewrite %t/fib.cpp --no-line-directives | FileCheck %s --check-prefix=NOLINE
#include <spice/spice.h>

[[spice::parallel]] long fib(int n) {
  if (n < 2)
    return n;
  long a = spice::spawn(fib, n - 1);
  long b = fib(n - 2);
  spice::sync();
  return a + b;
}

// CHECK: #line 1 "{{.*}}fib.cpp"
// CHECK: long fib(int n);
// The base case returns before anything parallel: the tick comes after it,
// on the spawn's line (no line added).
// The body is an internal inline function, so GCC can inline the recursion
// into itself; the parallel version wraps it.
// CHECK: static inline long spice_body_fib(spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, int n) { spice::Task spice_task(spice_worker, spice_tail);{{$}}
// CHECK-NEXT: {{^}}  if (n < 2)
// CHECK-NEXT: {{^}}    return n;
// CHECK-NEXT: {{^}}  spice_task.tick(); // spice: spawn fib(n - 1) into a
// Each generated line counts as the line of the spawn, sync or function.
// CHECK-NEXT: #line 11
// CHECK-NEXT: auto spice_call_a = spice::detail::record(
// CHECK-NEXT: #line 11
// CHECK-NEXT: [spice_arg0 = n - 1](spice::Task spice_task) mutable {
// CHECK-NEXT: #line 11
// CHECK-NEXT: return spice_body_fib(spice_task.worker(), spice_task.tail(),
// CHECK-NEXT: #line 11
// CHECK-NEXT: std::move(spice_arg0));
// CHECK-NEXT: #line 11
// CHECK-NEXT: });
// CHECK-NEXT: #line 11
// Nothing before the sync can throw (fib calls only itself): the handle has
// no unwinding cleanup.
// CHECK-NEXT: auto spice_fut_a = spice::detail::spawn(spice_task, spice_call_a,
// CHECK-NEXT: #line 11
// CHECK-NEXT: spice::detail::nothrow_until_join);
// CHECK-NEXT: #line 11
// CHECK-NEXT: long a;
// CHECK-NEXT: #line 12
// CHECK-NEXT: long b = spice_body_fib(spice_task.worker(), spice_task.tail(), n - 2);
// CHECK-NEXT: // spice: sync
// CHECK-NEXT: #line 13
// A return follows the sync: each path gets its own copy of it, so the
// fallback call flows straight into a return (docs/rewrite.md).
// CHECK-NEXT: if (spice_fut_a.shared(spice_task)) {
// CHECK-NEXT: #line 13
// CHECK-NEXT: a = spice_fut_a.join_shared(spice_task);
// CHECK-NEXT: #line 13
// CHECK-NEXT: return a + b;
// CHECK-NEXT: #line 13
// CHECK-NEXT: }
// CHECK-NEXT: #line 13
// CHECK-NEXT: spice_fut_a.pop(spice_task);
// CHECK-NEXT: #line 13
// CHECK-NEXT: a = spice_fut_a.call(spice_task);
// CHECK-NEXT: #line 14
// CHECK-NEXT: return a + b;
// CHECK-NEXT: }
// CHECK-NEXT: #line 15
// CHECK-NEXT: // spice: the parallel version of fib; its body is the inline function above.
// CHECK-NEXT: #line 15
// CHECK-NEXT: long spice_parallel_fib(spice::Task::Worker spice_worker,
// CHECK-NEXT: #line 15
// CHECK-NEXT: spice::Task::Tail spice_tail, int n) {
// CHECK-NEXT: #line 15
// CHECK-NEXT: return spice_body_fib(spice_worker, spice_tail, std::forward<decltype(n)>(n));
// CHECK-NEXT: #line 15
// CHECK-NEXT: }
// CHECK-NEXT: #line 15
// CHECK-NEXT: // spice: entry point of fib
// CHECK-NEXT: #line 15
// CHECK-NEXT: long fib(int n) {
// CHECK-NEXT: #line 15
// CHECK-NEXT: return spice::run_parallel([&](spice::Task spice_task) -> decltype(auto) {
// CHECK-NEXT: #line 15
// CHECK-NEXT: return spice_parallel_fib(spice_task.worker(), spice_task.tail(),
// CHECK-NEXT: #line 15
// CHECK-NEXT: std::forward<decltype(n)>(n));
// CHECK-NEXT: #line 15
// CHECK-NEXT: });
// CHECK-NEXT: #line 15
// CHECK-NEXT: }
// CHECK-NEXT: #line 16
// CHECK-NOT: {{\[\[}}spice::parallel
// NOLINE-NOT: #line
// NOLINE: spice_body_fib
// NOLINE-NOT: spice_task.tick()
// NOLINE: {{^}}  spice_task.tick(); // spice: spawn fib(n - 1) into a
// NOLINE-NOT: spice_task.tick()
