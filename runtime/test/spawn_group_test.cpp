// SyncErrors and SpawnGroup: many forks, results through dest, exceptions
// (the earliest spawn's wins) and destruction while forked.
#include "test_util.h"

#include <spice/spawn_group.h>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <vector>

namespace spice {
namespace {

using test::Counted;
using test::fast_pool;
using test::single_worker;
using test::StealProbe;
using test::TestError;

bool is_worker_list_empty() {
  detail::WorkerHot *worker = detail::current_worker();
  return worker && detail::find_tail(worker) == &worker->head;
}

// --- SyncErrors ------------------------------------------------------------

TEST(SyncErrors, NothingThrown) {
  SyncErrors errors;
  int steps = 0;
  errors.run([&] { ++steps; });
  errors.run([&] { ++steps; });
  EXPECT_NO_THROW(errors.rethrow());
  EXPECT_EQ(steps, 2);
}

TEST(SyncErrors, EarliestSpawnWins) {
  // A sync joins newest first: the last step to throw is the earliest spawn.
  SyncErrors errors;
  int steps = 0;
  for (int spawn = 5; spawn >= 0; --spawn)
    errors.run([&] {
      ++steps;
      if (spawn == 4 || spawn == 1 || spawn == 3)
        throw TestError(spawn);
    });
  EXPECT_EQ(steps, 6); // every step ran although some threw
  try {
    errors.rethrow();
    FAIL() << "no exception";
  } catch (const TestError &e) {
    EXPECT_EQ(e.id, 1);
  }
  // Rethrown once: the collector is empty again.
  EXPECT_NO_THROW(errors.rethrow());
}

TEST(SyncErrors, KeepsNonStandardExceptions) {
  SyncErrors errors;
  errors.run([] { throw 42; });
  errors.run([] {});
  try {
    errors.rethrow();
    FAIL() << "no exception";
  } catch (int v) {
    EXPECT_EQ(v, 42);
  }
}

// --- SpawnGroup ------------------------------------------------------------

void many_forks(ThreadPool &pool, int n) {
  std::vector<long> results(static_cast<std::size_t>(n), -1);
  pool.call([&](Task t) {
    SpawnGroup group;
    for (int i = 0; i < n; ++i)
      group.fork(
          t,
          [i](Task) {
            test::busy_work(200);
            return static_cast<long>(i) * i;
          },
          &results[static_cast<std::size_t>(i)]);
    group.sync(t);
    EXPECT_TRUE(is_worker_list_empty());
  });
  for (int i = 0; i < n; ++i)
    ASSERT_EQ(results[static_cast<std::size_t>(i)], static_cast<long>(i) * i)
        << "spawn " << i;
}

TEST(SpawnGroup, ManyForksNotTaken) {
  ThreadPool pool(single_worker());
  many_forks(pool, 2000);
  EXPECT_EQ(pool.stats().jobs_shared, 0u);
}

TEST(SpawnGroup, ManyForksOnSeveralWorkers) {
  ThreadPool pool(fast_pool(4));
  for (int round = 0; round < 5; ++round)
    many_forks(pool, 2000);
}

TEST(SpawnGroup, TakenSpawnDeliversThroughDest) {
  ThreadPool pool(fast_pool(2));
  StealProbe probe;
  long first = 0;
  std::array<long, 10> rest{};
  pool.call([&](Task t) {
    SpawnGroup group;
    group.fork(
        t,
        [&probe](Task) {
          probe.mark();
          return 1000L;
        },
        &first);
    for (int i = 0; i < 10; ++i)
      group.fork(
          t, [i](Task) { return static_cast<long>(i + 1); },
          &rest[static_cast<std::size_t>(i)]);
    while (!probe.started.load(std::memory_order_acquire)) {
      t.tick();
      std::this_thread::yield();
    }
    group.sync(t);
  });
  EXPECT_EQ(first, 1000);
  for (int i = 0; i < 10; ++i)
    EXPECT_EQ(rest[static_cast<std::size_t>(i)], i + 1);
  EXPECT_GE(pool.stats().jobs_stolen, 1u);
}

TEST(SpawnGroup, LargeCapturesAndResultsUseHeapBlocks) {
  ThreadPool pool(fast_pool(2));
  using Blob = std::array<unsigned, 128>; // 512 bytes: beyond the inline 256
  std::vector<Blob> results(300);
  pool.call([&](Task t) {
    SpawnGroup group;
    for (unsigned i = 0; i < results.size(); ++i) {
      Blob captured;
      for (unsigned k = 0; k < captured.size(); ++k)
        captured[k] = i * 1000 + k;
      group.fork(
          t,
          [captured](Task) {
            Blob out = captured;
            for (unsigned &v : out)
              v += 1;
            return out;
          },
          &results[i]);
    }
    group.sync(t);
  });
  for (unsigned i = 0; i < results.size(); ++i)
    for (unsigned k = 0; k < 128; ++k)
      ASSERT_EQ(results[i][k], i * 1000 + k + 1) << i << "/" << k;
}

TEST(SpawnGroup, ReusableAfterSync) {
  ThreadPool pool(single_worker());
  pool.call([&](Task t) {
    SpawnGroup group;
    for (int round = 0; round < 4; ++round) {
      std::vector<int> out(100 * (round + 1), 0);
      for (std::size_t i = 0; i < out.size(); ++i)
        group.fork(
            t, [i, round](Task) { return static_cast<int>(i) + round; },
            &out[i]);
      group.sync(t);
      for (std::size_t i = 0; i < out.size(); ++i)
        ASSERT_EQ(out[i], static_cast<int>(i) + round);
    }
    // A sync with nothing forked does nothing.
    group.sync(t);
  });
}

// The arena is set up by the first fork into an empty group: after a sync
// that used heap blocks, the next fork starts over in the inline block and
// then reuses the kept blocks (assertion builds check that it reset).
TEST(SpawnGroup, ForkAfterSyncStartsTheArenaOver) {
  ThreadPool pool(fast_pool(2));
  using Blob = std::array<unsigned, 64>; // 256 bytes: a few per block
  pool.call([&](Task t) {
    SpawnGroup group;
    for (unsigned round = 0; round < 5; ++round) {
      const unsigned count = round % 2 ? 3 : 200; // small, then heap blocks
      std::vector<unsigned> out(count);
      for (unsigned i = 0; i < count; ++i) {
        Blob captured;
        captured.fill(round * 1000 + i);
        group.fork(
            t, [captured](Task) { return captured[0] + captured[63]; },
            &out[i]);
      }
      group.sync(t);
      for (unsigned i = 0; i < count; ++i)
        ASSERT_EQ(out[i], 2 * (round * 1000 + i)) << round << "/" << i;
    }
  });
}

TEST(SpawnGroup, DroppedResultsAndVoidCalls) {
  ThreadPool pool(fast_pool(2));
  std::atomic<int> calls{0};
  pool.call([&](Task t) {
    SpawnGroup group;
    for (int i = 0; i < 500; ++i) {
      group.fork(t, [&calls, i](Task) {
        ++calls;
        return Counted(i);
      });
      group.fork(t, [&calls](Task) { ++calls; });
      group.fork(
          t,
          [&calls](Task) {
            ++calls;
            return Counted(0);
          },
          static_cast<Counted *>(nullptr));
    }
    group.sync(t);
  });
  EXPECT_EQ(calls.load(), 1500);
  EXPECT_EQ(Counted::live.load(), 0);
}

void earliest_exception_wins(ThreadPool &pool, bool steal_first) {
  std::vector<int> out(20, -1);
  StealProbe probe;
  try {
    pool.call([&](Task t) {
      SpawnGroup group;
      for (int i = 0; i < 20; ++i)
        group.fork(
            t,
            [i, &probe, steal_first](Task) -> int {
              if (i == 0 && steal_first)
                probe.mark();
              test::busy_work(500);
              if (i == 4 || i == 11 || i == 17)
                throw TestError(i);
              return i * 3;
            },
            &out[static_cast<std::size_t>(i)]);
      if (steal_first)
        while (!probe.started.load(std::memory_order_acquire)) {
          t.tick();
          std::this_thread::yield();
        }
      group.sync(t);
    });
    FAIL() << "no exception";
  } catch (const TestError &e) {
    EXPECT_EQ(e.id, 4);
  }
  // Every spawn was joined; the ones that returned delivered.
  for (int i = 0; i < 20; ++i) {
    int expected = i == 4 || i == 11 || i == 17 ? -1 : i * 3;
    EXPECT_EQ(out[static_cast<std::size_t>(i)], expected) << "spawn " << i;
  }
}

TEST(SpawnGroup, EarliestExceptionWinsNotTaken) {
  ThreadPool pool(single_worker());
  earliest_exception_wins(pool, false);
}

TEST(SpawnGroup, EarliestExceptionWinsOnSeveralWorkers) {
  ThreadPool pool(fast_pool(3));
  for (int round = 0; round < 20; ++round)
    earliest_exception_wins(pool, round % 2 == 0);
  EXPECT_GE(pool.stats().jobs_stolen, 1u);
}

TEST(SpawnGroup, TakenSpawnsExceptionIsTheEarliest) {
  ThreadPool pool(fast_pool(2));
  StealProbe probe;
  try {
    pool.call([&](Task t) {
      SpawnGroup group;
      group.fork(t, [&](Task) -> int {
        probe.mark();
        throw TestError(0);
      });
      for (int i = 1; i < 8; ++i)
        group.fork(t, [i](Task) -> int {
          if (i == 5)
            throw TestError(i);
          return i;
        });
      while (!probe.started.load(std::memory_order_acquire)) {
        t.tick();
        std::this_thread::yield();
      }
      group.sync(t);
    });
    FAIL() << "no exception";
  } catch (const TestError &e) {
    EXPECT_EQ(e.id, 0);
  }
}

void destroyed_while_forked(ThreadPool &pool, bool steal_first) {
  std::atomic<int> calls{0};
  std::vector<Counted> out(50);
  StealProbe probe;
  ASSERT_EQ(Counted::live.load(), 50);
  pool.call([&](Task t) {
    try {
      SpawnGroup group;
      for (int i = 0; i < 50; ++i)
        group.fork(
            t,
            [&, i](Task) {
              if (i == 0)
                probe.mark();
              test::busy_work(300);
              ++calls;
              if (i == 20)
                throw TestError(i); // dropped: the body's exception wins
              return Counted(i + 100);
            },
            &out[static_cast<std::size_t>(i)]);
      if (steal_first)
        while (!probe.started.load(std::memory_order_acquire)) {
          t.tick();
          std::this_thread::yield();
        }
      throw TestError(-1);
    } catch (const TestError &e) {
      EXPECT_EQ(e.id, -1);
    }
    // Every call ran once; results were dropped, not delivered.
    EXPECT_EQ(calls.load(), 50);
    EXPECT_EQ(Counted::live.load(), 50);
    for (const Counted &c : out)
      EXPECT_EQ(c.value, 0);
    t.reset_tail();
    EXPECT_TRUE(is_worker_list_empty());
    EXPECT_EQ(test::fib(t, 12), test::fib_serial(12));
  });
}

TEST(SpawnGroup, DestroyedWhileForkedNotTaken) {
  ThreadPool pool(single_worker());
  destroyed_while_forked(pool, false);
  EXPECT_EQ(Counted::live.load(), 0);
}

TEST(SpawnGroup, DestroyedWhileForkedWithATakenSpawn) {
  ThreadPool pool(fast_pool(2));
  for (int round = 0; round < 5; ++round)
    destroyed_while_forked(pool, true);
  EXPECT_EQ(Counted::live.load(), 0);
  EXPECT_GE(pool.stats().jobs_stolen, 1u);
}

// Recursive use, as spice-rewrite emits it for spawns in loops.
long tree_sum(Task t, int depth) {
  if (depth == 0)
    return 1;
  std::array<long, 3> parts{};
  SpawnGroup group;
  for (std::size_t i = 0; i < parts.size(); ++i)
    group.fork(
        t, [depth](Task t2) { return tree_sum(t2, depth - 1); }, &parts[i]);
  group.sync(t);
  return parts[0] + parts[1] + parts[2];
}

TEST(SpawnGroup, Recursive) {
  ThreadPool pool(fast_pool(3));
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(pool.call([](Task t) { return tree_sum(t, 8); }), 6561);
}

} // namespace
} // namespace spice
