// Future fork/join on both paths: not taken (the caller makes the call) and
// taken by another worker (the result or exception arrives at the join).
#include "test_util.h"

#include <spice/runtime.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <numeric>
#include <optional>
#include <string>
#include <thread>

namespace spice {
namespace {

using test::Counted;
using test::fast_pool;
using test::fork_and_wait_until_taken;
using test::MoveOnly;
using test::single_worker;
using test::StealProbe;
using test::TestError;

using Big = std::array<unsigned char, 4096>;

Big make_big(unsigned seed) {
  Big big;
  for (std::size_t i = 0; i < big.size(); ++i)
    big[i] = static_cast<unsigned char>(seed * 31 + i * 7);
  return big;
}

bool is_worker_list_empty() {
  detail::WorkerHot *worker = detail::current_worker();
  return worker && detail::find_tail(worker) == &worker->head;
}

// --- not taken -------------------------------------------------------------

TEST(FutureNotTaken, JoinIsEmptyAndTheCallerRunsTheCall) {
  ThreadPool pool(single_worker());
  int calls = 0;
  long total = pool.call([&](Task t) {
    auto right = [&](Task) {
      ++calls;
      return 40L;
    };
    Future<long> future;
    future.fork(t, right);
    EXPECT_FALSE(is_worker_list_empty());
    std::optional<long> b = future.join(t);
    EXPECT_FALSE(b.has_value());
    EXPECT_EQ(calls, 0); // nobody ran it
    EXPECT_TRUE(is_worker_list_empty());
    return 2 + (b ? *b : right(t));
  });
  EXPECT_EQ(total, 42);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(pool.stats().jobs_shared, 0u);
  EXPECT_EQ(pool.stats().jobs_stolen, 0u);
}

TEST(FutureNotTaken, ForkFunctionReturnsAForkedFuture) {
  ThreadPool pool(single_worker());
  pool.call([&](Task t) {
    auto fn = [](Task) { return std::string("forked"); };
    auto future = spice::fork(t, fn);
    static_assert(std::is_same_v<decltype(future), Future<std::string>>);
    EXPECT_FALSE(is_worker_list_empty());
    std::optional<std::string> r = future.join(t);
    EXPECT_FALSE(r.has_value());
    EXPECT_TRUE(is_worker_list_empty());
  });
}

TEST(FutureNotTaken, NestedForksJoinInReverse) {
  ThreadPool pool(single_worker());
  long r = pool.call([](Task t) { return test::fib(t, 20); });
  EXPECT_EQ(r, test::fib_serial(20));
  EXPECT_EQ(pool.stats().jobs_shared, 0u);
}

TEST(FutureNotTaken, FutureCanBeForkedAgainAfterItsJoin) {
  ThreadPool pool(single_worker());
  pool.call([](Task t) {
    Future<int> future;
    for (int i = 0; i < 3; ++i) {
      auto fn = [i](Task) { return i; };
      future.fork(t, fn);
      EXPECT_FALSE(future.join(t).has_value());
      EXPECT_TRUE(is_worker_list_empty());
    }
  });
}

TEST(FutureNotTaken, JoinOfANeverForkedFutureIsEmpty) {
  ThreadPool pool(single_worker());
  pool.call([](Task t) {
    Future<int> never;
    EXPECT_FALSE(never.join(t).has_value());
    Future<void> never_void;
    EXPECT_FALSE(never_void.join(t));
  });
}

TEST(FutureNotTaken, JoinIntoOfANeverForkedFutureSaysDone) {
  ThreadPool pool(single_worker());
  pool.call([](Task t) {
    Future<int> never;
    int dest = 7;
    EXPECT_TRUE(never.join_into(t, &dest));
    EXPECT_EQ(dest, 7);
  });
}

TEST(FutureNotTaken, JoinIntoReturnsFalseAndLeavesDest) {
  ThreadPool pool(single_worker());
  pool.call([](Task t) {
    auto fn = [](Task) { return MoveOnly(5); };
    Future<MoveOnly> future;
    future.fork(t, fn);
    MoveOnly dest(1);
    EXPECT_FALSE(future.join_into(t, &dest));
    EXPECT_EQ(dest.value, 1);
    future.fork(t, fn);
    EXPECT_FALSE(future.join_into(t));
  });
}

TEST(FutureNotTaken, VoidJoinIsFalse) {
  ThreadPool pool(single_worker());
  int calls = 0;
  pool.call([&](Task t) {
    auto fn = [&](Task) { ++calls; };
    Future<void> future;
    future.fork(t, fn);
    EXPECT_FALSE(future.join(t));
    EXPECT_EQ(calls, 0);
  });
}

TEST(FutureNotTaken, InlineCallThrows) {
  ThreadPool pool(single_worker());
  pool.call([](Task t) {
    auto fn = [](Task) -> int { throw TestError(1); };
    Future<int> future;
    future.fork(t, fn);
    std::optional<int> r = future.join(t);
    ASSERT_FALSE(r.has_value());
    EXPECT_THROW(fn(t), TestError);
    // The list is consistent: fork/join still works.
    EXPECT_TRUE(is_worker_list_empty());
    EXPECT_EQ(test::fib(t, 15), test::fib_serial(15));
  });
}

TEST(FutureNotTaken, UnwindingFinishesTheQueuedCall) {
  ThreadPool pool(single_worker());
  int calls = 0;
  pool.call([&](Task t) {
    try {
      auto fn = [&](Task) {
        ++calls;
        return Counted(3);
      };
      Future<Counted> first;
      first.fork(t, fn);
      Future<Counted> second;
      second.fork(t, fn);
      throw TestError(9);
    } catch (const TestError &e) {
      EXPECT_EQ(e.id, 9);
    }
    // ~Future ran both calls and dropped their results.
    EXPECT_EQ(calls, 2);
    EXPECT_EQ(Counted::live.load(), 0);
    t.reset_tail();
    EXPECT_TRUE(is_worker_list_empty());
    EXPECT_EQ(test::fib(t, 12), test::fib_serial(12));
  });
}

TEST(FutureNotTaken, UnwindingSwallowsTheForkedCallsOwnException) {
  ThreadPool pool(single_worker());
  int calls = 0;
  EXPECT_THROW(pool.call([&](Task t) {
    auto fn = [&](Task) -> int {
      ++calls;
      throw TestError(2);
    };
    Future<int> future;
    future.fork(t, fn);
    throw TestError(1);
  }),
               TestError);
  EXPECT_EQ(calls, 1);
}

TEST(FutureNotTaken, ExceptionLeavesThePoolUsable) {
  ThreadPool pool(single_worker());
  try {
    pool.call([](Task t) -> int {
      auto fn = [](Task) { return 1; };
      Future<int> future;
      future.fork(t, fn);
      throw TestError(4);
    });
    FAIL() << "no exception";
  } catch (const TestError &e) {
    EXPECT_EQ(e.id, 4);
  }
  EXPECT_EQ(pool.call([](Task t) { return test::fib(t, 10); }),
            test::fib_serial(10));
}

// --- taken by another worker -----------------------------------------------

TEST(FutureTaken, ResultArrivesAtTheJoin) {
  ThreadPool pool(fast_pool(2));
  StealProbe probe;
  std::thread::id caller;
  long r = pool.call([&](Task t) {
    caller = std::this_thread::get_id();
    auto fn = [&](Task) {
      probe.mark();
      return 41L;
    };
    Future<long> future;
    fork_and_wait_until_taken(t, future, fn, probe);
    std::optional<long> b = future.join(t);
    EXPECT_TRUE(b.has_value());
    EXPECT_TRUE(is_worker_list_empty());
    return 1 + (b ? *b : fn(t));
  });
  EXPECT_EQ(r, 42);
  EXPECT_NE(probe.thread, caller);
  Stats stats = pool.stats();
  EXPECT_GE(stats.jobs_stolen, 1u);
  EXPECT_GE(stats.jobs_shared, stats.jobs_stolen);
  EXPECT_GE(stats.heartbeats, stats.jobs_shared);
}

TEST(FutureTaken, LargeResult) {
  ThreadPool pool(fast_pool(2));
  StealProbe probe;
  pool.call([&](Task t) {
    auto fn = [&](Task) {
      probe.mark();
      return make_big(11);
    };
    Future<Big> future;
    fork_and_wait_until_taken(t, future, fn, probe);
    std::optional<Big> r = future.join(t);
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(*r == make_big(11));
  });
}

TEST(FutureNotTaken, LargeResult) {
  ThreadPool pool(single_worker());
  pool.call([&](Task t) {
    auto fn = [](Task) { return make_big(5); };
    Future<Big> future;
    future.fork(t, fn);
    std::optional<Big> r = future.join(t);
    ASSERT_FALSE(r.has_value());
    EXPECT_TRUE(fn(t) == make_big(5));
  });
}

TEST(FutureTaken, LargeResultViaJoinInto) {
  ThreadPool pool(fast_pool(3));
  StealProbe probe;
  pool.call([&](Task t) {
    auto fn = [&](Task) {
      probe.mark();
      return make_big(3);
    };
    Future<Big> future;
    fork_and_wait_until_taken(t, future, fn, probe);
    Big dest{};
    EXPECT_TRUE(future.join_into(t, &dest));
    EXPECT_TRUE(dest == make_big(3));
  });
}

TEST(FutureTaken, UniquePtrResult) {
  ThreadPool pool(fast_pool(2));
  StealProbe probe;
  pool.call([&](Task t) {
    auto fn = [&](Task) {
      probe.mark();
      return std::make_unique<int>(17);
    };
    Future<std::unique_ptr<int>> future;
    fork_and_wait_until_taken(t, future, fn, probe);
    std::optional<std::unique_ptr<int>> r = future.join(t);
    ASSERT_TRUE(r.has_value());
    ASSERT_NE(r->get(), nullptr);
    EXPECT_EQ(**r, 17);
  });
}

TEST(FutureTaken, MoveOnlyResultViaJoinAndJoinInto) {
  ThreadPool pool(fast_pool(2));
  pool.call([&](Task t) {
    StealProbe probe;
    auto fn = [&](Task) {
      probe.mark();
      return MoveOnly(23);
    };
    Future<MoveOnly> future;
    fork_and_wait_until_taken(t, future, fn, probe);
    std::optional<MoveOnly> r = future.join(t);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->value, 23);

    StealProbe probe2;
    auto fn2 = [&](Task) {
      probe2.mark();
      return MoveOnly(29);
    };
    Future<MoveOnly> future2;
    fork_and_wait_until_taken(t, future2, fn2, probe2);
    MoveOnly dest(0);
    EXPECT_TRUE(future2.join_into(t, &dest));
    EXPECT_EQ(dest.value, 29);
  });
}

TEST(FutureTaken, EveryResultIsDestroyedOnce) {
  ThreadPool pool(fast_pool(2));
  ASSERT_EQ(Counted::live.load(), 0);
  pool.call([&](Task t) {
    {
      StealProbe probe;
      auto fn = [&](Task) {
        probe.mark();
        return Counted(1);
      };
      Future<Counted> future;
      fork_and_wait_until_taken(t, future, fn, probe);
      std::optional<Counted> r = future.join(t);
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(r->value, 1);
      EXPECT_EQ(Counted::live.load(), 1);
    }
    EXPECT_EQ(Counted::live.load(), 0);
    {
      StealProbe probe;
      auto fn = [&](Task) {
        probe.mark();
        return Counted(2);
      };
      Future<Counted> future;
      fork_and_wait_until_taken(t, future, fn, probe);
      Counted dest(0);
      EXPECT_TRUE(future.join_into(t, &dest));
      EXPECT_EQ(dest.value, 2);
      EXPECT_EQ(Counted::live.load(), 1);
    }
    EXPECT_EQ(Counted::live.load(), 0);
    {
      // Result dropped by join_into without a destination.
      StealProbe probe;
      auto fn = [&](Task) {
        probe.mark();
        return Counted(3);
      };
      Future<Counted> future;
      fork_and_wait_until_taken(t, future, fn, probe);
      EXPECT_TRUE(future.join_into(t));
      EXPECT_EQ(Counted::live.load(), 0);
      Counted *null_dest = nullptr;
      StealProbe probe2;
      auto fn2 = [&](Task) {
        probe2.mark();
        return Counted(4);
      };
      fork_and_wait_until_taken(t, future, fn2, probe2);
      EXPECT_TRUE(future.join_into(t, null_dest));
      EXPECT_EQ(Counted::live.load(), 0);
    }
  });
  EXPECT_EQ(Counted::live.load(), 0);
}

TEST(FutureTaken, VoidJoinIsTrueAfterTheCallRan) {
  ThreadPool pool(fast_pool(2));
  StealProbe probe;
  std::atomic<int> calls{0};
  pool.call([&](Task t) {
    auto fn = [&](Task) {
      probe.mark();
      test::busy_work(10000);
      ++calls;
    };
    Future<void> future;
    fork_and_wait_until_taken(t, future, fn, probe);
    EXPECT_TRUE(future.join(t));
    EXPECT_EQ(calls.load(), 1);
  });
}

TEST(FutureTaken, ExceptionArrivesAtTheJoin) {
  ThreadPool pool(fast_pool(2));
  StealProbe probe;
  std::thread::id caller;
  pool.call([&](Task t) {
    caller = std::this_thread::get_id();
    auto fn = [&](Task) -> int {
      probe.mark();
      test::busy_work(10000);
      throw TestError(77);
    };
    Future<int> future;
    fork_and_wait_until_taken(t, future, fn, probe);
    try {
      (void)future.join(t);
      ADD_FAILURE() << "join did not throw";
    } catch (const TestError &e) {
      EXPECT_EQ(e.id, 77);
    }
    EXPECT_TRUE(is_worker_list_empty());
    // The worker is fine afterwards.
    EXPECT_EQ(test::fib(t, 15), test::fib_serial(15));
  });
  EXPECT_NE(probe.thread, caller);
}

TEST(FutureTaken, ExceptionArrivesAtJoinIntoAndVoidJoin) {
  ThreadPool pool(fast_pool(2));
  pool.call([&](Task t) {
    StealProbe probe;
    auto fn = [&](Task) -> Counted {
      probe.mark();
      throw TestError(5);
    };
    Future<Counted> future;
    fork_and_wait_until_taken(t, future, fn, probe);
    Counted dest(8);
    EXPECT_THROW(future.join_into(t, &dest), TestError);
    EXPECT_EQ(dest.value, 8);

    StealProbe probe2;
    auto fn2 = [&](Task) {
      probe2.mark();
      throw TestError(6);
    };
    Future<void> future2;
    fork_and_wait_until_taken(t, future2, fn2, probe2);
    EXPECT_THROW(future2.join(t), TestError);
  });
  EXPECT_EQ(Counted::live.load(), 0);
}

TEST(FutureTaken, UnwindingWaitsForTheTakenCallAndDropsItsResult) {
  ThreadPool pool(fast_pool(2));
  StealProbe probe;
  std::atomic<bool> finished{false};
  try {
    pool.call([&](Task t) {
      auto fn = [&](Task) {
        probe.mark();
        test::busy_work(100000);
        finished.store(true);
        return Counted(12);
      };
      Future<Counted> future;
      fork_and_wait_until_taken(t, future, fn, probe);
      throw TestError(3);
    });
    FAIL() << "no exception";
  } catch (const TestError &e) {
    EXPECT_EQ(e.id, 3);
  }
  // ~Future waited for the other worker before the frame went away.
  EXPECT_TRUE(finished.load());
  EXPECT_EQ(Counted::live.load(), 0);
}

TEST(FutureTaken, UnwindingSwallowsTheTakenCallsException) {
  ThreadPool pool(fast_pool(2));
  StealProbe probe;
  try {
    pool.call([&](Task t) {
      auto fn = [&](Task) -> int {
        probe.mark();
        throw TestError(2);
      };
      Future<int> future;
      fork_and_wait_until_taken(t, future, fn, probe);
      throw TestError(1);
    });
    FAIL() << "no exception";
  } catch (const TestError &e) {
    EXPECT_EQ(e.id, 1);
  }
}

// The heartbeat shared the job, but the exception unwinds the future before
// any worker took it: ~Future must take it back and run it itself. The window
// is the taker's wake-up, so the case is repeated until it was hit.
TEST(FutureShared, UnwindingAJobNobodyTookYetRunsItOnce) {
  ThreadPool pool(fast_pool(2));
  int not_taken_hits = 0;
  for (int round = 0; round < 200; ++round) {
    std::atomic<int> calls{0};
    std::thread::id runner;
    pool.call([&](Task t) {
      try {
        auto fn = [&](Task) {
          runner = std::this_thread::get_id();
          ++calls;
          return Counted(round);
        };
        Future<Counted> future;
        future.fork(t, fn);
        auto filler = [](Task) {};
        Future<void> tail;
        tail.fork(t, filler);
        std::uint64_t shared = pool.stats().jobs_shared;
        while (pool.stats().jobs_shared == shared)
          t.tick();
        if (!tail.join(t))
          filler(t);
        throw TestError(round);
      } catch (const TestError &e) {
        EXPECT_EQ(e.id, round);
      }
    });
    ASSERT_EQ(calls.load(), 1) << "round " << round;
    ASSERT_EQ(Counted::live.load(), 0) << "round " << round;
    if (runner == std::this_thread::get_id())
      ++not_taken_hits;
  }
  // Informational: how often the job was taken back by the owner.
  std::printf("[ info     ] taken back by the owner in %d of 200 rounds\n",
              not_taken_hits);
}

// A result type with a stricter alignment than the future's other members:
// every object of it must sit at a 64-byte boundary.
struct alignas(64) Aligned {
  explicit Aligned(int v) : value(v) { check(); }
  Aligned(const Aligned &other) : value(other.value) { check(); }
  Aligned &operator=(const Aligned &) = default;
  void check() const {
    if (reinterpret_cast<std::uintptr_t>(this) % 64 != 0)
      misaligned.fetch_add(1);
  }
  static inline std::atomic<int> misaligned{0};
  int value;
};

TEST(FutureTaken, OverAlignedResult) {
  ThreadPool pool(fast_pool(2));
  pool.call([&](Task t) {
    for (int i = 0; i < 3; ++i) {
      StealProbe probe;
      auto fn = [&](Task) {
        probe.mark();
        return Aligned(i);
      };
      Future<Aligned> future;
      fork_and_wait_until_taken(t, future, fn, probe);
      std::optional<Aligned> r = future.join(t);
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(r->value, i);
    }
  });
  EXPECT_EQ(Aligned::misaligned.load(), 0);
}

TEST(FutureTaken, ParallelFibOnManyWorkers) {
  ThreadPool pool(fast_pool(4));
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(pool.call([](Task t) { return test::fib(t, 22); }),
              test::fib_serial(22));
  Stats stats = pool.stats();
  EXPECT_LE(stats.jobs_stolen, stats.jobs_shared);
}

} // namespace
} // namespace spice
