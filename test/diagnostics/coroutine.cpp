// Coroutine keywords in a parallel function (parsed as C++20).
// RUN: not %spice-rewrite %s -- -std=c++20 2>&1 | FileCheck %s
#include <coroutine>
#include <spice/spice.h>

struct Gen {
  struct promise_type {
    Gen get_return_object() { return {}; }
    std::suspend_never initial_suspend() { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_value(int) {}
    std::suspend_always yield_value(int) { return {}; }
    void unhandled_exception() {}
  };
};

[[spice::parallel]] Gen g(int n) {
  co_yield n;
  // CHECK: coroutine.cpp:[[@LINE-1]]:3: error: 'co_yield' in a {{\[\[}}spice::parallel{{\]\]}} function
  co_return n;
  // CHECK: coroutine.cpp:[[@LINE-1]]:3: error: 'co_return' in a {{\[\[}}spice::parallel{{\]\]}} function
}
