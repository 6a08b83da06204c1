#include <spice/spice.h>

int f(int x) { return x + 1; }

[[spice::parallel]] long fib(int n) {
  if (n < 2)
    return n;
  long a;
  a = spice::spawn(fib, n - 1) /*c*/;
  long b = fib /*c*/ (n - 2);
  int c = spice::spawn(f, n) /* x */ // y
      ;
  spice::sync() /*d*/;
  return a + b + c - f(n);
}

template <class T = /*t*/ long>
[[spice::parallel]] T dflt(T n = /*d*/ 3, T m /*e*/ = 4) {
  return n + m;
}
