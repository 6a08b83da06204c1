// An exception thrown by a spawned call is rethrown by the sync (the
// earliest spawn's wins); catching it inside the parallel function works,
// and the function keeps spawning afterwards. A spawned call that fails
// after much work (the one another worker takes) fails its caller.
// RUN: %run-spice %t %s | FileCheck %s
#include <spice/spice.h>

#include <cstdio>
#include <stdexcept>
#include <string>

static int checked(int x) {
  if (x < 0)
    throw std::runtime_error("negative " + std::to_string(x));
  return x;
}

[[spice::parallel]] int deep(int n) {
  if (n == 0)
    return checked(-1);
  int a = spice::spawn(deep, n - 1);
  int b = checked(n);
  spice::sync();
  return a + b;
}

[[spice::parallel]] long tree(int depth) {
  if (depth == 0)
    return 1;
  long a = spice::spawn(tree, depth - 1);
  long b = tree(depth - 1);
  spice::sync();
  return a + b;
}

[[spice::parallel]] long failing(int depth) {
  long n = tree(depth);
  throw std::runtime_error("failed after " + std::to_string(n));
}

// The spawn is the oldest job while tree() runs: the one the heartbeat shares.
[[spice::parallel]] long work_then_fail(int depth) {
  long a = spice::spawn(failing, depth);
  long b = tree(depth);
  spice::sync();
  return a + b;
}

[[spice::parallel]] int guarded(int x, int y) {
  try {
    int a = spice::spawn(checked, x);
    int b = spice::spawn(checked, y);
    spice::sync();
    return a + b;
  } catch (const std::exception &e) {
    std::printf("caught: %s\n", e.what());
  }
  int c = spice::spawn(checked, 5);
  spice::sync();
  return c;
}

int main() {
  std::printf("ok %d\n", guarded(1, 2));
  std::printf("one %d\n", guarded(-3, 2));
  std::printf("both %d\n", guarded(-4, -5));
  try {
    deep(12);
  } catch (const std::exception &e) {
    std::printf("deep: %s\n", e.what());
  }
  try {
    work_then_fail(22);
  } catch (const std::exception &e) {
    std::printf("late: %s\n", e.what());
  }
}
// CHECK: ok 3
// CHECK-NEXT: caught: negative -3
// CHECK-NEXT: one 5
// CHECK-NEXT: caught: negative -4
// CHECK-NEXT: both 5
// CHECK-NEXT: deep: negative -1
// CHECK-NEXT: late: failed after 4194304
