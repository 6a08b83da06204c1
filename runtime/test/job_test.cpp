// The worker-local job list: states and the push/pop invariants.
#include <spice/detail/job.h>
#include <spice/runtime.h>

#include <gtest/gtest.h>

namespace spice::detail {
namespace {

void handler_a(Task, Job *) {}
void handler_b(Task, Job *) {}

TEST(JobList, NewJobIsPending) {
  Job job;
  EXPECT_TRUE(job.pending());
  EXPECT_FALSE(job.queued());
  EXPECT_EQ(job.handler, nullptr);
  EXPECT_EQ(job.prev, nullptr);
  EXPECT_EQ(job.next_or_state, nullptr);
  // Three words: the fast path depends on it staying small.
  EXPECT_EQ(sizeof(Job), 3 * sizeof(void *));
}

TEST(JobList, PushQueuesAtTheTail) {
  WorkerHot worker;
  Job *tail = &worker.head;
  Job a, b, c;
  push(&a, tail, &handler_a);
  EXPECT_EQ(tail, &a);
  EXPECT_TRUE(a.queued());
  EXPECT_FALSE(a.pending());
  EXPECT_EQ(a.handler, &handler_a);
  EXPECT_EQ(a.prev, &worker.head);
  EXPECT_EQ(a.next_or_state, nullptr);
  EXPECT_EQ(worker.head.next_or_state, &a);

  push(&b, tail, &handler_b);
  push(&c, tail, &handler_a);
  EXPECT_EQ(tail, &c);
  // Oldest first from the head, newest at the tail.
  EXPECT_EQ(worker.head.next_or_state, &a);
  EXPECT_EQ(a.next_or_state, &b);
  EXPECT_EQ(b.next_or_state, &c);
  EXPECT_EQ(c.next_or_state, nullptr);
  EXPECT_EQ(c.prev, &b);
  EXPECT_EQ(b.prev, &a);
  EXPECT_EQ(b.handler, &handler_b);
}

TEST(JobList, PopRestoresThePreviousTail) {
  WorkerHot worker;
  Job *tail = &worker.head;
  Job a, b;
  push(&a, tail, &handler_a);
  push(&b, tail, &handler_b);

  pop(&b, tail);
  EXPECT_EQ(tail, &a);
  EXPECT_TRUE(b.pending());
  EXPECT_FALSE(b.queued());
  EXPECT_EQ(a.next_or_state, nullptr);
  EXPECT_TRUE(a.queued());

  pop(&a, tail);
  EXPECT_EQ(tail, &worker.head);
  EXPECT_TRUE(a.pending());
  EXPECT_EQ(worker.head.next_or_state, nullptr);

  // A popped job can be pushed again.
  push(&a, tail, &handler_b);
  EXPECT_TRUE(a.queued());
  EXPECT_EQ(a.handler, &handler_b);
  EXPECT_EQ(worker.head.next_or_state, &a);
}

TEST(JobList, ExecutingState) {
  // What the heartbeat does when it shares the oldest job: unlink it from
  // the front and point it at its execution state.
  WorkerHot worker;
  Job *tail = &worker.head;
  Job a, b;
  push(&a, tail, &handler_a);
  push(&b, tail, &handler_b);

  alignas(16) static char state_storage[64];
  ExecState *state = reinterpret_cast<ExecState *>(state_storage);
  worker.head.next_or_state = &b;
  b.prev = &worker.head;
  a.prev = nullptr;
  a.next_or_state = state;

  EXPECT_FALSE(a.queued());
  EXPECT_FALSE(a.pending());
  EXPECT_EQ(a.exec_state(), state);
  // The rest of the list is untouched, and b can still be popped.
  EXPECT_TRUE(b.queued());
  pop(&b, tail);
  EXPECT_EQ(tail, &worker.head);
  EXPECT_EQ(worker.head.next_or_state, nullptr);
  EXPECT_FALSE(a.pending());
}

TEST(JobList, HeartbeatFlagStartsClear) {
  WorkerHot worker;
  EXPECT_FALSE(worker.heartbeat.load());
  EXPECT_TRUE(worker.head.pending());
  EXPECT_EQ(worker.head.next_or_state, nullptr);
}

} // namespace
} // namespace spice::detail
