// ThreadPool: workers, calls from ordinary threads, nesting, the default
// pool and its environment, and the counters.
#include "config.h"
#include "test_util.h"

#include <spice/runtime.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace spice {
namespace {

using test::fast_pool;
using test::fib;
using test::fib_serial;
using test::single_worker;
using test::StealProbe;

TEST(ThreadPool, NumWorkers) {
  ThreadPool one(single_worker());
  EXPECT_EQ(one.num_workers(), 1u);
  ThreadPool three(fast_pool(3));
  EXPECT_EQ(three.num_workers(), 3u);
  ThreadPoolConfig automatic;
  automatic.num_workers = 0;
  ThreadPool all(automatic);
  EXPECT_EQ(all.num_workers(), detail::available_cpus());
}

TEST(ThreadPool, CallRunsOnTheCallingThreadAsAWorker) {
  ThreadPool pool(fast_pool(2));
  EXPECT_EQ(detail::current_worker(), nullptr);
  std::thread::id inside;
  detail::WorkerHot *worker = nullptr;
  int r = pool.call([&](Task) {
    inside = std::this_thread::get_id();
    worker = detail::current_worker();
    return 7;
  });
  EXPECT_EQ(r, 7);
  EXPECT_EQ(inside, std::this_thread::get_id());
  EXPECT_NE(worker, nullptr);
  EXPECT_EQ(detail::current_worker(), nullptr);
}

TEST(ThreadPool, CallReturnsReferencesAndVoid) {
  ThreadPool pool(single_worker());
  int value = 3;
  int &ref = pool.call([&](Task) -> int & { return value; });
  EXPECT_EQ(&ref, &value);
  bool ran = false;
  pool.call([&](Task) { ran = true; });
  EXPECT_TRUE(ran);
}

TEST(ThreadPool, CallPropagatesExceptions) {
  ThreadPool pool(fast_pool(2));
  EXPECT_THROW(pool.call([](Task) -> int { throw test::TestError(1); }),
               test::TestError);
  EXPECT_EQ(detail::current_worker(), nullptr);
  EXPECT_EQ(pool.call([](Task t) { return fib(t, 15); }), fib_serial(15));
}

TEST(ThreadPool, CallsFromSeveralThreadsAtOnce) {
  ThreadPool pool(fast_pool(3));
  constexpr int kThreads = 4;
  constexpr int kCalls = 10;
  std::vector<std::thread> threads;
  std::vector<long> wrong(kThreads, 0);
  std::atomic<int> ready{0};
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      ++ready;
      while (ready.load() < kThreads)
        std::this_thread::yield();
      for (int c = 0; c < kCalls; ++c) {
        int n = 16 + (i + c) % 4;
        long r = pool.call([n](Task t) { return fib(t, n); });
        if (r != fib_serial(n))
          ++wrong[static_cast<std::size_t>(i)];
      }
    });
  for (std::thread &t : threads)
    t.join();
  for (int i = 0; i < kThreads; ++i)
    EXPECT_EQ(wrong[static_cast<std::size_t>(i)], 0) << "thread " << i;
}

TEST(ThreadPool, ExternalCallersShareWorkWithEachOther) {
  // A one-worker pool has no background thread; two external callers are
  // two workers, and one may take the other's shared jobs.
  ThreadPool pool(single_worker());
  std::vector<std::thread> threads;
  std::atomic<bool> bad{false};
  for (int i = 0; i < 2; ++i)
    threads.emplace_back([&] {
      for (int c = 0; c < 5; ++c)
        if (pool.call([](Task t) { return fib(t, 18); }) != fib_serial(18))
          bad = true;
    });
  for (std::thread &t : threads)
    t.join();
  EXPECT_FALSE(bad.load());
  Stats stats = pool.stats();
  EXPECT_LE(stats.jobs_stolen, stats.jobs_shared);
}

