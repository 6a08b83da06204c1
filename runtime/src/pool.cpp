// Workers, sharing and waiting: the slow half of the runtime (see pool.h).
#include "pool.h"

#include "config.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>

#if defined(__linux__)
#include <sys/prctl.h>
#endif

namespace spice::detail {

namespace {
/// The worker the calling thread runs as; null outside every pool.
thread_local WorkerHot *current = nullptr;

std::uint64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
} // namespace

WorkerHot *current_worker() noexcept { return current; }

Job *find_tail(WorkerHot *worker) noexcept {
  Job *job = &worker->head;
  while (job->next)
    job = job->next;
  return job;
}

void assert_failed(const char *cond, const char *file, int line) noexcept {
  std::fprintf(stderr, "spice: internal error: %s:%d: invariant '%s' failed\n",
               file, line, cond);
  std::abort();
}

namespace {
#if SPICE_ASSERTIONS
/// Checks the links of a worker's list and L3 (its shared prefix matches its
/// stack of states). O(list length): Debug and sanitizer builds only.
void check_list(Worker *worker) {
  SPICE_ASSERT(worker->head.prev == nullptr);
  // Walk the shared prefix from the newest state back to the head.
  Job *job = worker->last_shared;
  for (ExecState *state = worker->shared_top; state; state = state->older) {
    SPICE_ASSERT(state->job == job && state->owner == worker);
    SPICE_ASSERT(job->prev && job->prev->next == job);
    job = job->prev;
  }
  SPICE_ASSERT(job == &worker->head);
  for (Job *j = &worker->head; j->next; j = j->next)
    SPICE_ASSERT(j->next->prev == j);
}
#else
void check_list(Worker *) {}
#endif
} // namespace

void on_heartbeat(WorkerHot *worker) noexcept {
  Worker *self = static_cast<Worker *>(worker);
  self->pool->heartbeat(self);
}

bool wait_shared(WorkerHot *worker, Job *job, Job *tail,
                 std::exception_ptr &error) {
  Worker *self = static_cast<Worker *>(worker);
  return self->pool->wait_shared(self, job, tail, error);
}

void unshare_marker(WorkerHot *worker, Job *marker) noexcept {
  Worker *self = static_cast<Worker *>(worker);
  self->pool->unshare_marker(self, marker);
}

bool is_worker_of(const PoolImpl &pool) noexcept {
  return current && static_cast<Worker *>(current)->pool == &pool;
}

WorkerScope::WorkerScope(PoolImpl &pool) : worker_(pool.enter_external()) {}

WorkerScope::~WorkerScope() {
  Worker *worker = static_cast<Worker *>(worker_);
  worker->pool->leave_external(worker);
}

// ---------------------------------------------------------------------------
// Construction and shutdown

PoolImpl::PoolImpl(const ThreadPoolConfig &config)
    : num_workers_(config.num_workers ? config.num_workers : available_cpus()),
      // At most a day: the backed-off deadline (8x) must fit steady_clock's
      // nanoseconds (an overflow would make the heartbeat spin).
      interval_(std::clamp<std::chrono::microseconds>(
          config.heartbeat_interval, std::chrono::microseconds(1),
          std::chrono::hours(24))),
      print_stats_(config.print_stats) {
  // The thread that calls into the pool is a worker too.
  std::size_t background = num_workers_ - 1;
  threads_.reserve(background);
  for (std::size_t i = 0; i < background; ++i)
    threads_.emplace_back([this] { background_main(); });
  heartbeat_thread_ = std::thread([this] { heartbeat_main(); });
  // Wait until every background worker sleeps as a taker, so the first
  // heartbeat already finds them.
  std::unique_lock<std::mutex> lock(mutex_);
  background_ready_cv_.wait(lock,
                            [&] { return background_ready_ == background; });
}

PoolImpl::~PoolImpl() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (Worker *w = sleepers_; w; w = w->sleep_next)
      w->wake.notify_one();
    heartbeat_wake_.notify_one();
  }
  for (std::thread &t : threads_)
    t.join();
  heartbeat_thread_.join();
  while (Worker *spare = spare_workers_) {
    spare_workers_ = spare->next_spare;
    delete spare;
  }
  if (print_stats_) {
    Stats s = stats();
    std::fprintf(stderr,
                 "spice: workers %zu, heartbeats %" PRIu64
                 ", jobs shared %" PRIu64
                 ", jobs run by another worker %" PRIu64
                 ", joins that waited %" PRIu64 ", time asleep %.3f s\n",
                 num_workers_, s.heartbeats, s.jobs_shared, s.jobs_stolen,
                 s.joins_waited, static_cast<double>(s.sleep_ns) * 1e-9);
  }
}

