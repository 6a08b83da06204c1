#include <spice/spice.h>
#include <vector>

[[spice::parallel]] std::vector<int> g(int d, int k) {
  if (d == 0)
    return {k};
  std::vector<int> a = spice::spawn(g(d - 1, k + 1));
  std::vector<int> b = g(d - 1, k);
  spice::sync();
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