TEST(ThreadPool, EachCallStartsWithAFreshWorker) {
  // A thread's worker is kept for the next call (no allocation per call):
  // it must start that call as new, whatever the last one left behind (jobs
  // shared and taken, a beat it did not poll), and be beaten again.
  ThreadPool pool(fast_pool(3));
  for (int c = 0; c < 20; ++c)
    pool.call([&](Task t) {
      detail::WorkerHot *worker = detail::current_worker();
      EXPECT_EQ(worker->last_shared, &worker->head) << "call " << c;
      EXPECT_EQ(detail::find_tail(worker), &worker->head) << "call " << c;
      StealProbe probe;
      auto fn = [&](Task inner) {
        probe.mark();
        return fib(inner, 12);
      };
      Future<long> taken;
      test::fork_and_wait_until_taken(t, taken, fn, probe);
      EXPECT_EQ(fib(t, 16), fib_serial(16));
      std::optional<long> r = taken.join(t);
      EXPECT_EQ(r ? *r : fn(t), fib_serial(12));
      worker->heartbeat.store(true); // a beat this call leaves unpolled
    });
  EXPECT_GE(pool.stats().jobs_stolen, 20u);
}

TEST(ThreadPool, NestedCallIsInline) {
  ThreadPool pool(fast_pool(2));
  pool.call([&](Task outer) {
    detail::WorkerHot *worker = detail::current_worker();
    auto fn = [](Task) { return 1; };
    Future<int> pending;
    pending.fork(outer, fn);
    long r = pool.call([&](Task inner) {
      EXPECT_EQ(detail::current_worker(), worker);
      // The inner task continues the same job list, behind `pending`.
      return fib(inner, 15);
    });
    EXPECT_EQ(r, fib_serial(15));
    EXPECT_EQ(detail::current_worker(), worker);
    std::optional<int> p = pending.join(outer);
    EXPECT_EQ(p ? *p : fn(outer), 1);
  });
}

TEST(ThreadPool, NestedCallIntoAnotherPool) {
  ThreadPool a(fast_pool(2));
  ThreadPool b(fast_pool(2));
  a.call([&](Task) {
    detail::WorkerHot *in_a = detail::current_worker();
    ASSERT_NE(in_a, nullptr);
    long r = b.call([&](Task t) {
      EXPECT_NE(detail::current_worker(), nullptr);
      EXPECT_NE(detail::current_worker(), in_a);
      return fib(t, 16);
    });
    EXPECT_EQ(r, fib_serial(16));
    EXPECT_EQ(detail::current_worker(), in_a);
    // Back in `a`, a call into `a` is inline again.
    a.call([&](Task) { EXPECT_EQ(detail::current_worker(), in_a); });
  });
  EXPECT_EQ(detail::current_worker(), nullptr);
}

TEST(ThreadPool, StolenJobCallsIntoAnotherPool) {
  ThreadPool a(fast_pool(2));
  ThreadPool b(fast_pool(2));
  StealProbe probe;
  detail::WorkerHot *thief = nullptr;
  bool restored = false;
  long r = a.call([&](Task t) {
    auto fn = [&](Task) {
      probe.mark();
      thief = detail::current_worker();
      long inner = b.call([](Task t2) { return fib(t2, 16); });
      restored = detail::current_worker() == thief;
      return inner;
    };
    Future<long> future;
    test::fork_and_wait_until_taken(t, future, fn, probe);
    std::optional<long> v = future.join(t);
    EXPECT_TRUE(v.has_value());
    return v ? *v : fn(t);
  });
  EXPECT_EQ(r, fib_serial(16));
  EXPECT_NE(thief, nullptr);
  EXPECT_TRUE(restored);
}

TEST(ThreadPool, ZeroHeartbeatIntervalStillWorks) {
  ThreadPoolConfig config;
  config.num_workers = 2;
  config.heartbeat_interval = std::chrono::microseconds(0);
  ThreadPool pool(config);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(pool.call([](Task t) { return fib(t, 20); }), fib_serial(20));
}

// An interval too long for steady_clock's nanoseconds once backed off (8x)
// must not overflow into a deadline in the past (a spinning heartbeat), and
// shutdown must not wait for it.
TEST(ThreadPool, HugeHeartbeatIntervalNeitherSpinsNorBlocksShutdown) {
  ThreadPoolConfig config;
  config.num_workers = 2;
  config.heartbeat_interval = std::chrono::microseconds::max();
  ThreadPool pool(config);
  pool.call([](Task t) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
    while (std::chrono::steady_clock::now() < end) {
      t.tick();
      std::this_thread::yield();
    }
  });
  EXPECT_EQ(pool.call([](Task t) { return fib(t, 20); }), fib_serial(20));
  // At most the first beat, set as the call started.
  EXPECT_LE(pool.stats().heartbeats, 1u);
}

