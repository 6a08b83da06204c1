// User code with an error that only the compiler sees: spice-rewrite parses
// with Clang (__clang__ is defined there), the test compiles with g++. The
// error must be reported at this file and line, not at the rewritten copy.
#include <spice/spice.h>

[[spice::parallel]] long twice(int n) {
  long a = spice::spawn([](int x) { return long{x}; }, n);
  spice::sync();
#if !defined(__clang__)
  long b = "not a number"; // consumer-test: compile error here
#else
  long b = a;
#endif
  return a + b;
}

int main() { return twice(1) == 2 ? 0 : 1; }
