// bench_spice_handwritten: the benchmarks written by hand against the runtime
// API (spice_handwritten.h), without spice-rewrite. Compared with the
// rewritten code this shows what the tool's output costs on top of the
// runtime; compared with serial, the runtime's own overhead.
#include "spice_handwritten.h"
#include "driver.h"

#include <string>

namespace {

using spice::Task;

struct System {
  static const char *name() { return "spice-handwritten"; }
  static spice::ThreadPoolConfig config(int threads) {
    spice::ThreadPoolConfig c;
    c.num_workers = static_cast<std::size_t>(threads);
    return c;
  }
  explicit System(int threads) : pool(config(threads)) {}

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
  std::string info() const {
    spice::Stats s = pool.stats();
    return "shared " + std::to_string(s.jobs_shared) + " stolen " +
           std::to_string(s.jobs_stolen);
  }

  spice::ThreadPool pool;
};

} // namespace

int main(int argc, char **argv) { return bench::main<System>(argc, argv); }
