// Calls the parallel fib from ordinary code, directly and from three threads
// at once, and checks the results.
#include <consumer/fib.h>

#include <cstdio>

int main() {
  long one = fib(25);
  long three = fib_from_threads(22, 3);
  bool ok = one == 75025 && three == 3 * 17711;
  std::printf("consumer: fib(25) = %ld, 3 x fib(22) = %ld: %s\n", one, three,
              ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
