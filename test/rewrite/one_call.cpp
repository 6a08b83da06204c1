// The one-call form of a parallel function returning a class: the call
// itself is spawned (arguments captured, parallel version called in the
// spawned callable), not evaluated at the spawn.
// RUN: %spice-rewrite %S/Inputs/one_call.cpp --no-line-directives | FileCheck %s

// CHECK: auto spice_call_a = spice::detail::record(
// CHECK-NEXT: [spice_arg0 = d - 1, spice_arg1 = k + 1](spice::Task spice_task) mutable {
// CHECK-NEXT: return spice_body_g(spice_task.worker(), spice_task.tail(),
// CHECK-NEXT: std::move(spice_arg0), std::move(spice_arg1));
// CHECK-NEXT: });
// CHECK-NEXT: auto spice_fut_a = spice::detail::spawn(spice_task, spice_call_a);
// CHECK-NEXT: std::vector<int> a;
// CHECK-NEXT: std::vector<int> b = spice_body_g(spice_task.worker(), spice_task.tail(), d - 1, k);
