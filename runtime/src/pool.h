// The runtime's private half: workers, shared-job bookkeeping, the heartbeat
// thread. Everything here runs only when a heartbeat shares a job or a worker
// has to wait: the fork/join fast path never gets here.
//
// All of it is guarded by one pool mutex, held only for constant-time steps:
// sharing a job (unlink from the front of the owner's list, append to the
// shared FIFO), taking one (pop the FIFO's front: the oldest), finishing one,
// and putting a worker to sleep or waking one. Nothing spins: idle workers,
// waiting joins and the heartbeat thread block on condition variables.
#ifndef SPICE_SRC_POOL_H
#define SPICE_SRC_POOL_H

#include <spice/detail/loop.h>
#include <spice/runtime.h>

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace spice::detail {

class PoolImpl;
struct Worker;

/// Execution state of a shared job: lives in a pool-owned free list, not on
/// any stack, because the sharing worker's frame and the taker's both need it
/// and neither outlives the other in general.
struct ExecState {
  /// The shared job. It stays linked in its owner's list (L2).
  Job *job = nullptr;
  /// The worker whose list the job came from; it joins the job.
  Worker *owner = nullptr;
  /// The owner's previously shared job's state (owner-only): the owner's
  /// states form a stack that mirrors the shared prefix of its list (L3).
  ExecState *older = nullptr;
  /// Links in the FIFO of shared jobs nobody took yet (oldest first).
  ExecState *fifo_prev = nullptr;
  ExecState *fifo_next = nullptr;
  /// The job is an exhausted loop marker moved into the shared prefix: it
  /// is never run nor joined, its loop takes it back out (unshare_marker).
  bool loop_marker = false;
  /// Set by the taker under the mutex once the call returned.
  bool done = false;
  /// The owner, when it blocks in its join; the taker wakes it.
  Worker *waiter = nullptr;
  /// What the call threw, rethrown at the join.
  std::exception_ptr error;
  /// Free-list link.
  ExecState *next_free = nullptr;
};

/// A thread working in a pool: a background thread, or an ordinary thread for
/// the duration of ThreadPool::call().
struct Worker : WorkerHot {
  explicit Worker(PoolImpl *p) : pool(p) {}
  PoolImpl *pool;
  /// The job this worker shared that nobody took yet (at most one, so a
  /// worker never floods the FIFO and the oldest job goes first). Guarded
  /// by the pool mutex: takers clear it.
  ExecState *in_fifo = nullptr;
  /// States of this worker's shared jobs, newest first (owner-only): the
  /// newest belongs to last_shared.
  ExecState *shared_top = nullptr;
  /// Where this worker blocks; whoever has something for it notifies it.
  std::condition_variable wake;
  /// Links in the pool's list of sleepers that can take a shared job.
  Worker *sleep_prev = nullptr;
  Worker *sleep_next = nullptr;
  bool in_sleepers = false;
  /// Nesting of jobs run while waiting in a join (bounded by kMaxHelpDepth).
  unsigned help_depth = 0;
  /// Position in PoolImpl::workers_, for O(1) removal.
  std::size_t index = 0;
  /// The worker this thread ran as before a nested call into another pool.
  WorkerHot *previous = nullptr;
  /// Link in the pool's spare workers (a thread that left ThreadPool::call).
  Worker *next_spare = nullptr;
};

class PoolImpl {
public:
  explicit PoolImpl(const ThreadPoolConfig &config);
  ~PoolImpl();

  void heartbeat(Worker *worker);
  bool wait_shared(Worker *worker, Job *job, Job *tail,
                   std::exception_ptr &error);
  void unshare_marker(Worker *worker, Job *marker);
  Worker *enter_external();
  void leave_external(Worker *worker);
  Stats stats();
  std::size_t num_workers() const { return num_workers_; }

private:
  // A worker blocked in a join stops helping after this many nested jobs:
  // each level is a whole job's recursion on the same stack, so eight keeps
  // the stack bounded (8 x the deepest job) while a waiting worker still
  // takes work in the common case. Deeper, it just blocks.
  static constexpr unsigned kMaxHelpDepth = 8;
  // Beats with no worker running user code before the heartbeat thread
  // parks. Back-to-back calls into the pool then do not pay a wake-up.
  static constexpr unsigned kIdleBeatsBeforeSleep = 16;
  // Beats that led to no take stretch the interval, doubling per beat up to
  // 2^kMaxBackoff times the configured one (8x: docs/runtime.md, "The
  // heartbeat thread", says why and what it delays).
  static constexpr unsigned kMaxBackoff = 3;

  void background_main();
  void heartbeat_main();

  void add_worker(Worker *worker);
  void remove_worker(Worker *worker);
  void enter_user_code();
  void leave_user_code();
  void wake_heartbeat_if_useful();

  ExecState *take_shared();
  ExecState *push_state(Worker *worker, Job *job, bool loop_marker);
  void run_shared(Worker *worker, Job *tail, ExecState *state,
                  std::unique_lock<std::mutex> &lock);
  void sleep(Worker *worker, std::unique_lock<std::mutex> &lock, bool taker);
  void wake_one_taker();

  ExecState *alloc_state();
  void free_state(ExecState *state);
  void fifo_push(ExecState *state);
  void fifo_remove(ExecState *state);

  std::mutex mutex_;
  /// Every registered worker, beaten by the heartbeat thread.
  std::vector<Worker *> workers_;
  /// Workers of threads that left ThreadPool::call, kept for the next call
  /// (no allocation per call: 415 -> ~250 instructions to enter and leave).
  Worker *spare_workers_ = nullptr;
  /// Shared jobs nobody took yet, oldest at the head.
  ExecState *fifo_head_ = nullptr;
  ExecState *fifo_tail_ = nullptr;
  /// Sleeping workers that would take a shared job (idle background workers
  /// and joins that may still help); LIFO, so the warmest wakes first.
  Worker *sleepers_ = nullptr;
  std::size_t num_sleepers_ = 0;
  /// Free ExecStates and the storage that owns them all.
  ExecState *free_states_ = nullptr;
  std::vector<std::unique_ptr<ExecState>> all_states_;
  /// The last shared job was joined by its owner before anyone took it: the
  /// heartbeat then shares only jobs that waited a whole beat (heartbeat()).
  bool share_wasted_ = false;
  /// Workers running user code; the heartbeat thread parks while it is 0.
  std::size_t active_ = 0;
  /// The heartbeat thread waits on heartbeat_wake_ between beats (a take
  /// cuts a stretched wait short) and parked (no one to beat or no one to
  /// take a shared job).
  bool heartbeat_parked_ = false;
  /// The heartbeat thread sleeps interval_ << backoff_ between beats. A take
  /// resets it to 0 (and wakes the thread when it was higher).
  unsigned backoff_ = 0;
  /// A shared job was taken since the last beat: the beat was useful.
  bool taken_since_beat_ = false;
  std::condition_variable heartbeat_wake_;
  bool stopping_ = false;
  std::size_t background_ready_ = 0;
  std::condition_variable background_ready_cv_;

  Stats stats_;
  std::size_t num_workers_;
  std::chrono::microseconds interval_;
  bool print_stats_;

  std::vector<std::thread> threads_;
  std::thread heartbeat_thread_;
};

} // namespace spice::detail

#endif // SPICE_SRC_POOL_H
