// Helpers shared by the runtime's tests.
#ifndef SPICE_TEST_UTIL_H
#define SPICE_TEST_UTIL_H

#include <spice/runtime.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <thread>

namespace spice::test {

/// A pool whose heartbeat fires as often as the runtime allows, so jobs get
/// shared as soon as a worker is idle.
inline ThreadPoolConfig fast_pool(std::size_t workers) {
  ThreadPoolConfig config;
  config.num_workers = workers;
  config.heartbeat_interval = std::chrono::microseconds(1);
  return config;
}

/// A pool that never shares: with one worker nobody is ever idle.
inline ThreadPoolConfig single_worker() { return fast_pool(1); }

/// Records whether (and on which thread) a forked call started.
struct StealProbe {
  std::atomic<bool> started{false};
  std::thread::id thread;
  void mark() {
    thread = std::this_thread::get_id();
    started.store(true, std::memory_order_release);
  }
};

/// Forks `fn` (which must call probe.mark() first) and ticks until another
/// worker started it: the heartbeat shares the oldest job, here the tail.
/// Needs a pool with an idle worker. Afterwards `future` is the list tail,
/// executing on the other worker, ready to be joined.
template <class R, class Fn>
void fork_and_wait_until_taken(Task &task, Future<R> &future, Fn &fn,
                               const StealProbe &probe) {
  future.fork(task, fn);
  while (!probe.started.load(std::memory_order_acquire)) {
    task.tick();
    std::this_thread::yield();
  }
}

/// Counts live instances, to check that every result is destroyed once.
struct Counted {
  static inline std::atomic<int> live{0};
  long value = 0;
  explicit Counted(long v = 0) : value(v) { ++live; }
  Counted(const Counted &other) : value(other.value) { ++live; }
  Counted(Counted &&other) noexcept : value(other.value) {
    other.value = -1;
    ++live;
  }
  Counted &operator=(const Counted &) = default;
  Counted &operator=(Counted &&other) noexcept {
    value = other.value;
    other.value = -1;
    return *this;
  }
  ~Counted() { --live; }
};

/// A move-only result type.
struct MoveOnly {
  explicit MoveOnly(int v = 0) : value(v) {}
  MoveOnly(const MoveOnly &) = delete;
  MoveOnly &operator=(const MoveOnly &) = delete;
  MoveOnly(MoveOnly &&other) noexcept : value(other.value) { other.value = -1; }
  MoveOnly &operator=(MoveOnly &&other) noexcept {
    value = other.value;
    other.value = -1;
    return *this;
  }
  int value;
};

/// An exception that says which call threw it.
struct TestError : std::runtime_error {
  explicit TestError(int who)
      : std::runtime_error("test error " + std::to_string(who)), id(who) {}
  int id;
};

/// Serial and fork/join Fibonacci numbers.
inline long fib_serial(int n) {
  return n < 2 ? n : fib_serial(n - 1) + fib_serial(n - 2);
}

inline long fib(Task task, int n) {
  if (n < 2)
    return n;
  auto right = [n](Task t) { return fib(t, n - 2); };
  Future<long> future;
  future.fork(task, right);
  long a = task.call(fib, n - 1);
  std::optional<long> b = future.join(task);
  return a + (b ? *b : right(task));
}

/// Spins a while without calling into the runtime (work a job can be stolen
/// during when the caller ticks).
inline unsigned long busy_work(unsigned long rounds) {
  unsigned long x = rounds;
  for (unsigned long i = 0; i < rounds; ++i)
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  return x;
}

} // namespace spice::test

#endif // SPICE_TEST_UTIL_H
