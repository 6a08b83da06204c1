// Loops in templates of a rewritten header: an ordinary function template
// (entry form) and a parallel member of a class template (scheduler context
// form); both bodies take the context.
// RUN: %run-spice %t %s | FileCheck %s
// RUN: FileCheck %s --check-prefix=HDR --input-file=%t/headers/Inputs/loop_sum.h
#include "Inputs/loop_sum.h"

#include <cstdio>

int main() {
  std::vector<long> v(30000);
  for (long i = 0; i < 30000; ++i)
    v[i] = i % 17;
  std::printf("sum %ld\n", weighted_sum(v));
  Table<std::uint64_t> t{std::vector<std::uint64_t>(30000, 3)};
  t.scale(5);
  std::uint64_t s = 0;
  for (std::uint64_t x : t.cells)
    s += x;
  std::printf("table %llu\n", (unsigned long long)s);
}
// CHECK: sum {{[0-9]+}}
// CHECK-NEXT: table {{[0-9]+}}
// HDR: return spice::detail::parallel_reduce_entry(
// HDR: [&](spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, auto i) { spice::Task spice_task(spice_worker, spice_tail); return T(work(i) % 3) * v[i]; },
// HDR: void spice_parallel_scale(
// HDR-NEXT: spice::detail::parallel_for(spice_task.worker(), spice_task.tail(), cells.begin(), cells.end(),
// HDR-NEXT: [by](spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, T &x) { spice::Task spice_task(spice_worker, spice_tail); x = x * by + T(work(x) % 2); });
