// The spawn form spice-rewrite emits (detail/spawn.h): records in the
// worker's arena, a handle on the frame. Each path of a record: not taken
// (the fallback call), taken (the result or exception at the join), and
// unwound (the call still runs); and the arena is back where it started
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

using detail::spawn;
using test::Counted;
using test::fast_pool;
using test::single_worker;
using test::StealProbe;
using test::TestError;

char *arena_top(Task &t) { return t.worker()->arena_top; }

/// Ticks until `probe` says another worker started the job.
void wait_until_taken(Task &t, const StealProbe &probe) {
  while (!probe.started.load(std::memory_order_acquire)) {
    t.tick();
    std::this_thread::yield();
  }
}

TEST(SpawnNotTaken, TheFallbackMakesTheCallAndTheArenaIsReleased) {
  ThreadPool pool(single_worker());
  pool.call([](Task t) {
    char *top = arena_top(t);
    int calls = 0;
    auto fut = spawn(t, [&calls, x = 20](Task) {
      ++calls;
      return x + 1;
    });
    EXPECT_GT(arena_top(t), top);
    EXPECT_EQ(t.tail()->next, nullptr);
    int r = 0;
    ASSERT_FALSE(fut.join_into(t, &r));
    EXPECT_EQ(r, 0); // untouched: nobody ran it yet
    EXPECT_EQ(fut.call(t), 21);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(arena_top(t), top);
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
    char *top = arena_top(t);
    auto a = spawn(t, [](Task) { return std::string("a"); });
    char *after_a = arena_top(t);
    auto b = spawn(t, [](Task) { return std::string("b"); });
    EXPECT_GT(arena_top(t), after_a);
    std::string rb, ra;
    if (!b.join_into(t, &rb))
      rb = b.call(t);
    EXPECT_EQ(arena_top(t), after_a);
    if (!a.join_into(t, &ra))
      ra = a.call(t);
    EXPECT_EQ(ra + rb, "ab");
    EXPECT_EQ(arena_top(t), top);
  });
}

TEST(SpawnNotTaken, MoveOnlyArgumentsMoveIntoTheCall) {
  ThreadPool pool(single_worker());
  pool.call([](Task t) {
    auto p = std::make_unique<int>(7);
    auto fut = spawn(t, [q = std::move(p)](Task) mutable {
      std::unique_ptr<int> mine = std::move(q);
      return *mine;
    });
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
      auto fut = spawn(t, [c = Counted(5)](Task) { return c.value; });
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
  char *top = nullptr, *after = nullptr;
  EXPECT_THROW(pool.call([&](Task t) {
    top = arena_top(t);
    auto fut = spawn(t, [&calls, c = Counted(1)](Task) {
      ++calls;
      return c;
    });
    after = arena_top(t);
    throw TestError(1);
  }),
               TestError);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Counted::live.load(), 0);
  EXPECT_NE(top, after);
  // The pool is usable and its worker's arena starts where it did.
  pool.call([&](Task t) { EXPECT_EQ(arena_top(t), top); });
}

TEST(SpawnTaken, ResultArrivesAtTheJoinAndTheArenaIsReleased) {
  ThreadPool pool(fast_pool(2));
  for (int round = 0; round < 20; ++round) {
    StealProbe probe;
    std::thread::id caller;
    pool.call([&](Task t) {
      caller = std::this_thread::get_id();
      char *top = arena_top(t);
      auto fut = spawn(t, [&probe, c = Counted(round)](Task) {
        probe.mark();
        return Counted(c.value + 1);
      });
      wait_until_taken(t, probe);
      Counted r(-5);
      ASSERT_TRUE(fut.join_into(t, &r));
      EXPECT_EQ(r.value, round + 1);
      EXPECT_EQ(arena_top(t), top);
      EXPECT_EQ(t.tail(), &t.worker()->head);
    });
    EXPECT_NE(probe.thread, caller);
    EXPECT_EQ(Counted::live.load(), 0);
  }
  EXPECT_GE(pool.stats().jobs_stolen, 20u);
}

TEST(SpawnTaken, ExceptionArrivesAtTheJoinAndTheArenaIsReleased) {
  ThreadPool pool(fast_pool(2));
  StealProbe probe;
  pool.call([&](Task t) {
    char *top = arena_top(t);
    auto fut = spawn(t, [&probe, c = Counted(1)](Task) -> int {
      probe.mark();
      throw TestError(int(c.value));
    });
    wait_until_taken(t, probe);
    int r = 0;
    try {
      fut.join_into(t, &r);
      ADD_FAILURE() << "no exception";
    } catch (const TestError &e) {
      EXPECT_EQ(e.id, 1);
    }
    EXPECT_EQ(arena_top(t), top);
  });
  EXPECT_EQ(Counted::live.load(), 0);
}

TEST(SpawnTaken, UnwindingWaitsForTheTakerAndDropsItsResult) {
  ThreadPool pool(fast_pool(2));
  StealProbe probe;
  std::atomic<bool> finished{false};
  char *top = nullptr;
  EXPECT_THROW(pool.call([&](Task t) {
    top = arena_top(t);
    auto fut = spawn(t, [&](Task) {
      probe.mark();
      test::busy_work(100000);
      finished.store(true);
      return Counted(3);
    });
    wait_until_taken(t, probe);
    throw TestError(2);
  }),
               TestError);
  EXPECT_TRUE(finished.load());
  EXPECT_EQ(Counted::live.load(), 0);
  pool.call([&](Task t) { EXPECT_EQ(arena_top(t), top); });
}

// Recursion through the emitted form, at more workers than cores and with a
// 1 us heartbeat, so records move between arenas while others are pushed.
long fib(Task t, int n) {
  if (n < 2)
    return n;
  auto a = spawn(t, [n](Task t2) { return fib(t2, n - 1); });
  long b = fib(t, n - 2);
  long ra = 0;
  if (!a.join_into(t, &ra))
    ra = a.call(t);
  return ra + b;
}

TEST(SpawnTaken, FibOnManyWorkersMatchesSerial) {
  for (std::size_t workers : {1u, 2u, 4u, 8u}) {
    ThreadPool pool(fast_pool(workers));
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ(pool.call([](Task t) { return fib(t, 26); }),
                test::fib_serial(26))
          << workers << " workers";
  }
}

// A call into another pool from inside a spawned call continues the same
// thread's arena above the outer worker's records.
TEST(SpawnNested, ACallIntoAnotherPoolStacksOnTheSameArena) {
  ThreadPool outer(single_worker()), inner(single_worker());
  outer.call([&](Task t) {
    auto fut = spawn(t, [](Task) { return 1; });
    char *outer_top = arena_top(t);
    int got = inner.call([&](Task u) {
      EXPECT_EQ(arena_top(u), outer_top);
      auto g = spawn(u, [](Task) { return 2; });
      int r = 0;
      if (!g.join_into(u, &r))
        r = g.call(u);
      return r;
    });
    int r = 0;
    if (!fut.join_into(t, &r))
      r = fut.call(t);
    EXPECT_EQ(r + got, 3);
  });
}

} // namespace
} // namespace spice
