// The worker-local job list: states, push/pop, and the invariants that
// SPICE_ASSERT checks (docs/runtime.md, "The job list").
#include <spice/detail/job.h>
#include <spice/runtime.h>

#include <gtest/gtest.h>

namespace spice::detail {
namespace {

void handler_a(Task, Job *) {}
void handler_b(Task, Job *) {}

TEST(JobList, NewJobIsPending) {
  Job job;
  EXPECT_FALSE(job.queued());
  EXPECT_EQ(job.handler, nullptr);
  EXPECT_EQ(job.prev, nullptr);
  EXPECT_EQ(job.next, nullptr);
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
  EXPECT_EQ(a.handler, &handler_a);
  EXPECT_EQ(a.prev, &worker.head);
  EXPECT_EQ(a.next, nullptr);
  EXPECT_EQ(worker.head.next, &a);

  push(&b, tail, &handler_b);
  push(&c, tail, &handler_a);
  EXPECT_EQ(tail, &c);
  // Oldest first from the head, newest at the tail.
  EXPECT_EQ(worker.head.next, &a);
  EXPECT_EQ(a.next, &b);
  EXPECT_EQ(b.next, &c);
  EXPECT_EQ(c.next, nullptr);
  EXPECT_EQ(c.prev, &b);
  EXPECT_EQ(b.prev, &a);
  EXPECT_EQ(b.handler, &handler_b);
  EXPECT_EQ(find_tail(&worker), &c);
}

TEST(JobList, PopRestoresThePreviousTail) {
  WorkerHot worker;
  Job *tail = &worker.head;
  Job a, b;
  push(&a, tail, &handler_a);
  push(&b, tail, &handler_b);

  pop(&b, tail);
  EXPECT_EQ(tail, &a);
  EXPECT_FALSE(b.queued());
  EXPECT_EQ(a.next, nullptr);
  EXPECT_TRUE(a.queued());

  pop(&a, tail);
  EXPECT_EQ(tail, &worker.head);
  EXPECT_FALSE(a.queued());
  EXPECT_EQ(worker.head.next, nullptr);

  // A popped job can be pushed again.
  push(&a, tail, &handler_b);
  EXPECT_TRUE(a.queued());
  EXPECT_EQ(a.handler, &handler_b);
  EXPECT_EQ(worker.head.next, &a);
}

TEST(JobList, SharingKeepsTheLinks) {
  // What the heartbeat does when it shares the oldest job, here the tail:
  // it only moves last_shared. A frame that still holds that job as its tail
  // pushes and pops behind it as before (L2, L3).
  WorkerHot worker;
  EXPECT_EQ(worker.last_shared, &worker.head);
  Job *tail = &worker.head;
  Job a, b;
  push(&a, tail, &handler_a);
  worker.last_shared = worker.last_shared->next; // share a, the tail

  push(&b, tail, &handler_b);
  EXPECT_EQ(a.next, &b);
  EXPECT_EQ(b.prev, &a);
  pop(&b, tail);
  EXPECT_EQ(tail, &a);
  EXPECT_EQ(a.handler, &handler_a); // what the taker runs is untouched
  EXPECT_EQ(a.next, nullptr);
  // The owner's join finds its job to be last_shared.
  EXPECT_EQ(worker.last_shared, tail);
}

TEST(JobList, HeartbeatFlagStartsClear) {
  WorkerHot worker;
  EXPECT_FALSE(worker.heartbeat.load());
  EXPECT_FALSE(worker.head.queued());
  EXPECT_EQ(worker.head.next, nullptr);
}

#if SPICE_ASSERTIONS
// The assertions that catch a stale tail, the bug that L1-L3 rule out.
TEST(JobListDeathTest, PushOntoAJobThatIsNotTheTail) {
  WorkerHot worker;
  Job *tail = &worker.head;
  Job a, b;
  push(&a, tail, &handler_a);
  Job *stale = &worker.head; // a frame that missed the push of a
  EXPECT_DEATH(push(&b, stale, &handler_b),
               "invariant 'tail->next == nullptr'");
}

TEST(JobListDeathTest, PopOfAJobThatIsNotTheTail) {
  WorkerHot worker;
  Job *tail = &worker.head;
  Job a, b;
  push(&a, tail, &handler_a);
  push(&b, tail, &handler_b);
  Job *wrong = &a;
  EXPECT_DEATH(pop(&a, wrong), "invariant");
}
#endif

} // namespace
} // namespace spice::detail
