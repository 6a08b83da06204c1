// How spawn arguments are kept: a generic lambda's by-value parameter gets a
// copy made at the spawn, its reference parameter the object; an xvalue
// given to a reference parameter stays the same object, passed as an xvalue.
// RUN: %spice-rewrite %S/Inputs/captures.cpp --no-line-directives | FileCheck %s

// CHECK: auto spice_call_n = spice::detail::record(
// CHECK-NEXT: [spice_fn = [](auto x) { return x.size(); }, spice_arg0 = s](
// CHECK-NEXT: spice::Task) mutable { return spice_fn(std::move(spice_arg0)); });
// CHECK: auto spice_call_spawn = spice::detail::record(
// CHECK-NEXT: [spice_fn = [](auto &x) { x += "!"; },
// CHECK-NEXT: &spice_arg0 = s](spice::Task) mutable { return spice_fn(spice_arg0); });
// CHECK: auto spice_call_a = spice::detail::record(
// CHECK-NEXT: [&spice_arg0 = spice::detail::lvalue_of(std::move(v))](
// CHECK-NEXT: spice::Task) mutable { return peek(std::move(spice_arg0)); });
// CHECK: auto spice_call_b = spice::detail::record(
// CHECK-NEXT: [&spice_arg0 = spice::detail::lvalue_of(std::move(s))](
// CHECK-NEXT: spice::Task) mutable { return look(std::move(spice_arg0)); });
