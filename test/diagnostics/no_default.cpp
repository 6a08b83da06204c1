// A spawned result whose type has no default constructor is declared at the
// sync of its block: naming it before that is an error, and so is keeping it
// where no block holds it.
// RUN: not %spice-rewrite %s 2>&1 | FileCheck %s
#include <spice/spice.h>

#include <string>

struct Big {
  explicit Big(int v) : v(v) {}
  int v;
};
struct Named {
  explicit Named(int) {}
  std::string name;
};
Big make_big(int v) { return Big(v); }
Named make_named(int v) { return Named(v); }

[[spice::parallel]] int nested_use(bool c) {
  Big x = spice::spawn(make_big, 1);
  if (c) {
    spice::sync();
    return x.v;
    // CHECK: no_default.cpp:[[@LINE-1]]:12: error: 'x' is used before a spice::sync() of its own block: its type 'Big' has no default constructor or assignment, so the variable only exists after such a sync
    // CHECK: no_default.cpp:[[@LINE-5]]:11: note: 'x' is spawned here
  }
  spice::sync();
  return x.v;
}

[[spice::parallel]] void unbraced(int n) {
  for (int i = 0; i < n; ++i)
    Named kept = spice::spawn(make_named, i);
  // CHECK: no_default.cpp:[[@LINE-1]]:18: error: cannot keep this spawned result: 'kept' goes out of scope before the next spice::sync() and its type has a destructor; put the statement in braces
}
