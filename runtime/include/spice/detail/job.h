// The worker-local job list: the only data structure on the fork/join fast
// path. Internal to the runtime; included by <spice/runtime.h> because fork
// and join are inline.
#ifndef SPICE_DETAIL_JOB_H
#define SPICE_DETAIL_JOB_H

#include <atomic>

namespace spice {
class Task;

namespace detail {

struct ExecState;

/// A call that another worker could run. Jobs live inside the Future that
/// forked them (on the forking function's stack) and form a doubly-linked
/// list per worker with a sentinel head, so push and pop are branch-free and
/// the heartbeat can take the oldest job from the front in O(1).
///
/// Three states, encoded without a tag so the struct stays three words:
/// - queued:    prev != nullptr (prev is the previous job or the head);
/// - executing: prev == nullptr, next_or_state is the shared ExecState (the
///              heartbeat handed the job to other workers);
/// - pending:   both null (never forked, or already joined). A queued job
///              is popped as the tail, whose next is null, so pop only has
///              to clear prev.
struct Job {
  using Handler = void (*)(Task, Job *);
  /// Runs the job on the worker that took it (kept after the join).
  Handler handler = nullptr;
  /// Queued: the job before this one (or the list head).
  Job *prev = nullptr;
  /// Queued: the next job, null at the tail. Executing: the ExecState.
  void *next_or_state = nullptr;

  bool queued() const { return prev != nullptr; }
  bool pending() const { return !prev && !next_or_state; }
  ExecState *exec_state() const {
    return static_cast<ExecState *>(next_or_state);
  }
};

/// Appends `job` after `tail` and makes it the new tail. No atomics: only the
/// owning worker touches the back of its list; the heartbeat, which runs on
/// the owner too, only ever unlinks a job that is not the tail.
inline void push(Job *job, Job *&tail, Job::Handler handler) {
  job->handler = handler;
  job->prev = tail;
  job->next_or_state = nullptr;
  tail->next_or_state = job;
  tail = job;
}

/// Removes the tail job `job` (queued), leaving it pending.
inline void pop(Job *job, Job *&tail) {
  tail = job->prev;
  tail->next_or_state = nullptr;
  job->prev = nullptr;
}

/// The part of a worker that inline code reads. The rest of the worker is
/// private to the runtime (src/worker.h).
struct WorkerHot {
  /// Set by the heartbeat thread, polled by tick(): the only shared word on
  /// the fast path, read with one relaxed load.
  std::atomic<bool> heartbeat{false};
  /// Sentinel head of this worker's job list.
  Job head;
};

} // namespace detail
} // namespace spice

#endif // SPICE_DETAIL_JOB_H
