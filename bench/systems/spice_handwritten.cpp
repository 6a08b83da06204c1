// bench_spice_handwritten: the benchmarks written by hand against the runtime
// API (spice_handwritten.h), without spice-rewrite. Compared with the
// rewritten code this shows what the tool's output costs on top of the
// runtime; compared with serial, the runtime's own overhead.
#include "spice_handwritten.h"
#include "driver.h"
#include "spice_pool.h"

#include <string>

namespace {

using spice::Task;

struct System : bench::SpicePool {
  static const char *name() { return "spice-handwritten"; }
  explicit System(int threads) : SpicePool(threads) {}

  std::int64_t tree_sum(const tree::Node *root) {
    return pool.call([&](Task t) {
      return handwritten::tree_sum(t.worker(), t.tail(), root);
    });
  }
  std::int64_t fib(int n) {
    return pool.call(
        [&](Task t) { return handwritten::fib(t.worker(), t.tail(), n); });
  }
  void quicksort(std::int32_t *first, std::int32_t *last) {
    pool.call([&](Task t) {
      handwritten::quicksort(t.worker(), t.tail(), first, last);
    });
  }
  std::int64_t nqueens(int n) {
    return pool.call([&](Task t) {
      return handwritten::queens(t.worker(), t.tail(), n, 0, 0, 0, 0);
    });
  }
};

} // namespace

int main(int argc, char **argv) { return bench::main<System>(argc, argv); }
