// parallel_reduce with non-trivial result types: a std::string built by
// concatenation (its text shows the order pieces are combined in) and a
// struct whose combine checks that the left part ends where the right one
// starts. Pieces are folded from copies of the identity and combined in
// range order: the result is the serial one. Over integers and over
// iterators, in main and in a parallel function.
// RUN: %run-spice %t %s | FileCheck %s
#include "Inputs/loop_work.h"

#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

/// The indices [lo, hi) that went into a value, if they are one run.
struct Span {
  long lo = 0, hi = 0;
  bool empty = true, ordered = true;
  std::uint64_t sum = 0;
};

static Span join(Span a, Span b) {
  if (a.empty)
    return b;
  if (b.empty)
    return a;
  Span r;
  r.empty = false;
  r.lo = a.lo;
  r.hi = b.hi;
  r.ordered = a.ordered && b.ordered && a.hi == b.lo;
  r.sum = a.sum + b.sum;
  return r;
}

[[spice::parallel]] Span spans(long n) {
  return spice::parallel_reduce(
      0L, n, Span(),
      [](long i) {
        Span s;
        s.lo = i;
        s.hi = i + 1;
        s.empty = false;
        s.sum = work(i) % 100;
        return s;
      },
      join);
}

int main() {
  // One letter per index: the string spells the range in order.
  std::string text = spice::parallel_reduce(
      0, 30000, std::string(),
      [](int i) { return std::string(1, char('a' + work(i) % 26)); },
      [](std::string a, const std::string &b) { return a + b; });
  std::uint64_t h = 0;
  for (char c : text)
    h = h * 131 + c;
  std::printf("text %zu %llu %s\n", text.size(), (unsigned long long)h,
              text.substr(0, 12).c_str());

  Span s = spans(40000);
  std::printf("span [%ld, %ld) %s sum %llu\n", s.lo, s.hi,
              s.ordered ? "in order" : "OUT OF ORDER",
              (unsigned long long)s.sum);

  // Iterators: body(*it); an identity that is not zero counts once.
  std::vector<long> values(20000);
  for (long i = 0; i < 20000; ++i)
    values[i] = i;
  std::string digits = spice::parallel_reduce(
      values.begin(), values.end(), std::string(">"),
      [](long v) {
        return work(v) % 5 == 0 ? std::to_string(v % 10) : std::string();
      },
      [](std::string a, std::string b) {
        // The identity ">" may only come first: a piece folded from a copy
        // of it is combined as a right operand.
        if (!b.empty() && b[0] == '>')
          b.erase(0, 1);
        return a + b;
      });
  std::printf("digits %zu %s\n", digits.size(), digits.substr(0, 10).c_str());
}
// CHECK: text 30000 {{[0-9]+}} {{[a-z]+}}
// CHECK-NEXT: span [0, 40000) in order sum {{[0-9]+}}
// CHECK-NEXT: digits {{[0-9]+}} >{{[0-9]+}}
