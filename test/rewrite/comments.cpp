// Comments between the tokens of a spawn, a sync and a call do not stop
// the rewrite (the tool lexes instead of scanning characters).
// RUN: %spice-rewrite %S/Inputs/comments.cpp --no-line-directives | FileCheck %s

// CHECK: auto spice_call_a = spice::detail::record(
// CHECK: auto spice_fut_a = spice::detail::spawn(spice_task, spice_call_a);
// CHECK-NEXT: long b = spice_body_fib /*c*/ (spice_task.worker(), spice_task.tail(), n - 2);
// CHECK: auto spice_call_c =
// CHECK-NEXT: spice::detail::record([spice_arg0 = n](spice::Task) mutable {
// CHECK: auto spice_fut_c = spice::detail::spawn(spice_task, spice_call_c);
// CHECK: // spice: sync: each call runs here unless another worker took it
// CHECK: if (!spice_fut_a.join_into(spice_task, &a))

// Default arguments with comments around their '=' leave the entry point.
// CHECK: template <class T> T dflt(T n, T m /*e*/) {
