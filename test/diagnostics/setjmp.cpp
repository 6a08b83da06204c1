// setjmp/longjmp in a parallel function.
// RUN: not %spice-rewrite %s 2>&1 | FileCheck %s
#include <csetjmp>
#include <spice/spice.h>

static std::jmp_buf env;

[[spice::parallel]] int g(int n) {
  if (setjmp(env))
    // CHECK: setjmp.cpp:[[@LINE-1]]:7: error: setjmp/longjmp cannot be used in a {{\[\[}}spice::parallel{{\]\]}} function
    return 1;
  if (n)
    std::longjmp(env, 1);
  // CHECK: setjmp.cpp:[[@LINE-1]]:5: error: setjmp/longjmp cannot be used
  return 0;
}
