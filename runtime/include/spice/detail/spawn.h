// The spawn spice-rewrite emits for a spawn that stands in a block with its
// sync (the "local" form): a record on the frame holds the job and the
// callable, and a separate handle does the fork and the join.
//
//   auto spice_call_a = spice::detail::record(<closure>);
//   auto spice_fut_a = spice::detail::spawn(spice_task, spice_call_a);
//   ...
//   if (!spice_fut_a.join_into(spice_task, &a))
//     a = spice_fut_a.call(spice_task);
//
// or, where a return follows the join, shared() / join_shared() and pop() /
// call(), each path with its own copy of the return (SpawnedBase::shared).
//
// Why two objects (a Future does both, runtime.h)? The record's job is
// linked into the worker's list, so the record's address escapes and every
// field of it lives in memory. The handle's fields never escape, so they
// stay in registers: the tail before the fork (the pop needs no reload of
// the job's prev, which measured 1.5x on fib) and whether the job is still
// queued, which is a constant on most paths, so the joins the rewrite emits
// at every exit and the unwinding check in the destructor cost nothing.
// The callable lives in the record (no pointer to it stored at the fork).
//
// The join fallback should compile like the serial call, down to GCC turning
// a final recursive call into a loop (the tree sum's right child). Two things
// stop that, and both are lifted where they can be:
//  - an escaped local still alive at the call: call() copies a trivial
//    closure out of the record and ends the record's lifetime first;
//  - an exception cleanup around the call: the handle's destructor, which
//    runs a still-queued call while an exception unwinds the frame. Where
//    spice-rewrite proves that nothing between the spawn and its sync can
//    throw, it emits spawn(task, rec, spice::detail::nothrow_until_join)
//    instead, whose handle has no destructor to run.
#ifndef SPICE_DETAIL_SPAWN_H
#define SPICE_DETAIL_SPAWN_H

#include <spice/runtime.h>

#include <exception>
#include <new>
#include <type_traits>
#include <utility>

