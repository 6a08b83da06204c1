// The spawn form spice-rewrite emits (detail/spawn.h): a record on the
// frame and a handle that forks and joins it. Each path of a record: not
// taken (the fallback call), taken (the result or exception at the join),
// unwound (the call still runs), and the list is back where it started
// after each.
#include "test_util.h"

#include <spice/detail/spawn.h>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

namespace spice {
namespace {

using detail::record;
using detail::spawn;
using test::Counted;
using test::fast_pool;
using test::single_worker;
using test::StealProbe;
using test::TestError;

/// Ticks until `probe` says another worker started the job.
void wait_until_taken(Task &t, const StealProbe &probe) {
  while (!probe.started.load(std::memory_order_acquire)) {
    t.tick();
    std::this_thread::yield();
  }
}

TEST(SpawnNotTaken, TheFallbackMakesTheCallAndTheListIsRestored) {
  ThreadPool pool(single_worker());
  pool.call([](Task t) {
    detail::Job *top = t.tail();
    int calls = 0;
    auto fut_rec = record([&calls, x = 20](Task) {
      ++calls;
      return x + 1;
    });
    auto fut = spawn(t, fut_rec);
    EXPECT_NE(t.tail(), top);
    EXPECT_EQ(t.tail()->next, nullptr);
    int r = 0;
    ASSERT_FALSE(fut.join_into(t, &r));
    EXPECT_EQ(r, 0); // untouched: nobody ran it yet
    EXPECT_EQ(fut.call(t), 21);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(t.tail(), top);
    EXPECT_EQ(t.tail(), &t.worker()->head);
    // Joined already: later joins (the rewrite joins at every exit) are
    // no-ops.
    EXPECT_TRUE(fut.join_into(t, &r));
    EXPECT_TRUE(fut.join_into(t));
    EXPECT_EQ(calls, 1);
  });
}

TEST(SpawnNotTaken, NestedSpawnsAreLifo) {
  ThreadPool pool(single_worker());
  pool.call([](Task t) {
    detail::Job *top = t.tail();
    auto a_rec = record([](Task) { return std::string("a"); });
    auto a = spawn(t, a_rec);
    detail::Job *after_a = t.tail();
    auto b_rec = record([](Task) { return std::string("b"); });
    auto b = spawn(t, b_rec);
    EXPECT_NE(t.tail(), after_a);
    std::string rb, ra;
    if (!b.join_into(t, &rb))
      rb = b.call(t);
    EXPECT_EQ(t.tail(), after_a);
    if (!a.join_into(t, &ra))
      ra = a.call(t);
    EXPECT_EQ(ra + rb, "ab");
    EXPECT_EQ(t.tail(), top);
  });
}

TEST(SpawnNotTaken, MoveOnlyArgumentsMoveIntoTheCall) {
  ThreadPool pool(single_worker());
  pool.call([](Task t) {
    auto p = std::make_unique<int>(7);
    auto fut_rec = record([q = std::move(p)](Task) mutable {
      std::unique_ptr<int> mine = std::move(q);
      return *mine;
    });
    auto fut = spawn(t, fut_rec);
    int r = 0;
    if (!fut.join_into(t, &r))
      r = fut.call(t);
    EXPECT_EQ(r, 7);
  });
}

TEST(SpawnNotTaken, CapturedObjectsAreDestroyedOnce) {
  ThreadPool pool(single_worker());
  pool.call([](Task t) {
    {
      auto fut_rec = record([c = Counted(5)](Task) { return c.value; });
      auto fut = spawn(t, fut_rec);
      long r = 0;
      if (!fut.join_into(t, &r))
        r = fut.call(t);
      EXPECT_EQ(r, 5);
    }
    EXPECT_EQ(Counted::live.load(), 0);
  });
}

TEST(SpawnNotTaken, UnwindingRunsTheQueuedCallOnce) {
  ThreadPool pool(single_worker());
  int calls = 0;
  detail::Job *top = nullptr, *after = nullptr;
  EXPECT_THROW(pool.call([&](Task t) {
    top = t.tail();
    auto fut_rec = record([&calls, c = Counted(1)](Task) {
      ++calls;
      return c;
    });
    auto fut = spawn(t, fut_rec);
    after = t.tail();
    throw TestError(1);
  }),
               TestError);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Counted::live.load(), 0);
  EXPECT_NE(top, after);
  // The pool is usable.
  pool.call([&](Task t) { EXPECT_EQ(t.tail(), &t.worker()->head); });
}

TEST(SpawnTaken, ResultArrivesAtTheJoinAndTheListIsRestored) {
  ThreadPool pool(fast_pool(2));
  for (int round = 0; round < 20; ++round) {
    StealProbe probe;
    std::thread::id caller;
    pool.call([&](Task t) {
      caller = std::this_thread::get_id();
      detail::Job *top = t.tail();
      auto fut_rec = record([&probe, c = Counted(round)](Task) {
        probe.mark();
        return Counted(c.value + 1);
      });
      auto fut = spawn(t, fut_rec);
      wait_until_taken(t, probe);
      Counted r(-5);
      ASSERT_TRUE(fut.join_into(t, &r));
      EXPECT_EQ(r.value, round + 1);
      EXPECT_EQ(t.tail(), top);
      EXPECT_EQ(t.tail(), &t.worker()->head);
    });
    EXPECT_NE(probe.thread, caller);
    EXPECT_EQ(Counted::live.load(), 0);
  }
  EXPECT_GE(pool.stats().jobs_stolen, 20u);
}

TEST(SpawnTaken, ExceptionArrivesAtTheJoinAndTheListIsRestored) {
  ThreadPool pool(fast_pool(2));
  StealProbe probe;
  pool.call([&](Task t) {
    detail::Job *top = t.tail();
    auto fut_rec = record([&probe, c = Counted(1)](Task) -> int {
      probe.mark();
      throw TestError(int(c.value));
    });
    auto fut = spawn(t, fut_rec);
    wait_until_taken(t, probe);
    int r = 0;
    try {
      fut.join_into(t, &r);
      ADD_FAILURE() << "no exception";
    } catch (const TestError &e) {
      EXPECT_EQ(e.id, 1);
    }
    EXPECT_EQ(t.tail(), top);
  });
  EXPECT_EQ(Counted::live.load(), 0);
}

TEST(SpawnTaken, UnwindingWaitsForTheTakerAndDropsItsResult) {
  ThreadPool pool(fast_pool(2));
  StealProbe probe;
  std::atomic<bool> finished{false};
  EXPECT_THROW(pool.call([&](Task t) {
    auto fut_rec = record([&](Task) {
      probe.mark();
      test::busy_work(100000);
      finished.store(true);
      return Counted(3);
    });
    auto fut = spawn(t, fut_rec);
    wait_until_taken(t, probe);
    throw TestError(2);
  }),
               TestError);
  EXPECT_TRUE(finished.load());
  EXPECT_EQ(Counted::live.load(), 0);
  pool.call([&](Task t) { EXPECT_EQ(t.tail(), &t.worker()->head); });
}

// Recursion through the emitted form, at more workers than cores and with a
// 1 us heartbeat, so records move between workers while others are pushed;
// with either handle (Nothrow: the one spice-rewrite emits where nothing
// before the join can throw, without an unwinding cleanup).
template <bool Nothrow> long fib(Task t, int n) {
  if (n < 2)
    return n;
  auto a_rec = record([n](Task t2) { return fib<Nothrow>(t2, n - 1); });
  auto a = [&] {
    if constexpr (Nothrow)
      return spawn(t, a_rec, detail::nothrow_until_join);
    else
      return spawn(t, a_rec);
  }();
  long b = fib<Nothrow>(t, n - 2);
  long ra = 0;
  if (!a.join_into(t, &ra))
    ra = a.call(t);
  return ra + b;
}

// The split join spice-rewrite emits where a return follows the sync:
// shared() / join_shared() on one path, pop() / call() on the other.
long fib_split(Task t, int n) {
  if (n < 2)
    return n;
  t.tick(); // as spice-rewrite emits it, so heartbeats share records
  auto a_rec = record([n](Task t2) { return fib_split(t2, n - 1); });
  auto a = spawn(t, a_rec, detail::nothrow_until_join);
  long b = fib_split(t, n - 2);
  long ra;
  if (a.shared(t)) {
    ra = a.join_shared(t);
    return ra + b;
  }
  a.pop(t);
  ra = a.call(t);
  return ra + b;
}

template <bool Nothrow> void fib_on_many_workers() {
  for (std::size_t workers : {1u, 2u, 4u, 8u}) {
    ThreadPool pool(fast_pool(workers));
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ(pool.call([](Task t) { return fib<Nothrow>(t, 26); }),
                test::fib_serial(26))
          << workers << " workers";
  }
}

TEST(SpawnTaken, FibOnManyWorkersMatchesSerial) {
  fib_on_many_workers<false>();
}

TEST(SpawnNothrow, FibOnManyWorkersMatchesSerial) {
  fib_on_many_workers<true>();
}

TEST(SpawnSplitJoin, FibOnManyWorkersMatchesSerial) {
  for (std::size_t workers : {1u, 2u, 4u, 8u}) {
    ThreadPool pool(fast_pool(workers));
    // Until another worker took a record (the OS may not wake one in time
    // on a loaded machine), and at least three times.
    for (int i = 0;
         i < 3 || (workers > 1 && pool.stats().jobs_stolen == 0 && i < 200);
         ++i)
      EXPECT_EQ(pool.call([](Task t) { return fib_split(t, 26); }),
                test::fib_serial(26))
          << workers << " workers";
    if (workers > 1) {
      EXPECT_GT(pool.stats().jobs_stolen, 0u) << workers << " workers";
    }
  }
}

TEST(SpawnSplitJoin, NotTakenPopsAndTheFallbackCalls) {
  ThreadPool pool(single_worker());
  pool.call([](Task t) {
    detail::Job *top = t.tail();
    int calls = 0;
    auto rec = record([&calls, x = 20](Task) {
      ++calls;
      return x + 1;
    });
    auto fut = spawn(t, rec);
    EXPECT_FALSE(fut.shared(t));
    fut.pop(t);
    EXPECT_EQ(t.tail(), top);
    EXPECT_EQ(top->next, nullptr);
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(fut.call(t), 21);
    EXPECT_EQ(calls, 1);
  });
}

TEST(SpawnSplitJoin, TakenResultAndExceptionComeFromJoinShared) {
  ThreadPool pool(fast_pool(2));
  for (int round = 0; round < 10; ++round) {
    StealProbe probe;
    pool.call([&](Task t) {
      detail::Job *top = t.tail();
      auto rec = record([&probe, round](Task) {
        probe.mark();
        return round * 3;
      });
      auto fut = spawn(t, rec, detail::nothrow_until_join);
      wait_until_taken(t, probe);
      ASSERT_TRUE(fut.shared(t));
      EXPECT_EQ(fut.join_shared(t), round * 3);
      EXPECT_EQ(t.tail(), top);
      EXPECT_EQ(top->next, nullptr);
    });
  }
  StealProbe thrown;
  pool.call([&](Task t) {
    detail::Job *top = t.tail();
    auto rec = record([&thrown](Task) -> long {
      thrown.mark();
      throw TestError(5);
    });
    auto fut = spawn(t, rec);
    wait_until_taken(t, thrown);
    ASSERT_TRUE(fut.shared(t));
    try {
      fut.join_shared(t);
      ADD_FAILURE() << "no exception";
    } catch (const TestError &e) {
      EXPECT_EQ(e.id, 5);
    }
    EXPECT_EQ(t.tail(), top);
  });
}

TEST(SpawnNothrow, NotTakenThenTakenWithResultAndException) {
  ThreadPool pool(fast_pool(2));
  pool.call([](Task t) {
    detail::Job *top = t.tail();
    // Not taken: the fallback copies the (trivial) closure out of the
    // record before the call.
    auto rec = record([x = 20, y = 1](Task) { return x + y; });
    auto fut = spawn(t, rec, detail::nothrow_until_join);
    int r = 0;
    ASSERT_FALSE(fut.join_into(t, &r));
    EXPECT_EQ(fut.call(t), 21);
    EXPECT_EQ(t.tail(), top);
    EXPECT_TRUE(fut.join_into(t, &r)); // joined already
  });
  StealProbe probe;
  pool.call([&](Task t) {
    detail::Job *top = t.tail();
    auto rec = record([&probe](Task) {
      probe.mark();
      return Counted(7);
    });
    auto fut = spawn(t, rec, detail::nothrow_until_join);
    wait_until_taken(t, probe);
    Counted r(0);
    ASSERT_TRUE(fut.join_into(t, &r));
    EXPECT_EQ(r.value, 7);
    EXPECT_EQ(t.tail(), top);
  });
  EXPECT_EQ(Counted::live.load(), 0);
  StealProbe thrown;
  pool.call([&](Task t) {
    detail::Job *top = t.tail();
    auto rec = record([&thrown](Task) -> int {
      thrown.mark();
      throw TestError(3);
    });
    auto fut = spawn(t, rec, detail::nothrow_until_join);
    wait_until_taken(t, thrown);
    int r = 0;
    EXPECT_THROW(fut.join_into(t, &r), TestError);
    EXPECT_EQ(t.tail(), top);
  });
}

#if SPICE_ASSERTIONS
// The promise behind the handle without a cleanup: no exception leaves its
// frame before the join. Debug and sanitizer builds check it.
TEST(SpawnNothrowDeathTest, AnExceptionBeforeTheJoinIsCaught) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        ThreadPool pool(single_worker());
        pool.call([](Task t) {
          auto rec = record([](Task) { return 1; });
          auto fut = spawn(t, rec, detail::nothrow_until_join);
          throw TestError(4);
        });
      },
      "invariant '!this->queued_'");
}
#endif

// A call into another pool between a fork and its join has a list of its own
// and leaves the outer one as it was.
TEST(SpawnNested, ACallIntoAnotherPoolKeepsTheOuterList) {
  ThreadPool outer(single_worker()), inner(single_worker());
  outer.call([&](Task t) {
    auto fut_rec = record([](Task) { return 1; });
    auto fut = spawn(t, fut_rec);
    detail::Job *outer_tail = t.tail();
    int got = inner.call([&](Task u) {
      EXPECT_EQ(u.tail(), &u.worker()->head);
      auto g_rec = record([](Task) { return 2; });
      auto g = spawn(u, g_rec);
      int r = 0;
      if (!g.join_into(u, &r))
        r = g.call(u);
      return r;
    });
    EXPECT_EQ(t.tail(), outer_tail);
    EXPECT_EQ(outer_tail->next, nullptr);
    int r = 0;
    if (!fut.join_into(t, &r))
      r = fut.call(t);
    EXPECT_EQ(r + got, 3);
  });
}

} // namespace
} // namespace spice
