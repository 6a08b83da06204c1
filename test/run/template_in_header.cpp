// A parallel function template defined in a header, instantiated and called
// from two source files (from a parallel function here, from ordinary code
// in the other). Both files include the header by different paths; the two
// copies are the same text.
// RUN: %run-spice %t %s %S/Inputs/par_sum_user.cpp | FileCheck %s
// RUN: FileCheck %s --check-prefix=HDR --input-file=%t/headers/par_sum.h
// RUN: diff %t/headers/Inputs/par_sum.h %t/headers/par_sum.h
// RUN: nm -C %t/parallel-clang | FileCheck %s --check-prefix=SYM
#include "Inputs/par_sum.h"

#include <cstdio>
#include <vector>

[[spice::parallel]] double halves(const std::vector<double> &v) {
  double a = spice::spawn(par_sum<double>, v.data(), 0, v.size() / 2);
  double b = par_sum(v.data(), v.size() / 2, v.size());
  spice::sync();
  return a + b;
}

int main() {
  std::vector<double> v(1 << 22, 0.25);
  double total = 0;
  for (int round = 0; round < 40; ++round)
    total += halves(v);
  std::printf("halves %.1f\n", total);
  std::printf("squares %ld\n", sum_of_squares(100000));
}
// CHECK: halves 41943040.0
// CHECK-NEXT: squares 333328333350000
// HDR: T par_sum(const T *v, std::size_t lo, std::size_t hi);
// HDR: T spice_parallel_par_sum(spice::Task{{.*}}, const T *v, std::size_t lo, std::size_t hi) {
// HDR: auto spice_fut_a = spice::detail::spawn(spice_task, spice_call_a);
// HDR: T par_sum(const T *v, std::size_t lo, std::size_t hi) {
// HDR: return spice::run_parallel(
// SYM: spice_parallel_par_sum<double>(
