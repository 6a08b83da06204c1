// The one-call form needs a call with a result: spawn(f(x)) with f void gets
// the tool's error at the spawn (after the parse), not Clang's failure
// inside serial.h. Other failed calls of spawn keep Clang's diagnostics.
// RUN: not %spice-rewrite %s 2>&1 | FileCheck %s --implicit-check-not=error:
// CHECK-NOT: cannot form a reference to 'void'
#include <spice/spice.h>

static void bump(int &x) { ++x; }
static int twice(int x) { return 2 * x; }

[[spice::parallel]] int void_call(int x) {
  spice::spawn(bump(x));
  // CHECK-DAG: void_one_call.cpp:[[@LINE-1]]:3: error: the one-call form 'spice::spawn(f(args...))' needs a call that returns a value, and this one is void; spawn a void function as 'spice::spawn(f, args...)'
  int y = spice::spawn();
  // CHECK-DAG: void_one_call.cpp:[[@LINE-1]]:11: error: no matching function for call to 'spawn'
  // CHECK-DAG: note: candidate function template not viable: requires at least 2 arguments
  spice::sync();
  return x + y + twice(x);
}
