// Loops in parallel code get the scheduler context, loops in ordinary code
// the entry functions; a lambda written as the body takes the context and
// becomes parallel code (calls of parallel functions in it take the fast
// form, nested loops the spice_task form); other lambdas and the combine
// function stay ordinary. The rewrite adds no line: the loops keep their
// line numbers under the function's #line.
// RUN: rm -rf %t && mkdir -p %t && %strip-checks %s -o %t/loops.cpp
// RUN: %spice-rewrite %t/loops.cpp -o %t/out.cpp
// RUN: FileCheck %s < %t/out.cpp
#include <spice/spice.h>

#include <cstddef>
#include <string>
#include <vector>

[[spice::parallel]] long fib(int n) {
  if (n < 2)
    return n;
  long a = spice::spawn(fib, n - 1);
  long b = fib(n - 2);
  spice::sync();
  return a + b;
}

[[spice::parallel]] long fibs(std::vector<long> &out) {
  spice::parallel_for(0, out.size(), [&](std::size_t i) { out[i] = fib(i); });
  return spice::parallel_reduce(
      0, int(out.size()), 0L,
      [&](int i) -> long {
        return spice::parallel_reduce(0, i, out[i], [](int) { return 0L; },
                                      [](long a, long b) { return a + b; });
      },
      [](long a, long b) { return a + b; });
}

using namespace spice;

// An unqualified call through the using directive; a generic mutable body;
// a body that is not a lambda written in place stays as it is.
std::string joined(const std::vector<std::string> &words) {
  auto upper = [](const std::string &w) { return w + "!"; };
  std::string all = parallel_reduce(words.begin(), words.end(), std::string(), upper,
                                    [](std::string a, const std::string &b) { return a + b; });
  std::vector<int> hits(words.size());
  parallel_for(std::size_t{0}, words.size(), [&, n = 0](auto i) mutable {
    hits[i] = ++n + int(fib(3));
    auto later = [&] { return fib(4); };
    spice::parallel_for(0, 2, [&](int) { later(); });
  });
  return all;
}

// A loop in a lambda inside a parallel function (not a body) is ordinary.
[[spice::parallel]] int in_lambda(int n) {
  auto count = [n] {
    return ::spice::parallel_reduce(0, n, 0, [](int) { return 1; },
                                    [](int a, int b) { return a + b; });
  };
  return count();
}

long twice(long x) { return 2 * x; }

// A loop in a spawn's argument runs at the spawn, in the parallel function:
// the spawn's generated code takes it with its edits.
[[spice::parallel]] long spawned_arg(int n) {
  long x = spice::spawn(twice, spice::parallel_reduce(0, n, 0L, [&](int i) { return fib(i); },
                                                      [](long a, long b) { return a + b; }));
  spice::sync();
  return x;
}

int main() {
  std::vector<long> out(20);
  return int(fibs(out)) + int(joined({"a", "b"}).size()) + in_lambda(3) + int(spawned_arg(5));
}

// CHECK: // spice: parallel version of fibs
// CHECK-NEXT: #line 25 "{{.*}}loops.cpp"
// CHECK-NEXT: static inline long spice_body_fibs(
// CHECK-NEXT: spice::detail::parallel_for(spice_task.worker(), spice_task.tail(), 0, out.size(), [&](spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, std::size_t i) { spice::Task spice_task(spice_worker, spice_tail); out[i] = spice_parallel_fib(spice_task.worker(), spice_task.tail(), i); });
// CHECK-NEXT: return spice::detail::parallel_reduce(spice_task.worker(), spice_task.tail(),{{$}}
// CHECK-NEXT: 0, int(out.size()), 0L,
// CHECK-NEXT: [&](spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, int i) -> long { spice::Task spice_task(spice_worker, spice_tail);
// CHECK-NEXT: return spice::detail::parallel_reduce(spice_task.worker(), spice_task.tail(), 0, i, out[i], [](spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, int) { spice::Task spice_task(spice_worker, spice_tail); return 0L; },
// CHECK-NEXT: [](long a, long b) { return a + b; });
// CHECK-NEXT: },
// CHECK-NEXT: [](long a, long b) { return a + b; });
// CHECK-NEXT: }

// CHECK: std::string joined(
// CHECK-NEXT: auto upper = [](const std::string &w) { return w + "!"; };
// CHECK-NEXT: std::string all = spice::detail::parallel_reduce_entry(words.begin(), words.end(), std::string(), upper,
// CHECK-NEXT: [](std::string a, const std::string &b) { return a + b; });
// CHECK-NEXT: std::vector<int> hits(words.size());
// CHECK-NEXT: spice::detail::parallel_for_entry(std::size_t{0}, words.size(), [&, n = 0](spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, auto i) mutable { spice::Task spice_task(spice_worker, spice_tail);
// CHECK-NEXT: hits[i] = ++n + int(spice_parallel_fib(spice_task.worker(), spice_task.tail(), 3));
// CHECK-NEXT: auto later = [&] { return fib(4); };
// CHECK-NEXT: spice::detail::parallel_for(spice_task.worker(), spice_task.tail(), 0, 2, [&](spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, int) { spice::Task spice_task(spice_worker, spice_tail); later(); });
// CHECK-NEXT: });

// CHECK: static inline int spice_body_in_lambda(
// CHECK-NEXT: auto count = [n] {
// CHECK-NEXT: return spice::detail::parallel_reduce_entry(0, n, 0, [](spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, int) { spice::Task spice_task(spice_worker, spice_tail); return 1; },

// CHECK: static inline long spice_body_spawned_arg(
// CHECK: [spice_arg0 = spice::detail::parallel_reduce(
// CHECK: spice_task.worker(), spice_task.tail(), 0, n, 0L,
// CHECK: [&](spice::Task::Worker spice_worker,
// CHECK: spice::Task spice_task(spice_worker, spice_tail);
// CHECK: return spice_parallel_fib(spice_task.worker(),
