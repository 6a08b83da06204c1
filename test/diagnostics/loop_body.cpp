// spawn and sync directly in a loop-body lambda are rejected (in a parallel
// function, in ordinary code, in a nested body); so are explicit template
// arguments and spawning a loop. Nothing is written.
// RUN: rm -f %t.out
// RUN: not %spice-rewrite %s -o %t.out 2>&1 | FileCheck %s --implicit-check-not=error:
// RUN: not test -e %t.out
#include <spice/spice.h>

#include <vector>

int f(int x) { return x; }

[[spice::parallel]] int par(std::vector<int> &v) {
  spice::parallel_for(0, 4, [&](int i) {
    v[i] = spice::spawn(f, i);
    // CHECK: loop_body.cpp:[[@LINE-1]]:12: error: 'spice::spawn' cannot be used in the body of 'spice::parallel_for'; its iterations already run in parallel: call a {{\[\[}}spice::parallel{{\]\]}} function from the body
    // CHECK: loop_body.cpp:[[@LINE-3]]:3: note: the loop is here
    spice::sync();
    // CHECK: loop_body.cpp:[[@LINE-1]]:5: error: 'spice::sync' cannot be used in the body of 'spice::parallel_for'
  });
  return v[0];
}

using namespace spice;

int main() {
  std::vector<int> v(4);
  int sum = parallel_reduce(v.begin(), v.end(), 0, [](int x) {
    return x + parallel_reduce(0, x, 0, [](int y) {
      spawn(f, y);
      // CHECK: loop_body.cpp:[[@LINE-1]]:7: error: 'spice::spawn' cannot be used in the body of 'spice::parallel_reduce'
      // CHECK: loop_body.cpp:[[@LINE-3]]:16: note: the loop is here
      return y;
    }, [](int a, int b) { return a + b; });
  }, [](int a, int b) { return a + b; });
  spice::parallel_for<int, int>(0, 3, [](int) {});
  // CHECK: loop_body.cpp:[[@LINE-1]]:3: error: 'spice::parallel_for' cannot be called with explicit template arguments
  return sum + par(v);
}

[[spice::parallel]] int spawned() {
  int total = spice::spawn(spice::parallel_reduce(0, 4, 0, [](int i) { return i; },
                                                  [](int a, int b) { return a + b; }));
  // CHECK: loop_body.cpp:[[@LINE-2]]:15: error: 'spice::parallel_reduce' cannot be spawned; call it directly
  spice::sync();
  return total;
}
