// References receiving spawned results: bound at a sync of their block, so
// they cannot be used before it, and the call must return a value.
// RUN: not %spice-rewrite %s 2>&1 | FileCheck %s
#include <spice/spice.h>

#include <string>
#include <utility>

static std::string name(int i) { return std::string(i, 'n'); }
static const std::string global = "g";
static const std::string &get() { return global; }

[[spice::parallel]] long early(int k) {
  const std::string &s = spice::spawn(name, k);
  long n = static_cast<long>(s.size());
  // CHECK: reference.cpp:[[@LINE-1]]:30: error: 's' is used before a spice::sync() of its own block: it is bound to the spawned result there, so the variable only exists after such a sync
  spice::sync();
  return n;
}

[[spice::parallel]] long of_reference(int) {
  const std::string &s = spice::spawn(get);
  // CHECK: reference.cpp:[[@LINE-1]]:22: error: a reference cannot receive a spawned call's reference result; declare a variable of the result type
  spice::sync();
  return static_cast<long>(s.size());
}

[[spice::parallel]] long never_synced(int k) {
  {
    auto &&t = spice::spawn(name, k);
    // CHECK: reference.cpp:[[@LINE-1]]:12: error: a reference receiving a spawned result needs a spice::sync() or return after the spawn in its block
  }
  spice::sync();
  return k;
}

static std::pair<int, int> two(int k) { return {k, k + 1}; }

[[spice::parallel]] int binding_early(int k) {
  auto [a, b] = spice::spawn(two, k);
  int c = b + 1;
  // CHECK: reference.cpp:[[@LINE-1]]:11: error: '[a, b]' is used before a spice::sync() of its own block
  // CHECK: reference.cpp:[[@LINE-2]]:11: error: read of spawned result '[a, b]' before the next spice::sync()
  spice::sync();
  return a + c;
}
