// Tree sum written by hand against the runtime API (as in Spice's README;
// the kernel of systems/spice_handwritten.h), against the plain serial
// function: the runtime's own overhead, without the rewriting tool. Prints one
// line per worker count with ns per node and the ratio to serial measured in
// the same run.
//
//   runtime_tree_sum [nodes] [samples] [workers...]
#include "harness.h"
#include "spice_handwritten.h"
#include "tree.h"

#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

using handwritten::tree_sum;

int main(int argc, char **argv) {
  std::int64_t nodes = argc > 1 ? std::atoll(argv[1]) : (1 << 24) - 1;
  int samples = argc > 2 ? std::atoi(argv[2]) : 7;
  std::vector<std::size_t> workers;
  for (int i = 3; i < argc; ++i)
    workers.push_back(static_cast<std::size_t>(std::atoi(argv[i])));
  if (workers.empty())
    workers = {1, 2, 4, 8, 16, 32};

  tree::Tree t(nodes);
  const std::int64_t expected = t.expected_sum();
  auto serial = [&] { return tree::sum_serial(t.root()); };
  bench::Sample probe = bench::measure(serial, expected, 1);
  int inner = bench::runs_per_sample(probe.wall_s);

  std::printf("nodes=%lld samples=%d runs/sample=%d\n",
              static_cast<long long>(nodes), samples, inner);
  for (std::size_t w : workers) {
    spice::ThreadPoolConfig config;
    config.num_workers = w;
    spice::ThreadPool pool(config);
    auto parallel = [&] {
      return pool.call([&](spice::Task task) {
        return tree_sum(task.worker(), task.tail(), t.root());
      });
    };
    // Serial and spice alternate in one run so both see the same machine.
    bench::Sample s = bench::measure(serial, expected, samples, inner);
    bench::Sample p = bench::measure(parallel, expected, samples, inner);
    double per = 1e9 / static_cast<double>(nodes);
    spice::Stats st = pool.stats();
    std::printf(
        "workers=%-3zu serial %.3f ns/node  spice %.3f ns/node  "
        "time ratio %.3f  speedup %.2f  cpu ratio %.2f  (stolen %llu)\n",
        w, s.wall_s * per, p.wall_s * per, p.wall_s / s.wall_s,
        s.wall_s / p.wall_s, p.cpu_s / s.cpu_s,
        static_cast<unsigned long long>(st.jobs_stolen));
  }
}
