// A file with no [[spice::parallel]] whose only spice code is a loop in
// main() is rewritten: the loop calls the entry function, its body takes
// the scheduler context. Lines keep their numbers.
// RUN: rm -rf %t && mkdir -p %t && %strip-checks %s -o %t/main.cpp
// RUN: %spice-rewrite %t/main.cpp -o %t/out.cpp
// RUN: FileCheck %s < %t/out.cpp
#include <spice/spice.h>

#include <cstdio>
#include <vector>

int main() {
  std::vector<double> v(1000, 0.5);
  spice::parallel_for(v.begin(), v.end(), [](double &x) { x *= 2; });
  double sum = spice::parallel_reduce(0, 1000, 0.0, [&](int i) { return v[i]; },
                                      [](double a, double b) { return a + b; });
  std::printf("%g\n", sum);
}

// CHECK: #line 1 "{{.*}}main.cpp"
// CHECK: int main() {
// CHECK-NEXT: std::vector<double> v(1000, 0.5);
// CHECK-NEXT: spice::detail::parallel_for_entry(v.begin(), v.end(), [](spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, double &x) { spice::Task spice_task(spice_worker, spice_tail); x *= 2; });
// CHECK-NEXT: double sum = spice::detail::parallel_reduce_entry(0, 1000, 0.0, [&](spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, int i) { spice::Task spice_task(spice_worker, spice_tail); return v[i]; },
// CHECK-NEXT: [](double a, double b) { return a + b; });
// CHECK-NEXT: std::printf("%g\n", sum);
// CHECK-NOT: #line
