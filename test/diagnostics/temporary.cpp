// A spawn argument that points into a temporary: the temporary dies at the
// end of the spawn statement, while the spawned call may run later.
// RUN: not %spice-rewrite %s 2>&1 | FileCheck %s
#include <spice/spice.h>

#include <string>
#include <vector>

static long count(const char *s) { return s[0]; }
static long sum(const int *p, int n) { return p[0] + n; }
static long first(const int &x) { return x; }
static long copy(int x) { return x; }
static long length(std::string s) { return static_cast<long>(s.size()); }

[[spice::parallel]] long dangling(int k, const std::string &s) {
  long a = spice::spawn(count, (s + "x").c_str());
  // CHECK: temporary.cpp:[[@LINE-1]]:33: error: this spawn argument points into a temporary that is destroyed at the spawn, before the spawned call may run; keep the object in a variable until the sync
  long b = spice::spawn(sum, std::vector<int>(8, k).data(), 8);
  // CHECK: temporary.cpp:[[@LINE-1]]:30: error: this spawn argument points into a temporary
  long c = spice::spawn(count(std::string(3, 'y').c_str()));
  // CHECK: temporary.cpp:[[@LINE-1]]:31: error: this spawn argument points into a temporary
  long d = spice::spawn(first, std::vector<int>(2, k).front());
  // CHECK: temporary.cpp:[[@LINE-1]]:32: error: this spawn argument points into a temporary
  spice::sync();
  return a + b + c + d;
}

// Values copied at the spawn, and objects that outlive the sync, are fine.
[[spice::parallel]] long fine(int k, const std::string &s) {
  std::vector<int> v(8, k);
  long a = spice::spawn(count, s.c_str());
  long b = spice::spawn(sum, v.data(), 8);
  long c = spice::spawn(copy, std::vector<int>(2, k).front());
  long d = spice::spawn(length, s + "x");
  long e = spice::spawn(first, v.front());
  spice::sync();
  return a + b + c + d + e;
}
// CHECK-NOT: error:
// CHECK: 4 errors generated.
