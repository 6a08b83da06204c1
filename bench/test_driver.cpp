// The benchmark driver's calibration (bench::runs_for).
#include "driver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace {

// A kernel of a few nanoseconds whose first run stalls for 5 ms, as a pool's
// first call or a preempted vCPU can. The stall must not decide the sample
// size: a sample of 20 ms holds millions of such runs, not four.
TEST(RunsFor, OneSlowRunDoesNotShrinkTheSample) {
  int calls = 0;
  bench::Case c;
  c.run = [&] {
    if (calls++ == 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return true;
  };
  int runs = bench::runs_for(c, 0.02, "stall");
  EXPECT_GT(runs, 10000) << "calibrated on the stalled run";
}

TEST(RunsFor, SlowRunsGiveFewRuns) {
  bench::Case c;
  c.run = [] {
    std::this_thread::sleep_for(std::chrono::milliseconds(4));
    return true;
  };
  int runs = bench::runs_for(c, 0.02, "slow");
  EXPECT_GE(runs, 1);
  EXPECT_LE(runs, 5);
}

} // namespace
