#include <spice/spice.h>
#include <vector>

struct Fib {
  [[spice::parallel]] long operator()(int n) const {
    if (n < 2)
      return n;
    long a = spice::spawn(*this, n - 1);
    spice::sync();
    return a;
  }
};

[[spice::parallel]] long half(auto n) {
  long a = spice::spawn(half<decltype(n)>, n / 2);
  spice::sync();
  return a;
}

template <class T = long, class V = std::vector<std::vector<T>>>
[[spice::parallel]] T twice(T n) {
  return n * 2 + static_cast<T>(V().size());
}
