// Parallel loops (detail/loop.h): every iteration once, reductions in range
// order, splitting while bodies run, exceptions, and loops mixed with forks.
#include "test_util.h"

#include <spice/detail/loop.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace spice {
namespace {

using test::fast_pool;

/// Work that takes a while and that the optimizer cannot drop, so that a
/// loop lasts several heartbeats.
double spin(int n) {
  double z = 0;
  for (int k = 1; k <= n; ++k) {
    z += std::sqrt(static_cast<double>(k));
    __asm__ volatile("" : : "r"(&z) : "memory"); // keep every step
  }
  return z;
}

/// Repeats `attempt()` (which checks its own results) until some job ran on
/// another worker, for up to 60 s: on a loaded machine (load 10 on 2 cores
/// was measured here) the heartbeat and a woken taker may get no CPU for the
/// whole of a short loop, many times in a row. Returns whether anything moved.
template <class F> bool until_moved(ThreadPool &pool, F &&attempt) {
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  do {
    std::uint64_t before = pool.stats().jobs_stolen;
    attempt();
    if (pool.stats().jobs_stolen > before)
      return true;
  } while (std::chrono::steady_clock::now() < give_up);
  return false;
}

/// Runs a loop through the pool as rewritten code does.
template <class F> decltype(auto) in_pool(ThreadPool &pool, F &&f) {
  return pool.call([&](Task task) { return f(task.worker(), task.tail()); });
}

TEST(Loop, EveryIndexOnceAtEveryWorkerCount) {
  for (std::size_t workers : {1, 2, 4, 8}) {
    ThreadPool pool(fast_pool(workers));
    for (long n : {0L, 1L, 2L, 3L, 1000L, 200000L}) {
      std::vector<std::atomic<int>> seen(static_cast<std::size_t>(n));
      in_pool(pool, [&](Task::Worker w, Task::Tail t) {
        detail::parallel_for(w, t, 0L, n, [&](long i) {
          seen[static_cast<std::size_t>(i)].fetch_add(1);
          if (i % 64 == 0)
            spin(50);
        });
      });
      for (long i = 0; i < n; ++i)
        ASSERT_EQ(seen[static_cast<std::size_t>(i)].load(), 1)
            << "index " << i << " of " << n << ", workers " << workers;
    }
  }
}

TEST(Loop, BoundsOfMixedTypesNegativeAndEmpty) {
  ThreadPool pool(fast_pool(2));
  std::size_t n = 1000;
  long sum = in_pool(pool, [&](Task::Worker w, Task::Tail t) {
    return detail::parallel_reduce(
        w, t, 0, n, 0L, [](std::size_t i) { return static_cast<long>(i); },
        [](long a, long b) { return a + b; });
  });
  EXPECT_EQ(sum, 999L * 1000 / 2);
  long neg = in_pool(pool, [&](Task::Worker w, Task::Tail t) {
    return detail::parallel_reduce(
        w, t, -50, 50, 0L, [](int i) { return static_cast<long>(i); },
        [](long a, long b) { return a + b; });
  });
  EXPECT_EQ(neg, -50L);
  int calls = 0;
  in_pool(pool, [&](Task::Worker w, Task::Tail t) {
    detail::parallel_for(w, t, 10, 3, [&](int) { ++calls; });
    detail::parallel_for(w, t, 5u, 5u, [&](unsigned) { ++calls; });
  });
  EXPECT_EQ(calls, 0);
}

TEST(Loop, IteratorsGiveElements) {
  ThreadPool pool(fast_pool(4));
  std::vector<long> v(100000);
  std::iota(v.begin(), v.end(), 1);
  in_pool(pool, [&](Task::Worker w, Task::Tail t) {
    detail::parallel_for(w, t, v.begin(), v.end(), [](long &x) { x *= 2; });
  });
  for (std::size_t i = 0; i < v.size(); ++i)
    ASSERT_EQ(v[i], 2 * static_cast<long>(i + 1));
  long total = in_pool(pool, [&](Task::Worker w, Task::Tail t) {
    return detail::parallel_reduce(
        w, t, v.cbegin(), v.cend(), 0L, [](const long &x) { return x; },
        [](long a, long b) { return a + b; });
  });
  EXPECT_EQ(total, 100000L * 100001);
}

// The pieces of a reduce are combined in range order, however the range
// was split: concatenation is associative but not commutative.
TEST(Loop, ReduceCombinesInRangeOrderWhileSplit) {
  for (std::size_t workers : {2, 4, 8}) {
    ThreadPool pool(fast_pool(workers));
    const int n = 3000;
    std::string expected;
    for (int i = 0; i < n; ++i)
      expected += static_cast<char>('a' + i % 26);
    bool moved = until_moved(pool, [&] {
      std::string got = in_pool(pool, [&](Task::Worker w, Task::Tail t) {
        return detail::parallel_reduce(
            w, t, 0, n, std::string(),
            [](int i) {
              spin(2000);
              return std::string(1, static_cast<char>('a' + i % 26));
            },
            [](std::string a, const std::string &b) { return a + b; });
      });
      ASSERT_EQ(got, expected) << workers << " workers";
    });
    EXPECT_TRUE(moved) << "nothing moved: not a test";
  }
}

// A loop whose last iteration forks must not hide those forks from the
// heartbeat: with one iteration the loop has nothing to split from the
// start, yet the tree sum inside it must spread.
TEST(Loop, ForksInsideTheLastIterationStillMove) {
  ThreadPool pool(fast_pool(2));
  struct Tree {
    static long sum(Task::Worker w, Task::Tail t, int depth) {
      if (depth == 0)
        return static_cast<long>(spin(200) > 0);
      Task task(w, t);
      auto right = [depth](Task r) {
        return sum(r.worker(), r.tail(), depth - 1);
      };
      Future<long> future(task, right);
      long left = task.call(&sum, depth - 1);
      std::optional<long> r = future.join(task);
      return left + (r ? *r : right(task));
    }
  };
  bool moved = until_moved(pool, [&] {
    long total = in_pool(pool, [&](Task::Worker w, Task::Tail t) {
      return detail::parallel_reduce(
          w, t, 0, 1, 0L,
          [](Task::Worker bw, Task::Tail bt, int) {
            return Tree::sum(bw, bt, 14);
          },
          [](long a, long b) { return a + b; });
    });
    ASSERT_EQ(total, 1L << 14);
  });
  EXPECT_TRUE(moved);
}

// An outer loop stays splittable while an inner loop runs in its body: the
// second outer iteration starts elsewhere before the first one finished.
// (Attempts in which nothing moved at all, a heartbeat thread starved of CPU,
// are repeated.)
TEST(Loop, OuterLoopSplitsWhileInnerLoopRuns) {
  ThreadPool pool(fast_pool(2));
  for (int attempt = 0; attempt < 5; ++attempt) {
    int overlapped = 0;
    bool moved = until_moved(pool, [&] {
      std::atomic<bool> first_done{false};
      std::atomic<int> overlaps{0};
      in_pool(pool, [&](Task::Worker w, Task::Tail t) {
        detail::parallel_for(
            w, t, 0, 2, [&](Task::Worker bw, Task::Tail bt, int outer) {
              if (outer == 1 && !first_done.load())
                overlaps.fetch_add(1);
              if (outer == 0) {
                // A long inner loop: the beats it sees split the outer one.
                detail::parallel_for(bw, bt, 0, 4000,
                                     [](int) { (void)spin(2000); });
                first_done.store(true);
              }
            });
      });
      overlapped = overlaps.load();
    });
    ASSERT_TRUE(moved);
    EXPECT_EQ(overlapped, 1) << "attempt " << attempt;
  }
}

TEST(Loop, NestedLoopsAndForksInBodies) {
  ThreadPool pool(fast_pool(4));
  const int n = 64, m = 300;
  bool moved = until_moved(pool, [&] {
    std::vector<std::atomic<int>> seen(static_cast<std::size_t>(n * m));
    long total = in_pool(pool, [&](Task::Worker w, Task::Tail t) {
      return detail::parallel_reduce(
          w, t, 0, n, 0L,
          [&](Task::Worker bw, Task::Tail bt, int i) {
            Task task(bw, bt);
            // A fork around an inner loop: the fork is older than the inner
            // loop's marker, the loop runs between fork and join.
            auto side = [](Task) { return 1L; };
            Future<long> future(task, side);
            long inner = detail::parallel_reduce(
                task.worker(), task.tail(), 0, m, 0L,
                [&](int j) {
                  seen[static_cast<std::size_t>(i * m + j)].fetch_add(1);
                  return static_cast<long>(spin(100) > 0);
                },
                [](long a, long b) { return a + b; });
            std::optional<long> s = future.join(task);
            return inner + (s ? *s : side(task));
          },
          [](long a, long b) { return a + b; });
    });
    ASSERT_EQ(total, static_cast<long>(n) * (m + 1));
    for (auto &s : seen)
      ASSERT_EQ(s.load(), 1);
  });
  EXPECT_TRUE(moved);
}

struct BodyError : std::runtime_error {
  explicit BodyError(int i) : std::runtime_error("body"), index(i) {}
  int index;
};

// The first exception in range order wins, and no body runs after the loop
// has rethrown it.
TEST(Loop, FirstExceptionInRangeOrderAfterEveryPieceFinished) {
  for (std::size_t workers : {1, 2, 4}) {
    ThreadPool pool(fast_pool(workers));
    for (int attempt = 0; attempt < 5; ++attempt) {
      std::atomic<int> running{0};
      int caught = -1;
      try {
        in_pool(pool, [&](Task::Worker w, Task::Tail t) {
          detail::parallel_for(w, t, 0, 4000, [&](int i) {
            running.fetch_add(1);
            spin(1000);
            running.fetch_sub(1);
            if (i == 1500 || i == 2500 || i == 3999)
              throw BodyError(i);
          });
        });
      } catch (const BodyError &e) {
        caught = e.index;
        EXPECT_EQ(running.load(), 0);
      }
      EXPECT_EQ(caught, 1500) << workers << " workers";
    }
  }
}

// Every piece's result is destroyed once, whether it moved or not.
TEST(Loop, ReduceResultsAreDestroyedOnce) {
  int before = test::Counted::live.load();
  {
    ThreadPool pool(fast_pool(4));
    bool moved = until_moved(pool, [&] {
      test::Counted got = in_pool(pool, [&](Task::Worker w, Task::Tail t) {
        return detail::parallel_reduce(
            w, t, 0, 5000, test::Counted(0),
            [](int i) {
              spin(300);
              return test::Counted(i);
            },
            [](test::Counted a, const test::Counted &b) {
              a.value += b.value;
              return a;
            });
      });
      ASSERT_EQ(got.value, 4999L * 5000 / 2);
    });
    EXPECT_TRUE(moved);
  }
  EXPECT_EQ(test::Counted::live.load(), before);
}

// A loop whose remainder takes less than a chunk's time at the measured
// pace is not split: the piece would finish before a woken taker could
// start it, and its owner would wait for the taker. (Whether such a share is
// taken depends on the OS scheduler, so the rule itself is what is tested.)
TEST(Loop, OnlyRemaindersOfAChunksTimeOrMoreAreWorthSharing) {
  detail::LoopMarker marker;
  EXPECT_TRUE(detail::worth_sharing(marker, 1)) << "nothing measured yet";
  // 1000 iterations took 1000 ticks: kChunkTicks iterations are worth it.
  marker.last_len = 1000;
  marker.last_ticks = 1000;
  EXPECT_FALSE(detail::worth_sharing(marker, 500));
  EXPECT_FALSE(detail::worth_sharing(marker, detail::kChunkTicks - 1));
  EXPECT_TRUE(detail::worth_sharing(marker, detail::kChunkTicks));
  // One heavy iteration left: worth it.
  marker.last_len = 1;
  marker.last_ticks = 10 * detail::kChunkTicks;
  EXPECT_TRUE(detail::worth_sharing(marker, 1));
}

// From ordinary threads: the entry points run on the default pool, several
// callers at once.
TEST(Loop, EntryPointsFromSeveralThreads) {
  std::vector<std::thread> threads;
  std::vector<long> results(4);
  for (std::size_t k = 0; k < results.size(); ++k)
    threads.emplace_back([&, k] {
      results[k] = detail::parallel_reduce_entry(
          0, 20000, 0L,
          [](int i) { return static_cast<long>(i) + (spin(50) > 0 ? 0 : 1); },
          [](long a, long b) { return a + b; });
      std::atomic<int> calls{0};
      detail::parallel_for_entry(0, 10, [&](int) { calls.fetch_add(1); });
      results[k] += calls.load() - 10;
    });
  for (auto &t : threads)
    t.join();
  for (long r : results)
    EXPECT_EQ(r, 19999L * 20000 / 2);
}

} // namespace
} // namespace spice
