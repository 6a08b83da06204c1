// The heartbeat-scheduling runtime: what rewritten programs (and hand-written
// fork/join code) call.
//
// How the pieces fit (after Spice, github.com/judofyr/spice):
// - A ThreadPool owns background workers and a heartbeat thread. Any thread
//   that calls into the pool becomes a worker for the duration of the call.
// - A Task is a worker plus the tail of its job list, passed by value so both
//   stay in registers.
// - fork() pushes a Job (inside a Future on the caller's stack) onto the
//   worker-local list; join() pops it. Neither uses atomics or locks. When the
//   job is still there at the join, nobody else started it and the caller
//   makes the call itself, as an ordinary direct call.
// - tick() polls the worker's heartbeat flag (one relaxed load). The
//   heartbeat thread sets one flag per worker per interval; on a beat the
//   worker hands its *oldest* queued job to idle workers (out of line, cold).
//   Only then does a join need the pool's mutex.
// So the cost of parallelism is paid once per heartbeat, not once per fork.
#ifndef SPICE_RUNTIME_H
#define SPICE_RUNTIME_H

#include <spice/detail/job.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#if defined(__GNUC__)
#define SPICE_LIKELY(x) __builtin_expect(!!(x), 1)
#define SPICE_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define SPICE_NOINLINE __attribute__((noinline))
#define SPICE_COLD __attribute__((cold, noinline))
#define SPICE_INLINE inline __attribute__((always_inline))
#else
#define SPICE_LIKELY(x) (x)
#define SPICE_UNLIKELY(x) (x)
#define SPICE_NOINLINE
#define SPICE_COLD
#define SPICE_INLINE inline
#endif

namespace spice {

class Task;
class ThreadPool;

namespace detail {
class PoolImpl;

/// Destination type of a join whose result is dropped.
struct Discard {};

/// The heartbeat handler: shares the worker's oldest queued job if an idle
/// worker could take it. Out of line and cold: it runs once per interval.
SPICE_COLD void on_heartbeat(WorkerHot *worker) noexcept;

/// Join of a job that the heartbeat shared, already popped (`tail` is the
/// list's new tail). Returns false when no other worker took it (the caller
/// runs the call itself); otherwise blocks until it finished (helping with
/// other shared jobs meanwhile) and stores an exception it threw in `error`.
bool wait_shared(WorkerHot *worker, Job *job, Job *tail,
                 std::exception_ptr &error);

/// The worker the calling thread is running as, or null outside any pool.
WorkerHot *current_worker() noexcept;

/// The tail of a worker's job list, found by walking it (cold paths only).
Job *find_tail(WorkerHot *worker) noexcept;

template <class Call> class SpawnedBase;

/// Runs `body(task)` with the calling thread as a worker of `pool`.
template <class F> decltype(auto) call_in_pool(PoolImpl &pool, F &&body);
} // namespace detail

/// Execution context of a parallel function: the worker it runs on and the
/// tail of that worker's job list. Copy it freely; pass it by value.
///
/// Generated parallel functions take its two halves as two parameters
/// (`Worker`, `Tail`) and rebuild the Task locally: GCC passes a struct
/// argument through memory, so a Task parameter kept both words on the
/// stack and reloaded them around every call (docs/runtime.md, "The fast
/// path").
class Task {
public:
  using Worker = detail::WorkerHot *;
  using Tail = detail::Job *;

  Task(Worker worker, Tail tail) noexcept : worker_(worker), tail_(tail) {}

  Worker worker() const noexcept { return worker_; }
  Tail tail() const noexcept { return tail_; }

  /// Polls the heartbeat: one relaxed load and a branch on the fast path.
  /// Always inlined: a call of it that GCC's early inliner leaves alone
  /// takes the Task's address, and a function with an addressable local
  /// cannot be split at its base case (partial inlining). With the split,
  /// a rewritten fib's base case is inlined into its callers: 17.9 -> 14.3
  /// instructions per call (docs/runtime.md, "The fast path").
  SPICE_INLINE void tick() noexcept {
    if (SPICE_UNLIKELY(worker_->heartbeat.load(std::memory_order_relaxed)))
      detail::on_heartbeat(worker_);
  }

