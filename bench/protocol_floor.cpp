// Spice's fork/join protocol written by hand for the tree sum and fib
// (protocol_floor.h says what it is for). The kernels have the shape of what
// spice-rewrite emits for bench/systems/spice.cpp, so that the two differ
// only in the protocol: an internal inline body GCC can inline into itself,
// a tick before each parallel call, the spawned call's record in a scope
// that ends before the join's fallback call (so GCC can turn that call into
// a loop), and the slow paths out of line.
#include "protocol_floor.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace protocol_floor {
namespace {

struct Worker;

/// A call another worker could run. Lives in its record, on the stack of
/// the frame that forked it, linked into its worker's list from the fork to
/// the join.
struct Job {
  /// What a taker runs. The heartbeat moves it to the taker and leaves null
  /// behind: that is how the join learns that the job was taken, with one
  /// load of a word its own frame wrote.
  void (*handler)(Worker *taker, Job *job);
  /// The list is doubly linked with a sentinel head, so that push and pop
  /// are branch-free and the heartbeat finds the oldest job at head.next.
  Job *prev;
  Job *next;
};

struct Worker {
  /// Set by a heartbeat thread, polled by tick(). Nothing sets it here.
  std::atomic<bool> heartbeat{false};
  Job head{nullptr, nullptr, nullptr};
};

std::atomic<std::uint64_t> beats{0};

// Out of line and opaque (noipa): the compiler must assume a heartbeat
// thread, a taker and a waiting join exist, as in a real runtime.

/// The worker the calling thread runs as.
[[gnu::noipa]] Worker *this_worker() {
  static Worker one;
  return &one;
}

/// The heartbeat's work on the worker: share the oldest job. With no other
/// worker to share with, it only acknowledges the beat.
[[gnu::noipa, gnu::cold]] void on_heartbeat(Worker *w, Job *) {
  beats.fetch_add(1, std::memory_order_relaxed);
  w->heartbeat.store(false, std::memory_order_relaxed);
}

/// A join whose job was taken: would wait for the taker and unlink the job.
/// Never reached here, since nothing shares.
[[gnu::noipa, gnu::cold]] void wait_taken(Worker *, Job *, Job *) {
  std::fprintf(stderr, "protocol_floor: a job was taken with no taker\n");
  std::abort();
}

inline void tick(Worker *w, Job *tail) {
  if (__builtin_expect(w->heartbeat.load(std::memory_order_relaxed), 0))
    on_heartbeat(w, tail);
}

/// Appends `job` after `tail`.
inline void push(Job *job, Job *tail, void (*handler)(Worker *, Job *)) {
  job->handler = handler;
  job->prev = tail;
  job->next = nullptr;
  tail->next = job;
}

/// A spawned call's record: the job first, then the argument and the slot a
/// taker writes its result to.
template <class Arg> struct Record {
  Job job;
  Arg arg;
  std::int64_t result;
};

std::int64_t fib_body(Worker *w, Job *tail, int n);

void fib_run(Worker *taker, Job *job) {
  auto *rec = reinterpret_cast<Record<int> *>(job);
  rec->result = fib_body(taker, &taker->head, rec->arg);
}

inline std::int64_t fib_body(Worker *w, Job *tail, int n) {
  if (n < 2)
    return n;
  tick(w, tail);
  std::int64_t b;
  int a_arg;
  {
    Record<int> rec;
    rec.arg = n - 1;
    push(&rec.job, tail, fib_run); // spawn fib(n - 1)
    b = fib_body(w, &rec.job, n - 2);
    if (__builtin_expect(rec.job.handler == nullptr, 0)) {
      wait_taken(w, tail, &rec.job);
      return rec.result + b;
    }
    tail->next = nullptr; // pop
    a_arg = rec.arg;
  }
  return fib_body(w, tail, a_arg) + b;
}

std::int64_t tree_body(Worker *w, Job *tail, const tree::Node *node);

void tree_run(Worker *taker, Job *job) {
  auto *rec = reinterpret_cast<Record<const tree::Node *> *>(job);
  rec->result = tree_body(taker, &taker->head, rec->arg);
}

inline std::int64_t tree_body(Worker *w, Job *tail, const tree::Node *node) {
  std::int64_t res = node->val;
  if (node->left && node->right) {
    tick(w, tail);
    const tree::Node *right;
    {
      Record<const tree::Node *> rec;
      rec.arg = node->right;
      push(&rec.job, tail, tree_run); // spawn the right sum
      res += tree_body(w, &rec.job, node->left);
      if (__builtin_expect(rec.job.handler == nullptr, 0)) {
        wait_taken(w, tail, &rec.job);
        return res + rec.result;
      }
      tail->next = nullptr; // pop
      right = rec.arg;
    }
    return res + tree_body(w, tail, right);
  }
  if (node->left) {
    tick(w, tail);
    res += tree_body(w, tail, node->left);
  }
  if (node->right) {
    tick(w, tail);
    res += tree_body(w, tail, node->right);
  }
  return res;
}

} // namespace

std::int64_t tree_sum(const tree::Node *root) {
  Worker *w = this_worker();
  return tree_body(w, &w->head, root);
}

std::int64_t fib(int n) {
  Worker *w = this_worker();
  return fib_body(w, &w->head, n);
}

std::uint64_t heartbeats() { return beats.load(std::memory_order_relaxed); }

} // namespace protocol_floor