// Beats that lead to no take (a worker ticks with nothing queued, another
// sleeps) stretch the interval up to 8x; as soon as shared jobs are taken the
// heartbeat is back at the configured rate. Counts of beats acted on over two
// equally long phases, compared with a wide margin (about 7x expected).
TEST(ThreadPool, HeartbeatBacksOffWhileNothingIsTaken) {
  ThreadPoolConfig config;
  config.num_workers = 2;
  config.heartbeat_interval = std::chrono::milliseconds(1);
  ThreadPool pool(config);
  constexpr auto kPhase = std::chrono::milliseconds(300);
  std::uint64_t useless_beats = 0;
  std::uint64_t useful_beats = 0;
  int taken = 0;
  pool.call([&](Task t) {
    std::uint64_t start = pool.stats().heartbeats;
    auto end = std::chrono::steady_clock::now() + kPhase;
    while (std::chrono::steady_clock::now() < end) {
      t.tick();
      std::this_thread::yield();
    }
    std::uint64_t middle = pool.stats().heartbeats;
    useless_beats = middle - start;
    end = std::chrono::steady_clock::now() + kPhase;
    while (std::chrono::steady_clock::now() < end) {
      StealProbe probe;
      auto fn = [&](Task) {
        probe.mark();
        return 1;
      };
      Future<int> future;
      test::fork_and_wait_until_taken(t, future, fn, probe);
      EXPECT_EQ(future.join(t), std::optional<int>(1));
      ++taken;
    }
    useful_beats = pool.stats().heartbeats - middle;
  });
  EXPECT_GT(useless_beats, 0u); // stretched, not stopped
  EXPECT_LT(2 * useless_beats, useful_beats)
      << "beats without takes " << useless_beats << ", with takes "
      << useful_beats;
  EXPECT_LT(2 * useless_beats, static_cast<std::uint64_t>(taken))
      << "beats without takes " << useless_beats << ", jobs taken " << taken;
}

TEST(ThreadPool, RunParallelIsInlineInsideAPool) {
  ThreadPool pool(fast_pool(2));
  pool.call([&](Task) {
    detail::WorkerHot *worker = detail::current_worker();
    long r = run_parallel([&](Task t) {
      EXPECT_EQ(detail::current_worker(), worker);
      return fib(t, 14);
    });
    EXPECT_EQ(r, fib_serial(14));
  });
}

TEST(ThreadPool, ManyPoolsStartAndStop) {
  for (int i = 0; i < 20; ++i) {
    ThreadPool pool(fast_pool(static_cast<std::size_t>(1 + i % 4)));
    if (i % 2 == 0) {
      EXPECT_EQ(pool.call([](Task t) { return fib(t, 12); }), fib_serial(12));
    }
  }
}

TEST(ThreadPool, FreshPoolCountsNothing) {
  ThreadPool pool(fast_pool(3));
  Stats stats = pool.stats();
  EXPECT_EQ(stats.jobs_shared, 0u);
  EXPECT_EQ(stats.jobs_stolen, 0u);
  EXPECT_EQ(stats.joins_waited, 0u);
}

TEST(ThreadPool, SingleWorkerNeverShares) {
  ThreadPool pool(single_worker());
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(pool.call([](Task t) { return fib(t, 20); }), fib_serial(20));
  Stats stats = pool.stats();
  EXPECT_EQ(stats.jobs_shared, 0u);
  EXPECT_EQ(stats.jobs_stolen, 0u);
  EXPECT_EQ(stats.joins_waited, 0u);
}

TEST(ThreadPool, StatsCountStolenJobs) {
  ThreadPool pool(fast_pool(2));
  Stats before = pool.stats();
  constexpr int kSteals = 5;
  pool.call([&](Task t) {
    for (int i = 0; i < kSteals; ++i) {
      StealProbe probe;
      auto fn = [&](Task) {
        probe.mark();
        return i;
      };
      Future<int> future;
      test::fork_and_wait_until_taken(t, future, fn, probe);
      std::optional<int> r = future.join(t);
      EXPECT_EQ(r, std::optional<int>(i));
    }
  });
  Stats after = pool.stats();
  EXPECT_GE(after.jobs_stolen, before.jobs_stolen + kSteals);
  EXPECT_GE(after.jobs_shared, after.jobs_stolen);
  EXPECT_GE(after.heartbeats, after.jobs_shared);
  EXPECT_LE(after.joins_waited, after.jobs_stolen);
  // The background worker slept before it was woken to take a job.
  EXPECT_GT(after.sleep_ns, 0u);
}

