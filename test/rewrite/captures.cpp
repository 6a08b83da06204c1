// How spawn arguments are kept: a generic lambda's by-value parameter gets a
// copy made at the spawn, its reference parameter the object; an xvalue
// given to a reference parameter stays the same object, passed as an xvalue.
// RUN: %spice-rewrite %S/Inputs/captures.cpp --no-line-directives | FileCheck %s

// CHECK: auto spice_fut_n = spice::detail::spawn(
// CHECK-NEXT: spice_task,
// CHECK-NEXT: [spice_fn = [](auto x) { return x.size(); }, spice_arg0 = s](
// CHECK-NEXT: spice::Task) mutable { return spice_fn(std::move(spice_arg0)); });
// CHECK: auto spice_fut_spawn = spice::detail::spawn(
// CHECK-NEXT: spice_task, [spice_fn = [](auto &x) { x += "!"; }, &spice_arg0 = s](
// CHECK-NEXT: spice::Task) mutable { return spice_fn(spice_arg0); });
// CHECK: auto spice_fut_a = spice::detail::spawn(
// CHECK-NEXT: spice_task,
// CHECK-NEXT: [&spice_arg0 = spice::detail::lvalue_of(std::move(v))](
// CHECK-NEXT: spice::Task) mutable { return peek(std::move(spice_arg0)); });
// CHECK: auto spice_fut_b = spice::detail::spawn(
// CHECK-NEXT: spice_task,
// CHECK-NEXT: [&spice_arg0 = spice::detail::lvalue_of(std::move(s))](
// CHECK-NEXT: spice::Task) mutable { return look(std::move(spice_arg0)); });