  /// Ticks, then calls `f(worker(), tail(), args...)` directly, or
  /// `f(Task, args...)` for an `f` that takes a Task. Prefer the former for
  /// functions that fork: a Task parameter passed on whole makes GCC keep it
  /// in memory and copy it through a 16-byte vector, a store-forwarding
  /// stall on every call (measured: 1023-node tree sum 8x the serial time
  /// by hand with a Task parameter, 3x with two).
  template <class F, class... Args> decltype(auto) call(F &&f, Args &&...args) {
    // Not forced inline here: that made GCC inline the hand-written
    // Future benchmarks' recursion worse (tree sum 2.9x -> 4.6x the serial
    // time, fib 3.8x -> 6.2x).
    poll();
    if constexpr (std::is_invocable_v<F &&, Worker, Tail, Args &&...>)
      return std::forward<F>(f)(worker_, tail_, std::forward<Args>(args)...);
    else
      return std::forward<F>(f)(Task(worker_, tail_),
                                std::forward<Args>(args)...);
  }

  /// Re-reads the list tail after an exception unwound futures of this
  /// function and was caught inside it (their destructors unlinked jobs).
  void reset_tail() noexcept { tail_ = detail::find_tail(worker_); }

private:
  /// tick(), left to the inliner (see call()).
  void poll() noexcept { tick(); }