void PoolImpl::add_worker(Worker *worker) {
  worker->index = workers_.size();
  workers_.push_back(worker);
}

void PoolImpl::remove_worker(Worker *worker) {
  Worker *last = workers_.back();
  workers_[worker->index] = last;
  last->index = worker->index;
  workers_.pop_back();
}

void PoolImpl::enter_user_code() {
  if (active_++ == 0)
    wake_heartbeat_if_useful();
}

void PoolImpl::wake_heartbeat_if_useful() {
  if (heartbeat_parked_ && active_ > 0 && num_sleepers_ > 0)
    heartbeat_wake_.notify_one();
}

void PoolImpl::leave_user_code() { --active_; }

Worker *PoolImpl::enter_external() {
  Worker *worker;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    worker = spare_workers_;
    if (worker)
      spare_workers_ = worker->next_spare;
    else
      worker = new Worker(this); // under the lock: rare, and it may throw
    add_worker(worker);
    enter_user_code();
  }
  worker->previous = current;
  current = worker;
  return worker;
}

void PoolImpl::leave_external(Worker *worker) {
  current = worker->previous;
  // Everything it forked was joined, and it waits for nothing: once off
  // the heartbeat's list and rid of a beat it did not poll (the next call
  // would handle it for nothing), the worker is as new.
  SPICE_ASSERT(worker->head.next == nullptr &&
               worker->last_shared == &worker->head);
  SPICE_ASSERT(worker->in_fifo == nullptr && worker->shared_top == nullptr &&
               !worker->in_sleepers && worker->help_depth == 0);
  std::lock_guard<std::mutex> lock(mutex_);
  remove_worker(worker);
  leave_user_code();
  worker->heartbeat.store(false, std::memory_order_relaxed);
  worker->next_spare = spare_workers_;
  spare_workers_ = worker;
}

Stats PoolImpl::stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

// ---------------------------------------------------------------------------
// Threads

void PoolImpl::background_main() {
  Worker self(this);
  current = &self;
  std::unique_lock<std::mutex> lock(mutex_);
  add_worker(&self);
  bool announced = false;
  while (!stopping_) {
    if (ExecState *state = take_shared()) {
      enter_user_code();
      run_shared(&self, &self.head, state, lock);
      leave_user_code();
      continue;
    }
    if (!announced) {
      announced = true;
      ++background_ready_;
      background_ready_cv_.notify_one();
    }
    sleep(&self, lock, /*taker=*/true);
  }
  remove_worker(&self);
  current = nullptr;
}

