// Includes spice but calls no spice::parallel_for: a function of that name in
// another namespace, found through a using directive, is not spice's (calls
// are resolved by declaration), and neither is a detail:: one. The tool must
// not change a byte.
#include <spice/spice.h>

namespace mine {
template <class F> void parallel_for(int first, int last, F body) {
  for (int i = first; i < last; ++i)
    body(i);
}
} // namespace mine

using namespace mine;

int main() {
  int total = 0;
  parallel_for(0, 4, [&](int i) { total += i; }); // not spice::parallel_for
  return total == 6 ? 0 : 1;
}
