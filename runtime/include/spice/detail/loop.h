// Parallel loops with the heartbeat: what spice-rewrite emits for
// spice::parallel_for and spice::parallel_reduce (their serial elision is in
// <spice/serial.h>).
//
// How a loop runs (docs/runtime.md, "Loops"):
// - The loop pushes a *marker* onto its worker's job list and runs its range
//   as plain sequential chunks: the chunk loop is the serial loop, so the
//   compiler vectorizes it where it vectorizes the serial one. Between
//   chunks it polls the heartbeat flag, once per chunk; chunks are sized by
//   the clock to a few microseconds, so the poll costs nothing and a beat is
//   seen within that time.
// - The marker holds the range not started yet. On a beat the heartbeat
//   finds the oldest job of the list that is not shared; when that is a loop
//   marker it calls the marker's splitter, which cuts the upper half of the
//   remaining range off as a *piece* (a job of its own) and shares it. Since
//   the list is ordered oldest first, outer loops and outer spawns are split
//   before inner ones, and the largest piece goes first. Beats seen inside a
//   body (a parallel call ticks) split the loop just as well.
// - Pieces are shared jobs linked just before their marker (the shared
//   prefix of the list grows by one, L3 holds), so the loop joins them like
//   any shared job, newest first. That is also range order: each piece lies
//   to the right of the part the owner kept, and of every later piece.
// - A piece run elsewhere is a loop of its own on that worker, so it can be
//   split again there.
// - A marker with nothing left to split would hide the jobs behind it from
//   the heartbeat; the heartbeat moves such a marker into the shared prefix
//   instead (it has a state there but is never run), and the loop takes it
//   back out at its end (unshare_marker).
// Nothing on the per-iteration path touches the list, an atomic or a clock.
#ifndef SPICE_DETAIL_LOOP_H
#define SPICE_DETAIL_LOOP_H

#include <spice/runtime.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <iterator>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace spice::detail {

/// Iteration numbers within a loop: 0 is `first`.
using LoopIndex = std::ptrdiff_t;

struct LoopPiece;

/// A running loop's entry in its worker's job list, on the loop's stack.
/// Standard layout, job first: the splitter finds the marker from its job.
struct LoopMarker {
  /// Tagged Job::kLoop; its handler word is the loop's splitter.
  Job job;
  /// The first iteration that no chunk has started.
  LoopIndex next = 0;
  /// The end of this frame's part. Only the owner's heartbeat lowers it, so
  /// owner-only like the whole list: no atomics.
  LoopIndex end = 0;
  /// Pieces split off this marker, newest first (the order of their joins).
  LoopPiece *pieces = nullptr;
  /// The loop (body and bounds) the pieces run.
  const void *loop = nullptr;
  /// Length and duration (loop_clock() units) of the last chunk: the
  /// splitter's estimate of what is left is worth sharing.
  LoopIndex last_len = 0;
  std::uint64_t last_ticks = 0;

  bool exhausted() const { return next >= end; }
};

/// A part of a loop's range handed to the heartbeat to share. Standard
/// layout, job first; the typed piece (LoopPieceOf) derives from it.
struct LoopPiece {
  Job job;
  LoopIndex begin = 0;
  LoopIndex end = 0;
  /// The piece split off the same marker before this one.
  LoopPiece *older = nullptr;
};

/// Takes an exhausted marker that the heartbeat moved into the shared prefix
/// back out of it (the marker is the list's tail and last_shared). Cold.
void unshare_marker(WorkerHot *worker, Job *marker) noexcept;

/// A timestamp for sizing chunks: the TSC where there is one (about 9 ns to
/// read on the Xeon of docs/runtime.md, against 20 for steady_clock), else
/// steady_clock in nanoseconds.
inline std::uint64_t loop_clock() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  return __rdtsc();
#else
  return static_cast<std::uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
#endif
}

/// How long a chunk should take, in loop_clock() units: 2^14 TSC ticks are
/// 4-8 us at 2-4 GHz. Long enough that one clock read and one poll per chunk
/// cost well under 1%, short enough that a beat (every 100 us per worker by
/// default) is acted on within a few percent of the interval.
inline constexpr std::uint64_t kChunkTicks = 1u << 14;
inline constexpr LoopIndex kMaxChunk = LoopIndex{1} << 30;