void PoolImpl::heartbeat_main() {
#if defined(__linux__)
  // Default timer slack (50 us) would stretch a 100 us interval by half.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
#endif
  std::unique_lock<std::mutex> lock(mutex_);
  unsigned idle_beats = 0;
  while (!stopping_) {
    // A beat is only useful when a worker runs user code (it has jobs to
    // share) and another sleeps (it could take one). Otherwise park: with
    // every worker busy the beats would only steal CPU from them (a wake-up
    // costs ~30 us of CPU on a small VM, a quarter of a core at 100 us).
    // Parking for lack of active workers waits a few idle beats first, so
    // back-to-back calls into the pool do not each pay for a wake-up.
    idle_beats = active_ == 0 ? idle_beats + 1 : 0;
    if (num_sleepers_ == 0 || idle_beats > kIdleBeatsBeforeSleep) {
      heartbeat_parked_ = true;
      heartbeat_wake_.wait(lock, [&] {
        return stopping_ || (active_ > 0 && num_sleepers_ > 0);
      });
      heartbeat_parked_ = false;
      idle_beats = 0;
      backoff_ = 0; // a new call or a new idle worker: beat at full rate
    }
    if (stopping_)
      break;
    // One beat per worker per interval. Setting a flag is all it takes: the
    // worker acts on it at its next tick().
    for (Worker *worker : workers_)
      worker->heartbeat.store(true, std::memory_order_relaxed);
    // Back off while beats lead to no take: calls shorter than an interval
    // (a 1023-node tree sum run over and over) finish before anyone could
    // take their jobs, and each beat only costs a wake-up of this thread.
    // A take (take_shared) cuts a stretched wait short: the next beat is
    // then due one configured interval after this one. Beats while no worker
    // runs user code say nothing about the work and leave the interval be,
    // so a call after a pause starts at the rate the previous one ended at.
    taken_since_beat_ = false;
    auto beat = std::chrono::steady_clock::now();
    unsigned backoff = backoff_;
    heartbeat_wake_.wait_until(lock, beat + interval_ * (1u << backoff),
                               [&] { return stopping_ || backoff_ < backoff; });
    if (backoff_ < backoff)
      heartbeat_wake_.wait_until(lock, beat + interval_,
                                 [&] { return stopping_; });
    if (!taken_since_beat_ && idle_beats == 0 && backoff_ < kMaxBackoff)
      ++backoff_;
  }
}

// ---------------------------------------------------------------------------
// Sharing, taking, waiting

namespace {
bool marked(const Job *job) { return job->bits() & Job::kMarked; }
void mark(Job *job) {
  job->handler = reinterpret_cast<Job::Handler>(job->bits() | Job::kMarked);
}
void unmark(Job *job) {
  job->handler = reinterpret_cast<Job::Handler>(job->bits() & ~Job::kMarked);
}
bool exhausted_loop(const Job *job) {
  return job->is_loop() &&
         reinterpret_cast<const LoopMarker *>(job)->exhausted();
}
} // namespace

void PoolImpl::heartbeat(Worker *worker) {
  std::lock_guard<std::mutex> lock(mutex_);
  worker->heartbeat.store(false, std::memory_order_relaxed);
  ++stats_.heartbeats;
  check_list(worker);
  // The oldest job not shared yet follows the shared prefix (L3). It may be
  // the tail: sharing only marks it, the owner's links stay valid (L2).
  Job *job = worker->last_shared->next;
  // A loop with nothing left to split would hide the jobs behind it: it
  // joins the shared prefix (never run; its loop takes it back out at its
  // end, unshare_marker()), so the next job can be shared.
  while (job && exhausted_loop(job)) {
    push_state(worker, job, /*loop_marker=*/true);
    job = job->next;
  }
  if (!job)
    return;
  // After a share that nobody took (the owner joined it first), share only
  // a job that was already waiting at the previous beat, so at least an
  // interval old: calls shorter than that finish before a taker could start
  // them, and sharing them only costs the wake-up of a taker that finds
  // nothing (measured: 1023-node tree sums at 2 workers used 4.4x the
  // serial CPU time, 3933 jobs shared, 1 run elsewhere). While shares are
  // taken, share at once: short programs and sparse beats still spread.
  // A job forked since the mark at the same address has a fresh handler.
  if (share_wasted_ && !marked(job)) {
    mark(job);
    return;
  }
  // Share only when someone is asleep to take it (sharing for nobody would
  // make the owner's join take the mutex for nothing) and the last job this
  // worker shared was taken (so the oldest goes first). Else it stays marked.
  if (worker->in_fifo || num_sleepers_ == 0)
    return;
  if (job->is_loop()) {
    // Share part of a running loop: its splitter cuts a piece off, which is
    // linked before the marker, right after the shared prefix (L3 holds).
    Job *piece = job->splitter()(job);
    if (!piece)
      return;
    piece->prev = job->prev;
    piece->next = job;
    job->prev->next = piece;
    job->prev = piece;
    job = piece;
  }
  unmark(job);
  if (job->next)
    mark(job->next); // it has waited since now: next in line at the next beat
  ExecState *state = push_state(worker, job, /*loop_marker=*/false);
  worker->in_fifo = state;
  fifo_push(state);
  ++stats_.jobs_shared;
  wake_one_taker();
}

