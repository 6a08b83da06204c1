#include <lib/algo.h>
#include <lib/plain.h>

[[spice::parallel]] long total(const long *v, long n) {
  return tsum(v, n) + plain_one();
}