  template <class R> friend class Future;
  template <class Call> friend class detail::SpawnedBase;
  detail::WorkerHot *worker_;
  detail::Job *tail_;
};

/// A call forked onto the current worker's job list, producing an R (any
/// movable type, or void). It lives on the forking function's stack; the
/// callable it runs must outlive the join.
///
/// Usage, as in Spice (`right` is the callable, `t` the Task; `sum` takes
/// `(Task::Worker, Task::Tail, const Node *)` and rebuilds its Task):
///     spice::Future<long> fut;
///     fut.fork(t, right);
///     long a = t.call(sum, node->left);
///     std::optional<long> b = fut.join(t);
///     long total = a + (b ? *b : right(t));   // not taken: call it here
template <class R> class Future {
public:
  using result_type = R;

  Future() = default;
  /// Forks `fn` right away (see spice::fork()).
  template <class Fn> Future(Task &task, Fn &fn) { fork(task, fn); }
  Future(const Future &) = delete;
  Future &operator=(const Future &) = delete;
  /// A future still forked when its scope is left (an exception unwinding
  /// the forking function) finishes its call first and discards the result.
  ~Future() {
    if (SPICE_UNLIKELY(job_.queued()))
      abandon();
  }

  /// Pushes `fn(Task) -> R` onto the task's job list. No tick here: the
  /// calls that follow tick (as in Spice), and a second poll per fork was
  /// measurable on the 1023-node tree sum.
  template <class Fn> void fork(Task &task, Fn &fn) {
    static_assert(std::is_object_v<Fn>, "fork a function object or lambda");
    fn_ = const_cast<void *>(static_cast<const void *>(&fn));
    detail::push(&job_, task.tail_, &run<Fn>);
  }

  /// Spice's join. Empty when no other worker took the job (or it was
  /// already joined): the caller makes the call itself. Otherwise waits for
  /// the result; an exception the call threw is rethrown here.
  template <class S = R, std::enable_if_t<!std::is_void_v<S>, int> = 0>
  std::optional<S> join(Task &task) {
    if (SPICE_LIKELY(pop_unshared(task)))
      return std::nullopt;
    return join_optional_slow(task.worker_, unshared_tail(task));
  }

  /// join() for void calls: false when the caller must make the call.
  template <class S = R, std::enable_if_t<std::is_void_v<S>, int> = 0>
  bool join(Task &task) {
    if (SPICE_LIKELY(pop_unshared(task)))
      return false;
    detail::Job *tail = unshared_tail(task);
    return tail && join_into_slow(task.worker_, tail, discard());
  }

  /// The join spice-rewrite emits. Returns false when nobody took the job:
  /// the caller runs the call itself. Otherwise the job is finished: its
  /// result is assigned to `dest` (or dropped when `dest` is null), or it
  /// was already joined. Rethrows the call's exception.
  //
  // Always inlined, and the slow path gets values only: when GCC split the
  // unlikely half out of line itself, it passed the Task's address, which
  // kept every caller's Task in memory. Only this join, which generated code
  // uses (its Task is a local built from two scalars): forced into
  // hand-written functions that take a Task parameter, it made GCC copy that
  // parameter through a 16-byte vector, a store-forwarding stall on every
  // call (hand-written 1023-node tree sum 2.8x -> 8.2x the serial time).
  template <class D> SPICE_INLINE bool join_into(Task &task, D *dest) {
    if (SPICE_LIKELY(pop_unshared(task)))
      return false;
    // Shared, or already joined (null). The latter is decided out of line
    // too, so the compiler sees no path that returns true without storing
    // to `dest` (it would warn that `dest` may be unset).
    return join_into_slow(task.worker_, unshared_tail(task), dest);
  }
  bool join_into(Task &task) { return join_into(task, discard()); }

private:
  using Slot = std::conditional_t<std::is_void_v<R>, char, R>;

  Slot *slot() noexcept { return std::launder(reinterpret_cast<Slot *>(buf_)); }

  // The whole fast path of a join: the job is queued (not joined yet) and
  // not shared, so nobody else started it. By L3 the tail is shared iff it
  // is last_shared: one load and a compare, nothing stored at the fork.
  SPICE_INLINE bool pop_unshared(Task &task) {
    if (!job_.queued() || task.worker_->last_shared == &job_)
      return false;
    detail::pop(&job_, task.tail_);
    return true;
  }

  // Not the fast path: the job is shared (its slow path pops it; the tail
  // moves here, so only values go out of line) or not queued (null).
  SPICE_INLINE detail::Job *unshared_tail(Task &task) {
    detail::Job *prev = job_.prev;
    if (prev)
      task.tail_ = prev;
    return prev;
  }

  // Runs on the worker that took the job; the runtime signals completion and
  // records an exception. The result goes straight into this future.
  template <class Fn>
  SPICE_HANDLER static void run(Task task, detail::Job *job) {
    Future *self = reinterpret_cast<Future *>(job);
    Fn &fn = *static_cast<Fn *>(self->fn_);
    if constexpr (std::is_void_v<R>)
      fn(task);
    else
      ::new (self->buf_) R(fn(task));
  }

  static detail::Discard *discard() { return nullptr; }

  // The slow paths stay out of line: inlined, their exception handling
  // doubled the cost of every fork/join (measured on the tree sum). They get
  // the worker and the new tail by value, so no address of the caller's
  // Task escapes and it stays in registers. The job is already popped.
  template <class D>
  SPICE_COLD bool join_into_slow(detail::WorkerHot *worker, detail::Job *tail,
                                 D *dest) {
    if (!tail)
      return true; // already joined
    if (!join_shared(worker, tail))
      return false;
    if constexpr (!std::is_void_v<R>) {
      if constexpr (!std::is_same_v<D, detail::Discard>)
        if (dest)
          *dest = std::move(*slot());
      slot()->~R();
    }
    return true;
  }

  template <class S = R>
  SPICE_COLD std::optional<S> join_optional_slow(detail::WorkerHot *worker,
                                                 detail::Job *tail) {
    std::optional<S> out;
    if (!tail || !join_shared(worker, tail))
      return out; // never forked or already joined, or not taken
    out.emplace(std::move(*slot()));
    slot()->~S();
    return out;
  }

  // The heartbeat shared the job, the tail: pops it (the caller's tail is
  // already `tail`) and waits. False if nobody took it.
  bool join_shared(detail::WorkerHot *worker, detail::Job *tail) {
    detail::Job *popped = &job_;
    detail::pop(&job_, popped);
    std::exception_ptr error;
    if (!detail::wait_shared(worker, &job_, tail, error))
      return false;
    if (error)
      std::rethrow_exception(error);
    return true;
  }

  SPICE_COLD void abandon() noexcept {
    detail::WorkerHot *worker = detail::current_worker();
    // The job is the list tail: newer futures were unwound first (L1).
    bool shared = worker->last_shared == &job_;
    detail::Job *tail = &job_;
    detail::pop(&job_, tail);
    std::exception_ptr error;
    bool done = shared && detail::wait_shared(worker, &job_, tail, error);
    if (!done) {
      try {
        job_.callable()(Task(worker, tail), &job_);
        done = true;
      } catch (...) {
      }
    }
    if constexpr (!std::is_void_v<R>)
      if (done && !error)
        slot()->~R();
  }

  // Standard layout, job_ first: run() finds the future from its job.
  detail::Job job_;
  void *fn_ = nullptr;
  alignas(Slot) unsigned char buf_[sizeof(Slot)];
};

/// Forks `fn(Task)` and returns its future (constructed in place). It does
/// not tick: generated code ticks before a function's first parallel
/// operation and in loops that do one, so what follows a spawn polls (as in
/// Spice, where the calls do). A tick here too cost 1.5-2 instructions per
/// spawn (scripts/count-instructions.sh) and only caught beats that arrived
/// in the moment since the last call.
template <class Fn>
Future<std::invoke_result_t<Fn &, Task>> fork(Task &task, Fn &fn) {
  return Future<std::invoke_result_t<Fn &, Task>>(task, fn);
}

/// Configuration of a ThreadPool.
struct ThreadPoolConfig {
  /// Workers, counting the thread that calls into the pool. 0: the CPUs this
  /// process may use (affinity mask and cgroup CPU quota).
  std::size_t num_workers = 0;
  /// How often each worker is asked to share work.
  std::chrono::microseconds heartbeat_interval{100};
  /// Print the counters to stderr when the pool shuts down.
  bool print_stats = false;
};

/// Counters of a pool since it started.
struct Stats {
  std::uint64_t heartbeats = 0;   ///< beats a worker acted on
  std::uint64_t jobs_shared = 0;  ///< jobs handed to idle workers
  std::uint64_t jobs_stolen = 0;  ///< shared jobs run by another worker
  std::uint64_t joins_waited = 0; ///< joins that blocked on another worker
  std::uint64_t sleep_ns = 0;     ///< time workers spent blocked
};

/// Background workers plus a heartbeat thread. Threads that call into the
/// pool (call()) work in it until the call returns; several may at once.
class ThreadPool {
public:
  explicit ThreadPool(const ThreadPoolConfig &config = {});
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  /// Runs `body(Task)` on the calling thread as a worker of this pool and
  /// returns its result. Inline when the thread already works in this pool.
  template <class F> decltype(auto) call(F &&body) {
    return detail::call_in_pool(*impl_, std::forward<F>(body));
  }

