// The worker-local job list: the only data structure on the fork/join fast
// path. Internal to the runtime; included by <spice/runtime.h> because fork
// and join are inline.
//
// The invariants everything relies on (proved in docs/runtime.md, "The job
// list"; checked by SPICE_ASSERT in Debug and sanitizer builds):
//   L1  The list of a worker is exactly the forked, not yet joined futures of
//       the frames on that worker's stack, the markers of their running
//       loops and the pieces split off those loops, oldest first. Only the
//       owner thread touches it.
//   L2  Nothing but pop() unlinks a job, and pop() only unlinks the tail.
//       Sharing a job does not unlink it: it stays in the list, marked shared.
//   L3  The shared jobs form a prefix of the list: head, shared..., queued...
//       WorkerHot::last_shared is the last of them (the head if none). A
//       loop's pieces are inserted right after the prefix and join it; an
//       exhausted loop marker may join it too (detail/loop.h).
// From L1-L2: every frame's copy of the tail is linked in the list, and is
// the real tail whenever the frame runs (callees pop what they pushed before
// returning). So no frame ever pushes onto a job that left the list.
#ifndef SPICE_DETAIL_JOB_H
#define SPICE_DETAIL_JOB_H

#include <atomic>
#include <cstdint>

// SPICE_ASSERT checks the runtime's invariants. On by default unless NDEBUG;
// the sanitizer builds define SPICE_ASSERTIONS=1. Compiled out in Release.
#ifndef SPICE_ASSERTIONS
#ifdef NDEBUG
#define SPICE_ASSERTIONS 0
#else
#define SPICE_ASSERTIONS 1
#endif
#endif
#if SPICE_ASSERTIONS
#define SPICE_ASSERT(cond)                                                     \
  ((cond) ? (void)0 : ::spice::detail::assert_failed(#cond, __FILE__, __LINE__))
#else
// Unevaluated, so variables used only in assertions count as used.
#define SPICE_ASSERT(cond) ((void)sizeof(cond))
#endif

namespace spice {
class Task;

namespace detail {

/// Prints the failed invariant and aborts.
[[noreturn]] void assert_failed(const char *cond, const char *file,
                                int line) noexcept;

/// A call that another worker could run. Jobs live inside the Future that
/// forked them (on the forking function's stack) and form a doubly-linked
/// list per worker with a sentinel head, so push and pop are branch-free and
/// the heartbeat finds the oldest job that is not shared yet in O(1).
///
/// A job is *queued* (linked: prev != null) from its fork to its join, shared
/// or not; *pending* (prev == null) before its fork and after its join.
/// Whether a queued job is shared is not stored in the job: it is shared iff
/// it is at or before WorkerHot::last_shared (L3), and a join only needs to
/// know that of the tail, which is shared iff it *is* last_shared.
struct Job {
  using Handler = void (*)(Task, Job *);
  /// The handler of a running loop's marker (detail/loop.h): called by the
  /// heartbeat on the owner, it splits off part of the loop's remaining range
  /// as a new job to share (null if it cannot).
  using Splitter = Job *(*)(Job *);
  /// Tag bits in the handler word (handlers are aligned, see SPICE_HANDLER).
  /// kMarked: the heartbeat saw this job waiting. kLoop: a loop marker, whose
  /// handler word is a Splitter; it is never run, only split.
  static constexpr std::uintptr_t kMarked = 1, kLoop = 2;

  /// Runs the job on the worker that took it. Written at the fork; the
  /// heartbeat sets kMarked to mark a job it saw waiting, and clears it
  /// before anyone calls it.
  Handler handler = nullptr;
  /// The job before this one (or the head); null when not queued.
  Job *prev = nullptr;
  /// The job after this one; null at the tail.
  Job *next = nullptr;

  bool queued() const { return prev != nullptr; }

  std::uintptr_t bits() const {
    return reinterpret_cast<std::uintptr_t>(handler);
  }
  bool is_loop() const { return bits() & kLoop; }

  /// The handler without the tag bits.
  Handler callable() const {
    return reinterpret_cast<Handler>(bits() & ~(kMarked | kLoop));
  }
  /// The splitter of a loop marker.
  Splitter splitter() const {
    return reinterpret_cast<Splitter>(bits() & ~(kMarked | kLoop));
  }
};

// Job handlers are aligned so the heartbeat can use their low bit.
#if defined(__GNUC__)
#define SPICE_HANDLER __attribute__((aligned(4)))
#else
#error "spice needs GCC or Clang (function alignment for job handlers)"
#endif

// GCC 12+ sees the address of a spawn's record (a local) stored in the list
// and, when the record's lifetime visibly ends after a join (a spawn whose
// handle has no destructor), cannot tell that every join unlinked it first
// (some pop out of line): -Wdangling-pointer would be a false alarm.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
/// Appends `job` after `tail` and makes it the new tail. No atomics: only the
/// owner touches its list, and the heartbeat runs on the owner too.
__attribute__((always_inline)) inline void push(Job *job, Job *&tail,
                                                Job::Handler handler) {
  SPICE_ASSERT(tail->next == nullptr); // the frame's tail is the real tail
  SPICE_ASSERT((reinterpret_cast<std::uintptr_t>(handler) & Job::kMarked) == 0);
  job->handler = handler;
  job->prev = tail;
  job->next = nullptr;
  tail->next = job;
  tail = job;
}
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic pop
#endif

/// Unlinks the tail job `job`, leaving it pending.
__attribute__((always_inline)) inline void pop(Job *job, Job *&tail) {
  SPICE_ASSERT(tail == job && job->prev && job->next == nullptr);
  Job *prev = job->prev;
  prev->next = nullptr;
  job->prev = nullptr;
  tail = prev;
}

/// The part of a worker that inline code reads. The rest of the worker is
/// private to the runtime (src/pool.h).
struct WorkerHot {
  WorkerHot() = default;
  WorkerHot(const WorkerHot &) = delete;
  WorkerHot &operator=(const WorkerHot &) = delete;

  /// Set by the heartbeat thread, polled by tick(): the only shared word on
  /// the fast path, read with one relaxed load.
  std::atomic<bool> heartbeat{false};
  /// Sentinel head of this worker's job list.
  Job head;
  /// The newest shared job of the list, or &head (L3). A join compares its
  /// job with it: one load, and no store at the fork to mark a job unshared.
  Job *last_shared = &head;
};

} // namespace detail
} // namespace spice

#endif // SPICE_DETAIL_JOB_H