/// Adapts a chunk length to the time its last chunk took: doubled while
/// chunks are short, halved when one took much longer than kChunkTicks.
inline LoopIndex next_chunk(LoopIndex chunk, std::uint64_t took) noexcept {
  if (took < kChunkTicks / 2)
    return chunk < kMaxChunk ? chunk * 2 : chunk;
  if (took > kChunkTicks * 2 && chunk > 1)
    return chunk / 2;
  return chunk;
}

/// What a parallel_for accumulates: nothing.
struct NoAcc {};

/// The positions a loop runs over: integers (of the bounds' common type) or
/// random-access iterators. at(k) is iteration k; a body gets element(p).
template <class A, class B, class = void> struct LoopRange {
  static_assert(std::is_same_v<A, B>,
                "parallel loop bounds must be integers or iterators of one "
                "type");
  static_assert(
      std::is_base_of_v<std::random_access_iterator_tag,
                        typename std::iterator_traits<A>::iterator_category>,
      "parallel loops need integers or random-access iterators");
  using Pos = A;
  Pos first;
  LoopIndex size;
  LoopRange(A a, B b) : first(a), size(b - a > 0 ? LoopIndex(b - a) : 0) {}
  Pos at(LoopIndex k) const { return first + k; }
  static decltype(auto) element(const Pos &p) { return *p; }
};

template <class A, class B>
struct LoopRange<
    A, B, std::enable_if_t<std::is_integral_v<A> && std::is_integral_v<B>>> {
  using Pos = std::common_type_t<A, B>;
  Pos first;
  LoopIndex size;
  LoopRange(A a, B b)
      : first(static_cast<Pos>(a)),
        size(static_cast<Pos>(b) > first
                 ? static_cast<LoopIndex>(static_cast<Pos>(b) - first)
                 : 0) {}
  Pos at(LoopIndex k) const { return static_cast<Pos>(first + k); }
  static Pos element(Pos p) { return p; }
};

/// Calls a body with the scheduler context when it takes one (a lambda that
/// spice-rewrite made parallel code), else with the element alone.
template <class Body, class X>
SPICE_INLINE decltype(auto) call_body(Body &body, WorkerHot *worker, Job *tail,
                                      X &&x) {
  if constexpr (std::is_invocable_v<Body &, Task::Worker, Task::Tail, X &&>)
    return body(worker, tail, std::forward<X>(x));
  else
    return body(std::forward<X>(x));
}

/// One parallel loop: its range and what to do per element. Lives on the
/// stack of the call that started the loop, which outlives every piece (it
/// joins them all). For a parallel_for, Acc is NoAcc and there is no
/// combine; pieces of a reduce fold from a copy of the identity.
template <class Range, class Body, class Acc, class Combine> struct Loop {
  using AccType = Acc;
  Range range;
  Body &body;
  const Acc &identity;
  Combine *combine;

  static constexpr bool kReduce = !std::is_same_v<Acc, NoAcc>;

  /// The serial loop over iterations [i, stop): what a chunk runs. Out of
  /// line, with the accumulator by value: inlined into the chunk loop, GCC
  /// kept a double accumulator in a general register across the heartbeat
  /// call and moved it to and from SSE registers every few iterations
  /// (1000-element sum 1.3-1.5x the serial loop). One call per chunk costs
  /// nothing.
  SPICE_NOINLINE Acc run_chunk(Acc acc, WorkerHot *worker, Job *tail,
                               LoopIndex i, LoopIndex stop) const {
    using Pos = typename Range::Pos;
    Pos end = range.at(stop);
    for (Pos p = range.at(i); p != end; ++p) {
      if constexpr (kReduce)
        acc = (*combine)(std::move(acc),
                         call_body(body, worker, tail, Range::element(p)));
      else
        call_body(body, worker, tail, Range::element(p));
    }
    return acc;
  }

  void merge(Acc &acc, Acc &&part) const {
    if constexpr (kReduce)
      acc = (*combine)(std::move(acc), std::move(part));
  }
};