ExecState *PoolImpl::push_state(Worker *worker, Job *job, bool loop_marker) {
  SPICE_ASSERT(job->prev == worker->last_shared);
  ExecState *state = alloc_state();
  state->job = job;
  state->owner = worker;
  state->loop_marker = loop_marker;
  state->older = worker->shared_top;
  worker->shared_top = state;
  worker->last_shared = job;
  return state;
}

void PoolImpl::unshare_marker(Worker *worker, Job *marker) {
  ExecState *state = worker->shared_top;
  SPICE_ASSERT(state && state->job == marker && state->loop_marker);
  SPICE_ASSERT(marker->next == nullptr);
  worker->shared_top = state->older;
  worker->last_shared = marker->prev;
  std::lock_guard<std::mutex> lock(mutex_);
  free_state(state);
}

ExecState *PoolImpl::take_shared() {
  ExecState *state = fifo_head_;
  if (!state)
    return nullptr;
  fifo_remove(state);
  state->owner->in_fifo = nullptr; // the owner may share another one
  share_wasted_ = false;
  taken_since_beat_ = true;
  if (backoff_ > 0) { // work is moving: back to the configured interval
    backoff_ = 0;
    heartbeat_wake_.notify_one();
  }
  return state;
}

void PoolImpl::run_shared(Worker *worker, Job *tail, ExecState *state,
                          std::unique_lock<std::mutex> &lock) {
  Job *job = state->job;
  lock.unlock();
  // The job's frames push after this worker's tail: the head for an idle
  // worker, the waiting join's tail for a helping one.
  SPICE_ASSERT(tail->next == nullptr);
  Task task(worker, tail);
  try {
    job->handler(task, job);
  } catch (...) {
    state->error = std::current_exception();
  }
  SPICE_ASSERT(tail->next == nullptr); // the job joined everything it forked
  // `job` belongs to the owner's frame, which may be gone once done is set.
  lock.lock();
  state->done = true;
  ++stats_.jobs_stolen;
  if (state->waiter)
    state->waiter->wake.notify_one();
}

bool PoolImpl::wait_shared(Worker *worker, Job *job, Job *tail,
                           std::exception_ptr &error) {
  // The popped job was the tail and shared, so it was last_shared (L3); the
  // shared prefix now ends at the new tail.
  ExecState *state = worker->shared_top;
  SPICE_ASSERT(state && state->job == job && !job->queued());
  SPICE_ASSERT(!state->loop_marker);
  SPICE_ASSERT(tail == (state->older ? state->older->job : &worker->head));
  worker->shared_top = state->older;
  worker->last_shared = tail;
  std::unique_lock<std::mutex> lock(mutex_);
  if (worker->in_fifo == state) {
    // Shared, but nobody took it: take it back and run it inline.
    worker->in_fifo = nullptr;
    fifo_remove(state);
    share_wasted_ = true;
  } else {
    if (!state->done)
      ++stats_.joins_waited;
    while (!state->done) {
      bool may_help = worker->help_depth < kMaxHelpDepth;
      if (may_help) {
        if (ExecState *other = take_shared()) {
          ++worker->help_depth;
          run_shared(worker, tail, other, lock);
          --worker->help_depth;
          continue;
        }
      }
      state->waiter = worker;
      sleep(worker, lock, /*taker=*/may_help);
      state->waiter = nullptr;
    }
    error = std::move(state->error);
  }
  bool taken = state->done;
  free_state(state);
  return taken;
}

