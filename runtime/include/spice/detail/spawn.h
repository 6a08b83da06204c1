// The spawn spice-rewrite emits for a spawn that stands in a block with its
// sync (the "local" form): the record of the call lives in the worker's
// arena, and the forking frame keeps only a handle in registers.
//
// Why not a Future on the frame (runtime.h)? A Future's Job is linked into
// the worker's list, so its address escapes, and a frame with an escaped
// local can neither turn its last call into a loop nor keep the Future's
// "still queued?" state in a register. The serial tree sum is a loop over
// right children with the left calls inlined several levels deep; with the
// record on the frame the rewritten one made a real call per node (1023-node
// tree: 2.6x the serial time on one worker; with the record in the arena,
// 1.5x: docs/runtime.md, "The fast path").
//
//   auto spice_fut_a = spice::detail::spawn(spice_task, <closure>);
//   ...
//   if (!spice_fut_a.join_into(spice_task, &a))
//     a = spice_fut_a.call(spice_task);
//
// The arena is a stack, like the call stack: records are allocated at a
// fork and released at their join in LIFO order (L1 makes joins LIFO).
#ifndef SPICE_DETAIL_SPAWN_H
#define SPICE_DETAIL_SPAWN_H

#include <spice/runtime.h>

#include <cstddef>
#include <exception>
#include <new>
#include <type_traits>
#include <utility>

#if defined(__SANITIZE_ADDRESS__)
#define SPICE_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SPICE_ARENA_ASAN 1
#endif
#endif
#ifdef SPICE_ARENA_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace spice::detail {

/// Alignment of every arena record (and of the arena's top).
inline constexpr std::size_t kArenaAlign = 16;

/// Marks an arena range as in use / released. Under ASan, released records
/// are poisoned, so a reference into a record that was already joined (a
/// broken LIFO order, a callee keeping an argument's address) is caught.
inline void arena_unpoison(void *p, std::size_t n) noexcept {
#ifdef SPICE_ARENA_ASAN
  ASAN_UNPOISON_MEMORY_REGION(p, n);
#else
  (void)p, (void)n;
#endif
}
inline void arena_poison(void *p, std::size_t n) noexcept {
#ifdef SPICE_ARENA_ASAN
  ASAN_POISON_MEMORY_REGION(p, n);
#else
  (void)p, (void)n;
#endif
}

/// A spawned call in the arena: the job, the callable holding the evaluated
/// arguments (run by a taker, moved out by the owner's fallback) and room for
/// the result of a taker.
template <class Call, class R> struct SpawnRecord {
  using Slot = std::conditional_t<std::is_void_v<R>, char, R>;
  Job job; // first: the handler finds the record from its job
  Call call;
  alignas(Slot) unsigned char result[sizeof(Slot)];

  Slot *slot() noexcept {
    return std::launder(reinterpret_cast<Slot *>(result));
  }
};

template <class Call> class Spawned;

template <class Call> Spawned<Call> spawn(Task &task, Call &&call);

/// The handle of one spawned call, on the forking frame. It never escapes:
/// its two fields stay in registers and `queued_` is known statically on
/// most paths, so the joins the rewrite emits at every exit and the
/// destructor's check cost nothing where the compiler can see them.
template <class Call> class Spawned {
public:
  using result_type = std::invoke_result_t<Call &, Task>;

  Spawned(const Spawned &) = delete;
  Spawned &operator=(const Spawned &) = delete;
  /// Still queued on scope exit: an exception is unwinding the frame. The
  /// call still runs (or its taker is waited for), as in the serial
  /// elision, where it ran at the spawn; its result and exception are
  /// dropped.
  ~Spawned() {
    if (SPICE_UNLIKELY(queued_))
      abandon(rec_);
  }

  /// Pops the record. False when nobody took it: the caller then makes the
  /// call itself with call(). Otherwise the call finished elsewhere: its
  /// result is moved to `dest` (dropped when `dest` is null) and its
  /// exception rethrown; true also when already joined.
  template <class D> SPICE_INLINE bool join_into(Task &task, D *dest) {
    if (!queued_)
      return true;
    queued_ = false;
    Job *job = &rec_->job;
    SPICE_ASSERT(task.tail_ == job && job->prev == prev_);
    // The tail before the fork, kept in a register: a spawned job's `prev`
    // never changes while it is queued (only loop markers get pieces linked
    // before them), and reloading it after the call, a load feeding the
    // pop's store, cost 1.5x on fib (3.2x -> 2.1x the serial time).
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
      release(task.worker_, rec_);
      return true;
    }
    prev->next = nullptr; // pop (the handle, not the job, knows it is joined)
    return false;         // not taken: the caller runs call()
  }
  SPICE_INLINE bool join_into(Task &task) {
    return join_into(task, static_cast<Discard *>(nullptr));
  }

  /// The join fallback, after join_into() returned false: the callable
  /// leaves the record, the record is released, and the call is made here
  /// as a plain direct call (a tail call when it is the frame's last act).
  SPICE_INLINE result_type call(Task &task) {
    SPICE_ASSERT(!queued_);
    Call local(std::move(rec_->call));
    release(task.worker_, rec_);
    return local(Task(task.worker_, task.tail_));
  }

