#include "par_sum.h"

#include <vector>

// Ordinary code calling the template from a second file.
long sum_of_squares(long n) {
  std::vector<long> v(static_cast<std::size_t>(n));
  for (long i = 0; i < n; ++i)
    v[static_cast<std::size_t>(i)] = i * i;
  return par_sum(v.data(), 0, v.size());
}
