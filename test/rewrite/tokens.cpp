// Where the tool edits next to the user's tokens it reads tokens, not
// characters: comments, odd blanks and line breaks around an attribute, a
// 'const' or a loop's arguments change nothing. The output compiles.
// RUN: rm -rf %t && mkdir -p %t && %strip-checks %s -o %t/tokens.cpp
// RUN: %spice-rewrite %t/tokens.cpp --no-line-directives -o %t/out.cpp
// RUN: FileCheck %s < %t/out.cpp
// RUN: FileCheck %s --check-prefix=SPACE --strict-whitespace < %t/out.cpp
// RUN: %cxx-gcc -fsyntax-only -I%spice-include %t/out.cpp
#include <spice/spice.h>

#include <vector>

int twice(int x) { return 2 * x; }
using Fn = int (*)(int);
Fn pick(int) { return twice; }

// The whole attribute list goes, whatever is inside it; the entry point's
// declaration comes before the list, not inside it.
[[spice::parallel( /* no arguments ) */ )]] int a1(int n) { return n; }
// CHECK: {{^}}int a1(int n);
// CHECK-NEXT: // spice: parallel version of a1
// CHECK-NEXT: {{^}}static inline int spice_body_a1(spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, int n) {

[[ /* hot */ spice::parallel ]] int a2(int n) { return n; }
// CHECK: {{^}}int a2(int n);
// CHECK-NEXT: // spice: parallel version of a2
// CHECK-NEXT: {{^}}static inline int spice_body_a2(

[[
    // why: it recurses
    spice::parallel
]]
int a3(int n) { return n; }
// CHECK: {{^}}int a3(int n);
// CHECK-NEXT: // spice: parallel version of a3
// CHECK-NOT: ]]
// CHECK: {{^}}static inline int spice_body_a3(

// Next to other attributes: only it and one comma go.
[[spice::parallel /* x */, nodiscard]] int a4(int n) { return n; }
// CHECK: {{^}}int a4(int n);
// CHECK-NEXT: // spice: parallel version of a4
// CHECK-NEXT: {{^}}{{\[\[}}nodiscard{{\]\]}} static inline int spice_body_a4(

[[nodiscard, /* y */ spice::parallel]] int a5(int n) { return n; }
// CHECK: {{^}}int a5(int n);
// CHECK-NEXT: // spice: parallel version of a5
// CHECK-NEXT: {{^}}{{\[\[}}nodiscard{{\]\]}} static inline int spice_body_a5(

// A '(' in a comment between the attribute's scope and name is no argument.
[[spice:: /*(*/ parallel]] int a6(int n) { return n; }
// CHECK: {{^}}static inline int spice_body_a6(

// The top-level 'const' of a declared result is dropped (the join assigns
// the variable): found by the type's structure, not by counting brackets.
[[spice::parallel]] int consts(int n) {
  int /*(*/ const x = spice::spawn(twice, n);
  int (*const fp)(int) = spice::spawn(pick, n);
  const char *const s = spice::spawn([] { return "s"; });
  const std::vector<const int *> v = spice::spawn([] { return std::vector<const int *>(); });
  spice::sync();
  return fp(x) + s[0] + static_cast<int>(v.size());
}
// CHECK: auto spice_fut_x = spice::detail::spawn(spice_task, spice_call_x);
// CHECK-NEXT: int /*(*/ x;
// CHECK: auto spice_fut_fp = spice::detail::spawn(spice_task, spice_call_fp);
// CHECK-NEXT: int (*fp)(int);
// CHECK: auto spice_fut_s = spice::detail::spawn(spice_task, spice_call_s);
// CHECK-NEXT: const char *s;
// CHECK: auto spice_fut_v = spice::detail::spawn(spice_task, spice_call_v);
// CHECK-NEXT: std::vector<const int *> v;

// The context arguments go after the '(' with one blank, or none where one
// (or a line break) follows already.
[[spice::parallel]] long loops(std::vector<long> &v) {
  spice::parallel_for( /*from*/ 0, (int)v.size(), [&](int i) { v[i] += 1; });
  spice::parallel_for( // the whole range
      0, (int)v.size(), [&](int i) { v[i] += 1; });
  return v[0];
}
// SPACE: parallel_for(spice_task.worker(), spice_task.tail(), /*from*/ 0,
// SPACE: parallel_for(spice_task.worker(), spice_task.tail(), // the whole range{{$}}

int main() {
  std::vector<long> v(4);
  int r = a1(1) + a2(2) + a3(3) + a4(4) + a5(5) + a6(6) + consts(7);
  return r + static_cast<int>(loops(v));
}