  std::size_t num_workers() const noexcept;
  Stats stats() const;

  /// The process-wide pool, started on first use from SPICE_NUM_THREADS,
  /// SPICE_HEARTBEAT_US and SPICE_STATS, and shut down at exit.
  static ThreadPool &default_pool();

private:
  std::unique_ptr<detail::PoolImpl> impl_;
};

namespace detail {
/// Makes the calling thread a worker of `pool` for its lifetime.
class WorkerScope {
public:
  explicit WorkerScope(PoolImpl &pool);
  ~WorkerScope();
  WorkerScope(const WorkerScope &) = delete;
  WorkerScope &operator=(const WorkerScope &) = delete;
  Task task() noexcept { return Task(worker_, &worker_->head); }

private:
  WorkerHot *worker_;
};

bool is_worker_of(const PoolImpl &pool) noexcept;

template <class F> decltype(auto) call_in_pool(PoolImpl &pool, F &&body) {
  if (WorkerHot *worker = current_worker(); worker && is_worker_of(pool))
    return std::forward<F>(body)(Task(worker, find_tail(worker)));
  WorkerScope scope(pool);
  return std::forward<F>(body)(scope.task());
}

} // namespace detail

/// Entry point of a parallel function called from ordinary code: runs
/// `body(Task)` inline when this thread already is a worker (of any pool),
/// else on the default pool.
template <class F> decltype(auto) run_parallel(F &&body) {
  if (detail::WorkerHot *worker = detail::current_worker())
    return std::forward<F>(body)(Task(worker, detail::find_tail(worker)));
  return ThreadPool::default_pool().call(std::forward<F>(body));
}

} // namespace spice

#endif // SPICE_RUNTIME_H