/// Chunk length learned by the loops of one loop type (one per body type):
/// repeated small loops start at the right length instead of growing from 1
/// every time. Relaxed: it is only a hint.
template <class L> inline std::atomic<LoopIndex> chunk_hint{1};

template <class L>
typename L::AccType run_part(const L &loop, WorkerHot *worker, Job *tail,
                             LoopIndex begin, LoopIndex end);

/// A piece of loop L: runs as a shared job; its result waits for the join.
template <class L> struct LoopPieceOf : LoopPiece {
  const L *loop = nullptr;
  std::optional<typename L::AccType> result;

  SPICE_HANDLER static void run(Task task, Job *job) {
    auto *self = static_cast<LoopPieceOf *>(reinterpret_cast<LoopPiece *>(job));
    self->result.emplace(run_part(*self->loop, task.worker(), task.tail(),
                                  self->begin, self->end));
  }
};

/// Whether what is left of a loop is worth a share: at the last chunk's pace
/// it takes at least kChunkTicks. A smaller piece finishes before a woken
/// taker could start it (a wake-up takes 5-50 us here), so sharing it only
/// makes the owner wait: 1000-iteration loops of 1 ns, called back to back,
/// ran 2.8x the serial time at 2 workers when their halves were shared.
inline bool worth_sharing(const LoopMarker &marker, LoopIndex left) {
  if (marker.last_len == 0)
    return true; // no chunk measured yet
  return static_cast<std::uint64_t>(left) * marker.last_ticks >=
         kChunkTicks * static_cast<std::uint64_t>(marker.last_len);
}

/// The splitter of loop L's markers: cuts off the upper half of what is left
/// (all of it when one iteration is left, so a last long iteration can move
/// too). Runs on the owner, inside its heartbeat. Null when nothing is left,
/// when what is left is too small to be worth a share, or when there is no
/// memory for a piece.
template <class L> SPICE_HANDLER Job *split_loop(Job *job) {
  auto *marker = reinterpret_cast<LoopMarker *>(job);
  LoopIndex left = marker->end - marker->next;
  if (left <= 0 || !worth_sharing(*marker, left))
    return nullptr;
  auto *piece = new (std::nothrow) LoopPieceOf<L>();
  if (!piece)
    return nullptr;
  LoopIndex mid = marker->next + left / 2;
  piece->job.handler = &LoopPieceOf<L>::run;
  piece->begin = mid;
  piece->end = marker->end;
  piece->loop = static_cast<const L *>(marker->loop);
  piece->older = marker->pieces;
  marker->pieces = piece;
  marker->end = mid;
  return &piece->job;
}

