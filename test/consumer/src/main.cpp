// Calls the parallel fib from ordinary code, directly and from three threads
// at once, and the parallel template of algo.h from here and from plain.cpp,
// and checks the results.
#include <consumer/algo.h>
#include <consumer/fib.h>

#include <cstdio>
#include <vector>

int main() {
  long one = fib(25);
  long three = fib_from_threads(22, 3);
  std::vector<double> halves(1 << 20, 0.5);
  double sum = consumer::parallel_sum(halves.data(), halves.size());
  long squares = consumer::sum_of_squares(100000);
  bool ok = one == 75025 && three == 3 * 17711 && sum == 524288.0 &&
            squares == 333328333350000L;
  std::printf("consumer: fib(25) = %ld, 3 x fib(22) = %ld, sums %.1f %ld: %s\n",
              one, three, sum, squares, ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
