// Lambdas and function objects as callees (by value and by reference),
// reference parameters binding the caller's objects, a result assigned to
// an lvalue evaluated at the spawn, unqualified spawn/sync via using. A
// lambda and a function object that call back into a parallel function make
// a tree big enough that other workers run some of them.
// RUN: %run-spice %t %s | FileCheck %s
#include <spice/spice.h>

#include <cstdio>
#include <string>

using spice::spawn;
using spice::sync;

struct Scale {
  int factor;
  int operator()(int x) const { return x * factor; }
};

static void append(std::string &out, const std::string &what) { out += what; }

[[spice::parallel]] int work(int n) {
  int base = n * 10;
  auto add = [base](int x) { return base + x; };
  int results[3] = {};
  int i = 0;
  results[i++] = spawn(add, 1);
  results[i++] = spawn([&base](int x) { return base * x; }, 2);
  Scale scale{7};
  results[i] = spawn(scale, n);
  std::string left, right;
  spawn(append, left, std::string("left"));
  spawn(append, right, "right");
  sync();
  std::printf("%s %s\n", left.c_str(), right.c_str());
  return results[0] + results[1] + results[2];
}

[[spice::parallel]] long leaves(int depth);

struct Subtree {
  long operator()(int depth) const { return leaves(depth - 1); }
};

[[spice::parallel]] long leaves(int depth) {
  if (depth == 0)
    return 1;
  long a = spawn([depth] { return leaves(depth - 1); });
  long b = spawn(Subtree{}, depth);
  sync();
  return a + b;
}

int main() {
  std::printf("work %d\n", work(4));
  std::printf("leaves %ld\n", leaves(21));
}
// CHECK: left right
// CHECK-NEXT: work 149
// CHECK-NEXT: leaves 2097152