/// Runs iterations [begin, end) of `loop` on `worker`, whose list ends at
/// `tail`, and returns their fold. Joins every piece split off on the way.
template <class L>
typename L::AccType run_part(const L &loop, WorkerHot *worker, Job *tail,
                             LoopIndex begin, LoopIndex end) {
  using Acc = typename L::AccType;
  LoopMarker marker;
  marker.next = begin;
  marker.end = end;
  marker.loop = &loop;
  Job *const outer_tail = tail;
  push(&marker.job, tail,
       reinterpret_cast<Job::Handler>(
           reinterpret_cast<std::uintptr_t>(&split_loop<L>) | Job::kLoop));
  Acc acc = loop.identity;
  std::exception_ptr error;
  try {
    // Start at the learned length, but with half the range at most:
    // iterations of one body type can differ in cost by orders of magnitude
    // (an outer loop's piece of cheap iterations taught its owner a length
    // that put every heavy iteration into one first chunk, which nobody
    // could split). Short chunks double. (Starting at an eighth of the hint
    // instead cost a 1000-iteration loop of 0.27 us four chunks: 1.4x.)
    const LoopIndex hint = chunk_hint<L>.load(std::memory_order_relaxed);
    const LoopIndex half = (end - begin) / 2;
    LoopIndex chunk = hint < half ? hint : (half > 1 ? half : 1);
    std::uint64_t start = loop_clock();
    // The range is re-read from the marker after every chunk: the heartbeat
    // may have lowered its end.
    while (marker.next < marker.end) {
      LoopIndex i = marker.next;
      LoopIndex stop = marker.end - i > chunk ? i + chunk : marker.end;
      marker.next = stop; // the chunk is this frame's: splits start after it
      acc = loop.run_chunk(std::move(acc), worker, &marker.job, i, stop);
      std::uint64_t now = loop_clock();
      marker.last_len = stop - i;
      marker.last_ticks = now - start;
      chunk = next_chunk(chunk, now - start);
      start = now;
      if (SPICE_UNLIKELY(worker->heartbeat.load(std::memory_order_relaxed)))
        on_heartbeat(worker);
    }
    if (chunk != hint)
      chunk_hint<L>.store(chunk, std::memory_order_relaxed);
  } catch (...) {
    error = std::current_exception();
  }
  // Whatever the body did, its frames have popped their jobs: the marker is
  // the tail again (L1).
  SPICE_ASSERT(marker.job.next == nullptr);
  if (SPICE_UNLIKELY(worker->last_shared == &marker.job))
    unshare_marker(worker, &marker.job);
  pop(&marker.job, tail);
  // Join the pieces newest first, which is range order. After an exception
  // (the first in range order wins) pieces nobody took are dropped: the
  // serial loop would not have run them either.
  for (LoopPiece *piece = marker.pieces; piece;) {
    auto *typed = static_cast<LoopPieceOf<L> *>(piece);
    SPICE_ASSERT(tail == &piece->job && worker->last_shared == tail);
    tail = piece->job.prev;
    Job *popped = &piece->job;
    pop(&piece->job, popped);
    std::exception_ptr piece_error;
    bool taken = wait_shared(worker, &piece->job, tail, piece_error);
    if (!error) {
      if (taken && piece_error) {
        error = std::move(piece_error);
      } else if (taken) {
        loop.merge(acc, std::move(*typed->result));
      } else {
        try {
          loop.merge(acc,
                     run_part(loop, worker, tail, piece->begin, piece->end));
        } catch (...) {
          error = std::current_exception();
        }
      }
    }
    piece = piece->older;
    delete typed;
  }
  SPICE_ASSERT(tail == outer_tail);
  (void)outer_tail;
  if (error)
    std::rethrow_exception(error);
  return acc;
}

/// The loop spice-rewrite emits for `spice::parallel_for(first, last, body)`
/// in parallel code.
template <class A, class B, class Body>
void parallel_for(Task::Worker worker, Task::Tail tail, A first, B last,
                  Body &&body) {
  using Range = LoopRange<A, B>;
  using L = Loop<Range, std::remove_reference_t<Body>, NoAcc, NoAcc>;
  Range range(first, last);
  if (range.size == 0)
    return;
  static const NoAcc none{};
  L loop{range, body, none, nullptr};
  run_part(loop, worker, tail, 0, range.size);
}

/// The loop spice-rewrite emits for `spice::parallel_reduce(first, last,
/// identity, body, combine)` in parallel code.
template <class A, class B, class T, class Body, class Combine>
T parallel_reduce(Task::Worker worker, Task::Tail tail, A first, B last,
                  T identity, Body &&body, Combine &&combine) {
  static_assert(std::is_copy_constructible_v<T>,
                "parallel_reduce: every piece of the range folds from a copy "
                "of the identity, so its type must be copyable");
  using Range = LoopRange<A, B>;
  using L = Loop<Range, std::remove_reference_t<Body>, T,
                 std::remove_reference_t<Combine>>;
  Range range(first, last);
  if (range.size == 0)
    return identity;
  L loop{range, body, identity, &combine};
  return run_part(loop, worker, tail, 0, range.size);
}

/// parallel_for called from ordinary code: runs on the current worker, or
/// on the default pool, like a parallel function's entry point.
template <class A, class B, class Body>
void parallel_for_entry(A first, B last, Body &&body) {
  run_parallel([&](Task task) {
    parallel_for(task.worker(), task.tail(), first, last, body);
  });
}

/// parallel_reduce called from ordinary code.
template <class A, class B, class T, class Body, class Combine>
T parallel_reduce_entry(A first, B last, T identity, Body &&body,
                        Combine &&combine) {
  return run_parallel([&](Task task) {
    return parallel_reduce(task.worker(), task.tail(), first, last,
                           std::move(identity), body, combine);
  });
}

} // namespace spice::detail

#endif // SPICE_DETAIL_LOOP_H
