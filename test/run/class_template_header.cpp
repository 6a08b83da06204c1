// A class template from a header whose parallel member is defined in the
// class body: the member and its parallel version stay in the class.
// RUN: %run-spice %t %s | FileCheck %s
// RUN: FileCheck %s --check-prefix=HDR --input-file=%t/headers/Inputs/tree.h
// RUN: nm -C %t/parallel-gcc | FileCheck %s --check-prefix=SYM
#include "Inputs/tree.h"

#include <cstdio>

int main() {
  Range<long> r{std::vector<long>(1 << 22, 3)};
  long total = 0;
  for (int round = 0; round < 40; ++round)
    total += r.sum(0, r.values.size());
  Range<int> small{std::vector<int>(1000, 2)};
  std::printf("long %ld int %d\n", total, small.sum(0, 1000));
}
// CHECK: long 503316480 int 2000
// HDR: T spice_parallel_sum(spice::Task{{.*}}, std::size_t lo, std::size_t hi) const {
// HDR: std::invoke(&Range::spice_parallel_sum, spice_obj,
// HDR: T sum(std::size_t lo, std::size_t hi) const {
// HDR: return spice::run_parallel(
// SYM: Range<long>::spice_parallel_sum(