private:
  using Record = SpawnRecord<Call, result_type>;
  /// Arena bytes a record takes (the top stays kArenaAlign-aligned).
  static constexpr std::size_t kSize =
      (sizeof(Record) + kArenaAlign - 1) / kArenaAlign * kArenaAlign;
  static_assert(alignof(Record) <= kArenaAlign,
                "spice: over-aligned spawn arguments or result");

  friend Spawned spawn<Call>(Task &, Call &&);

  SPICE_INLINE Spawned(Task &task, Call &&call) {
    WorkerHot *worker = task.worker_;
    char *top = worker->arena_top;
    arena_unpoison(top, kSize);
    worker->arena_top = top + kSize;
    rec_ = reinterpret_cast<Record *>(top);
    ::new (static_cast<void *>(&rec_->call)) Call(std::move(call));
    ::new (static_cast<void *>(&rec_->job)) Job;
    prev_ = task.tail_;
    push(&rec_->job, task.tail_, &run);
  }

  /// Destroys the callable and gives the record back to the arena.
  static SPICE_INLINE void release(WorkerHot *worker, Record *rec) {
    rec->call.~Call();
    SPICE_ASSERT(worker->arena_top == reinterpret_cast<char *>(rec) + kSize);
    worker->arena_top = reinterpret_cast<char *>(rec);
    arena_poison(rec, kSize);
  }

  // Runs on the worker that took the job; the result goes into the record.
  SPICE_HANDLER static void run(Task task, Job *job) {
    Record *rec = reinterpret_cast<Record *>(job);
    if constexpr (std::is_void_v<result_type>)
      rec->call(task);
    else
      ::new (static_cast<void *>(rec->result)) result_type(rec->call(task));
  }

  // The heartbeat shared the job: unlink it (the caller's tail is already
  // `tail`) and wait for its taker. False if nobody took it. A taker's
  // exception is rethrown after the record is released. Cold, out of line
  // and static, with values only: the handle's address must not escape, or
  // it would live in memory instead of registers.
  static SPICE_COLD bool join_shared(WorkerHot *worker, Job *tail,
                                     Record *rec) {
    Job *job = &rec->job;
    Job *popped = job;
    pop(job, popped);
    std::exception_ptr error;
    if (!wait_shared(worker, job, tail, error))
      return false;
    if (error) {
      release(worker, rec);
      std::rethrow_exception(error);
    }
    return true;
  }

  static SPICE_COLD void abandon(Record *rec) noexcept {
    WorkerHot *worker = current_worker();
    Job *job = &rec->job;
    // The record is the list tail: newer records were unwound first (L1).
    bool shared = worker->last_shared == job;
    Job *tail = job;
    pop(job, tail);
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
    release(worker, rec);
  }

  Record *rec_;
  /// The list tail before the fork: the tail again after the join.
  Job *prev_;
  bool queued_ = true;
};

/// Forks `call(Task)`: moves it into a record in the worker's arena and
/// pushes the record's job. No tick (see spice::fork()).
template <class Call>
SPICE_INLINE Spawned<Call> spawn(Task &task, Call &&call) {
  static_assert(!std::is_reference_v<Call>, "spawn a closure prvalue");
  return Spawned<Call>(task, std::move(call));
}

/// The result type of a spawn (the declared type of an `auto` variable
/// that receives it).
template <class S> using spawn_result_t = typename S::result_type;

} // namespace spice::detail

#endif // SPICE_DETAIL_SPAWN_H