namespace spice::detail {

/// A spawned call on the forking frame: the job, the callable holding the
/// evaluated arguments, and room for the result of a taker. Declared before
/// its handle, so it outlives it (the handle's destructor may still run the
/// call).
template <class Call> class Record {
public:
  using result_type = std::invoke_result_t<Call &, Task>;

  explicit Record(Call &&call) : call_(std::move(call)) {}
  Record(const Record &) = delete;
  Record &operator=(const Record &) = delete;

private:
  template <class C> friend class SpawnedBase;
  using Slot =
      std::conditional_t<std::is_void_v<result_type>, char, result_type>;
  Slot *slot() noexcept {
    return std::launder(reinterpret_cast<Slot *>(result_));
  }

  Job job_; // first: the handler finds the record from its job
  Call call_;
  alignas(Slot) unsigned char result_[sizeof(Slot)];
};

/// Wraps a spawn's closure into its record (constructed in place).
template <class Call> SPICE_INLINE Record<Call> record(Call &&call) {
  static_assert(!std::is_reference_v<Call>, "record a closure prvalue");
  return Record<Call>(std::move(call));
}

/// The fork and join of one record, without the unwinding cleanup (see
/// Spawned and SpawnedNothrow). It never escapes its frame.
template <class Call> class SpawnedBase {
public:
  using result_type = typename Record<Call>::result_type;

  /// Pushes the record's job (no tick: see spice::fork()).
  SPICE_INLINE SpawnedBase(Task &task, Record<Call> &rec)
      : rec_(&rec), prev_(task.tail_) {
    push(&rec.job_, task.tail_, &run);
  }
  SpawnedBase(const SpawnedBase &) = delete;
  SpawnedBase &operator=(const SpawnedBase &) = delete;

  /// Pops the job. False when nobody took it: the caller then makes the call
  /// itself with call(). Otherwise the call finished elsewhere: its result
  /// is moved to `dest` (dropped when `dest` is null) and its exception
  /// rethrown; true also when already joined.
  template <class D> SPICE_INLINE bool join_into(Task &task, D *dest) {
    if (!queued_)
      return true;
    queued_ = false;
    Job *job = &rec_->job_;
    SPICE_ASSERT(task.tail_ == job && job->prev == prev_);
    // A spawned job's prev never changes while it is queued (only loop
    // markers get pieces linked before them), so the tail before the fork
    // is the tail again.
    Job *prev = prev_;
    task.tail_ = prev;
    if (SPICE_UNLIKELY(task.worker_->last_shared == job)) {
      if (!join_shared(task.worker_, prev, rec_))
        return false;
      // Taken and finished: the result is in the record.
      if constexpr (!std::is_void_v<result_type>) {
        if constexpr (!std::is_same_v<D, Discard>)
          if (dest)
            *dest = std::move(*rec_->slot());
        rec_->slot()->~result_type();
      }
      return true;
    }
    prev->next = nullptr; // pop: the handle, not the job, knows it is joined
    return false;         // not taken: the caller runs call()
  }
  SPICE_INLINE bool join_into(Task &task) {
    return join_into(task, static_cast<Discard *>(nullptr));
  }

  /// The join of a sync that a `return` follows, where the job is surely
  /// still queued, in three steps that give each path its own copy of the
  /// return (spice-rewrite emits them):
  ///
  ///   if (fut.shared(task)) { dest = fut.join_shared(task); return ...; }
  ///   fut.pop(task);
  ///   dest = fut.call(task);
  ///   return ...;
  ///
  /// The fast path's call then flows straight into its return, as in the
  /// serial code, and GCC turns a final recursive call into a loop (with
  /// join_into() the result merges with the shared path's first, and it
  /// does not; docs/benchmarks.md). For void or trivially copyable results.
  ///
  /// True when the heartbeat shared the job: join_shared() then joins it.
  SPICE_INLINE bool shared(const Task &task) const {
    SPICE_ASSERT(queued_);
    return SPICE_UNLIKELY(task.worker_->last_shared == &rec_->job_);
  }
  /// After shared(): waits for the taker, or makes the call here if nobody
  /// took the job, and returns the result (rethrows the call's exception).
  SPICE_INLINE result_type join_shared(Task &task) {
    SPICE_ASSERT(queued_ && task.tail_ == &rec_->job_);
    queued_ = false;
    task.tail_ = prev_;
    return join_shared_result(task.worker_, prev_, rec_);
  }
  /// When shared() was false: pops the job, which nobody took. The caller
  /// then makes the call with call().
  SPICE_INLINE void pop(Task &task) {
    SPICE_ASSERT(queued_ && task.tail_ == &rec_->job_ &&
                 rec_->job_.prev == prev_);
    SPICE_ASSERT(task.worker_->last_shared != &rec_->job_);
    queued_ = false;
    task.tail_ = prev_;
    prev_->next = nullptr;
  }

  /// The join fallback, after join_into() returned false: the call, made
  /// here as a plain direct call the compiler can inline.
  SPICE_INLINE result_type call(Task &task) {
    SPICE_ASSERT(!queued_);
    if constexpr (std::is_trivially_copyable_v<Call> &&
                  std::is_trivially_destructible_v<Rec>) {
      // The record is dead from here on: end its lifetime before the call,
      // so that no escaped local is alive across it (GCC can then make a
      // final recursive call a loop). The copy is the arguments, which the
      // call needs in registers anyway.
      Call call = rec_->call_;
      rec_->~Rec();
      return call(Task(task.worker_, task.tail_));
    } else {
      return rec_->call_(Task(task.worker_, task.tail_));
    }
  }

protected:
  using Rec = Record<Call>;

  // Runs on the worker that took the job; the result goes into the record.
  SPICE_HANDLER static void run(Task task, Job *job) {
    Rec *rec = reinterpret_cast<Rec *>(job);
    if constexpr (std::is_void_v<result_type>)
      rec->call_(task);
    else
      ::new (static_cast<void *>(rec->result_)) result_type(rec->call_(task));
  }

  // The heartbeat shared the job: unlink it (the caller's tail is already
  // `tail`) and wait for its taker. False if nobody took it. Rethrows the
  // taker's exception. Cold, out of line and static, with values only: the
  // handle's address must not escape, or it would live in memory.
  static SPICE_COLD bool join_shared(WorkerHot *worker, Job *tail, Rec *rec) {
    Job *job = &rec->job_;
    Job *popped = job;
    detail::pop(job, popped);
    std::exception_ptr error;
    if (!wait_shared(worker, job, tail, error))
      return false;
    if (error)
      std::rethrow_exception(error);
    return true;
  }

  // join_shared() out of line: the taker's result, or the call's if nobody
  // took the job.
  static SPICE_COLD result_type join_shared_result(WorkerHot *worker, Job *tail,
                                                   Rec *rec) {
    if (!join_shared(worker, tail, rec))
      return rec->call_(Task(worker, tail));
    if constexpr (!std::is_void_v<result_type>) {
      result_type result = std::move(*rec->slot());
      rec->slot()->~result_type();
      return result;
    }
  }

  /// Still queued when an exception unwinds the frame: the call still runs
  /// (or its taker is waited for), as in the serial elision, where it ran at
  /// the spawn; its result and exception are dropped.
  static SPICE_COLD void abandon(Rec *rec) noexcept {
    WorkerHot *worker = current_worker();
    Job *job = &rec->job_;
    // The job is the list tail: newer ones were unwound first (L1).
    bool shared = worker->last_shared == job;
    Job *tail = job;
    detail::pop(job, tail);
    std::exception_ptr error;
    bool done = shared && wait_shared(worker, job, tail, error);
    if (!done) {
      try {
        run(Task(worker, tail), job);
        done = true;
      } catch (...) {
      }
    }
    if constexpr (!std::is_void_v<result_type>)
      if (done && !error)
        rec->slot()->~result_type();
  }

  Rec *rec_;
  /// The list tail before the fork: the tail again after the join.
  Job *prev_;
  bool queued_ = true;
};

/// The handle of a spawn: its destructor runs the call if an exception
/// leaves the frame while the job is still queued.
template <class Call> class Spawned : public SpawnedBase<Call> {
public:
  using SpawnedBase<Call>::SpawnedBase;
  ~Spawned() {
    if (SPICE_UNLIKELY(this->queued_))
      this->abandon(this->rec_);
  }
};

/// The handle of a spawn whose frame cannot throw before the join (proved by
/// spice-rewrite). No destructor, so no exception cleanup around the calls
/// it encloses; Debug and sanitizer builds check that the join happened.
template <class Call> class SpawnedNothrow : public SpawnedBase<Call> {
public:
  using SpawnedBase<Call>::SpawnedBase;
#if SPICE_ASSERTIONS
  ~SpawnedNothrow() { SPICE_ASSERT(!this->queued_); }
#endif
};

/// Tag of spawn(): nothing between this spawn and its join can throw.
struct NothrowUntilJoin {};
inline constexpr NothrowUntilJoin nothrow_until_join{};

/// Forks the call in `rec`.
template <class Call>
SPICE_INLINE Spawned<Call> spawn(Task &task, Record<Call> &rec) {
  return Spawned<Call>(task, rec);
}
/// Forks the call in `rec`, whose join no exception can bypass.
template <class Call>
SPICE_INLINE SpawnedNothrow<Call> spawn(Task &task, Record<Call> &rec,
                                        NothrowUntilJoin) {
  return SpawnedNothrow<Call>(task, rec);
}

/// The result type of a spawn (the declared type of an `auto` variable
/// that receives it).
template <class S> using spawn_result_t = typename S::result_type;

} // namespace spice::detail

#endif // SPICE_DETAIL_SPAWN_H
