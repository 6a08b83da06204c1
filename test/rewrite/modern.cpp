// A parallel operator() gets a parallel version named
// spice_parallel_call_operator and is spawned through it; an abbreviated
// template keeps its auto parameter and its entry point deduces; the entry
// point of a template drops every default template argument (also one that
// ends in '>>').
// RUN: %spice-rewrite %S/Inputs/modern.cpp --no-line-directives -- -std=c++20 | FileCheck %s

// CHECK: long spice_parallel_call_operator(spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, int n) const {
// CHECK: auto spice_call_a =
// CHECK-NEXT: spice::detail::record([&spice_fn = *this, spice_arg0 = n - 1](
// CHECK-NEXT: spice::Task spice_task) mutable {
// CHECK-NEXT: return spice_fn.spice_parallel_call_operator(
// CHECK-NEXT: spice_task.worker(), spice_task.tail(), std::move(spice_arg0));
// CHECK: long operator()(int n) const {
// CHECK-NEXT: return spice::run_parallel([&](spice::Task spice_task) -> decltype(auto) {
// CHECK-NEXT: return spice_parallel_call_operator(

// CHECK: long spice_parallel_half(spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, auto n) {
// CHECK: long half(auto n) {
// CHECK: return spice_parallel_half(spice_task.worker(), spice_task.tail(),
// CHECK-NEXT: std::forward<decltype(n)>(n));

// CHECK: template <class T, class V> T twice(T n) {