// A spawn followed by work that only ticks (calls of a parallel function
// that forks nothing) is the tail of the list the whole time; the heartbeat
// must still hand it to the idle worker (issue 8: it never did, 0 of 64
// tries). The time limit is generous: this is not a timing test, a beat is
// 100 us.
TEST(ThreadPool, SpawnedTailRunsElsewhereWhileTheParentTicks) {
  ThreadPoolConfig config;
  config.num_workers = 2;
  ThreadPool pool(config);
  auto leaf = [](Task, unsigned long rounds) {
    return test::busy_work(rounds);
  };
  for (int i = 0; i < 64; ++i) {
    bool elsewhere = pool.call([&](Task t) {
      StealProbe probe;
      auto fn = [&](Task) { probe.mark(); };
      auto future = fork(t, fn);
      auto deadline =
          std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (!probe.started.load(std::memory_order_acquire) &&
             std::chrono::steady_clock::now() < deadline)
        t.call(leaf, 100);
      if (!future.join(t))
        fn(t);
      return probe.thread != std::this_thread::get_id();
    });
    ASSERT_TRUE(elsewhere) << "try " << i;
  }
}

TEST(ThreadPool, StatsAreMonotonic) {
  ThreadPool pool(fast_pool(3));
  Stats last = pool.stats();
  for (int i = 0; i < 5; ++i) {
    pool.call([](Task t) { return fib(t, 18); });
    Stats now = pool.stats();
    EXPECT_GE(now.heartbeats, last.heartbeats);
    EXPECT_GE(now.jobs_shared, last.jobs_shared);
    EXPECT_GE(now.jobs_stolen, last.jobs_stolen);
    EXPECT_GE(now.joins_waited, last.joins_waited);
    EXPECT_GE(now.sleep_ns, last.sleep_ns);
    EXPECT_LE(now.jobs_stolen, now.jobs_shared);
    last = now;
  }
}

TEST(ThreadPool, PrintsStatsAtShutdownWhenAsked) {
  {
    testing::internal::CaptureStderr();
    {
      ThreadPoolConfig config = fast_pool(2);
      config.print_stats = true;
      ThreadPool pool(config);
      pool.call([](Task t) { return fib(t, 12); });
    }
    std::string out = testing::internal::GetCapturedStderr();
    EXPECT_NE(out.find("spice:"), std::string::npos) << out;
    EXPECT_NE(out.find("workers 2"), std::string::npos) << out;
    EXPECT_EQ(out.back(), '\n');
  }
  {
    testing::internal::CaptureStderr();
    {
      ThreadPool pool(fast_pool(2));
      pool.call([](Task t) { return fib(t, 12); });
    }
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  }
}

// --- the default pool ------------------------------------------------------

TEST(DefaultPool, IsOnePoolSizedFromTheEnvironment) {
  // CTest also runs this with SPICE_NUM_THREADS=3 (DefaultPoolEnv).
  detail::EnvSettings env;
  std::string error;
  ASSERT_TRUE(detail::read_env_settings(env, error)) << error;
  std::size_t expected =
      env.num_threads ? *env.num_threads : detail::available_cpus();
  ThreadPool &pool = ThreadPool::default_pool();
  EXPECT_EQ(&pool, &ThreadPool::default_pool());
  EXPECT_EQ(pool.num_workers(), expected);
  EXPECT_EQ(pool.call([](Task t) { return fib(t, 16); }), fib_serial(16));
}

TEST(DefaultPool, RunParallelUsesItOutsideAnyPool) {
  ASSERT_EQ(detail::current_worker(), nullptr);
  long r = run_parallel([](Task t) {
    EXPECT_NE(detail::current_worker(), nullptr);
    return fib(t, 16);
  });
  EXPECT_EQ(r, fib_serial(16));
  EXPECT_EQ(detail::current_worker(), nullptr);
  // Inside the default pool, a nested run_parallel stays on this worker.
  ThreadPool::default_pool().call([](Task) {
    detail::WorkerHot *worker = detail::current_worker();
    run_parallel([&](Task) { EXPECT_EQ(detail::current_worker(), worker); });
  });
}

TEST(DefaultPoolDeathTest, MalformedEnvironmentIsFatal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        ::setenv("SPICE_NUM_THREADS", "many", 1);
        ThreadPool::default_pool();
      },
      testing::ExitedWithCode(EXIT_FAILURE),
      "spice: error: SPICE_NUM_THREADS=\"many\" is not a positive integer");
}

} // namespace
} // namespace spice
