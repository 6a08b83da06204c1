// A compiler warning inside a spawn's arguments is reported at the spawn's
// line: every generated line carries its own #line, so the later lines of a
// multi-line snippet do not count as the user lines after it.
// RUN: rm -rf %t && mkdir -p %t && %strip-checks %s -o %t/warn.cpp
// RUN: %spice-rewrite %t/warn.cpp -o %t/out.cpp
// RUN: FileCheck %s --check-prefix=REWRITTEN < %t/out.cpp
// RUN: %cxx-clang -Wno-error -fsyntax-only -I%spice-include %t/out.cpp 2>&1 | FileCheck %s --implicit-check-not=warning:
// RUN: %cxx-gcc -Wno-error -fsyntax-only -I%spice-include %t/out.cpp 2>&1 | FileCheck %s --implicit-check-not=warning:
#include <spice/spice.h>

static long f(bool b) { return b ? 1 : 0; }
static void g(bool b, long &out) { out = b; }

[[spice::parallel]] long par(int n, unsigned u) {
  long a = spice::spawn(f, n < u);
  // CHECK-DAG: warn.cpp:[[@LINE-1]]:{{[0-9]+}}: warning: comparison of {{.*}} [-Wsign-compare]
  long b;
  b = spice::spawn(f, n > u);
  // CHECK-DAG: warn.cpp:[[@LINE-1]]:{{[0-9]+}}: warning: comparison of {{.*}} [-Wsign-compare]
  long c = 0;
  spice::spawn(g, n <= u, c);
  // CHECK-DAG: warn.cpp:[[@LINE-1]]:{{[0-9]+}}: warning: comparison of {{.*}} [-Wsign-compare]
  long d[4] = {};
  for (int i = 0; i < 4; ++i)
    d[i] = spice::spawn(f, i >= u);
  // CHECK-DAG: warn.cpp:[[@LINE-1]]:{{[0-9]+}}: warning: comparison of {{.*}} [-Wsign-compare]
  spice::sync();
  long e = spice::spawn([n, u] { return f(n < u); });
  // CHECK-DAG: warn.cpp:[[@LINE-1]]:{{[0-9]+}}: warning: comparison of {{.*}} [-Wsign-compare]
  spice::sync();
  return a + b + c + d[0] + e;
}
// The warnings come from generated code.
// REWRITTEN: spice_group.fork(