void PoolImpl::sleep(Worker *worker, std::unique_lock<std::mutex> &lock,
                     bool taker) {
  if (taker) {
    worker->sleep_prev = nullptr;
    worker->sleep_next = sleepers_;
    if (sleepers_)
      sleepers_->sleep_prev = worker;
    sleepers_ = worker;
    worker->in_sleepers = true;
    if (num_sleepers_++ == 0)
      wake_heartbeat_if_useful(); // someone can take work again
  }
  std::uint64_t start = now_ns();
  worker->wake.wait(lock);
  stats_.sleep_ns += now_ns() - start;
  if (worker->in_sleepers) { // woken for another reason than a shared job
    if (worker->sleep_prev)
      worker->sleep_prev->sleep_next = worker->sleep_next;
    else
      sleepers_ = worker->sleep_next;
    if (worker->sleep_next)
      worker->sleep_next->sleep_prev = worker->sleep_prev;
    worker->in_sleepers = false;
    --num_sleepers_;
  }
}

void PoolImpl::wake_one_taker() {
  Worker *worker = sleepers_;
  if (!worker)
    return;
  sleepers_ = worker->sleep_next;
  if (sleepers_)
    sleepers_->sleep_prev = nullptr;
  worker->in_sleepers = false;
  --num_sleepers_;
  worker->wake.notify_one();
}

ExecState *PoolImpl::alloc_state() {
  ExecState *state = free_states_;
  if (state) {
    free_states_ = state->next_free;
  } else {
    all_states_.push_back(std::make_unique<ExecState>());
    state = all_states_.back().get();
  }
  state->done = false;
  state->loop_marker = false;
  state->waiter = nullptr;
  state->error = nullptr;
  return state;
}

void PoolImpl::free_state(ExecState *state) {
  state->job = nullptr;
  state->owner = nullptr;
  state->older = nullptr;
  state->error = nullptr;
  state->next_free = free_states_;
  free_states_ = state;
}

void PoolImpl::fifo_push(ExecState *state) {
  state->fifo_next = nullptr;
  state->fifo_prev = fifo_tail_;
  if (fifo_tail_)
    fifo_tail_->fifo_next = state;
  else
    fifo_head_ = state;
  fifo_tail_ = state;
}

void PoolImpl::fifo_remove(ExecState *state) {
  if (state->fifo_prev)
    state->fifo_prev->fifo_next = state->fifo_next;
  else
    fifo_head_ = state->fifo_next;
  if (state->fifo_next)
    state->fifo_next->fifo_prev = state->fifo_prev;
  else
    fifo_tail_ = state->fifo_prev;
  state->fifo_prev = state->fifo_next = nullptr;
}

} // namespace spice::detail

// ---------------------------------------------------------------------------
// Public ThreadPool

namespace spice {

ThreadPool::ThreadPool(const ThreadPoolConfig &config)
    : impl_(std::make_unique<detail::PoolImpl>(config)) {}

ThreadPool::~ThreadPool() = default;

std::size_t ThreadPool::num_workers() const noexcept {
  return impl_->num_workers();
}

Stats ThreadPool::stats() const { return impl_->stats(); }

ThreadPool &ThreadPool::default_pool() {
  static ThreadPool pool([] {
    detail::EnvSettings env;
    std::string error;
    if (!detail::read_env_settings(env, error)) {
      std::fprintf(stderr, "spice: error: %s\n", error.c_str());
      std::exit(EXIT_FAILURE);
    }
    ThreadPoolConfig config;
    if (env.num_threads)
      config.num_workers = *env.num_threads;
    if (env.heartbeat)
      config.heartbeat_interval = *env.heartbeat;
    config.print_stats = env.stats;
    return config;
  }());
  return pool;
}

} // namespace spice
