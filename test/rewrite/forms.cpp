// Assignment spawns (variable and element), statement spawns, several
// futures at a sync, syncs at return, break and the end of a block, catch
// handlers, and a parallel function without spawns.
// RUN: rm -rf %t && mkdir -p %t && %strip-checks %s -o %t/forms.cpp
// RUN: %spice-rewrite %t/forms.cpp --no-line-directives | FileCheck %s
#include <spice/spice.h>

int f(int x) { return x; }
void g(int &x) { ++x; }

[[spice::parallel]] int helper(int x) { return f(x); }
// No parallel operation, no tick.
// CHECK: static inline int spice_body_helper(spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, int x) { spice::Task spice_task(spice_worker, spice_tail); return f(x); }

[[spice::parallel]] int forms(int *out, int i) {
  int x;
  x = spice::spawn(f, 1);
  // The first statement that spawns ticks first.
  // CHECK: {{^}}  int x;
  // CHECK-NEXT: {{^}}  spice_task.tick(); // spice: spawn f(1) into x
  // CHECK-NEXT: auto spice_call_x =
  // CHECK-NEXT: spice::detail::record([spice_arg0 = 1](spice::Task) mutable {
  // CHECK-NEXT: return f(std::move(spice_arg0));
  // CHECK-NEXT: });
  // CHECK-NEXT: auto spice_fut_x = spice::detail::spawn(spice_task, spice_call_x);
  out[i] = spice::spawn(helper, i);
  // The arguments are captured before the destination is bound (C++17
  // order), the destination before the spawn.
  // CHECK: auto spice_call_out =
  // CHECK-NEXT: spice::detail::record([spice_arg0 = i](spice::Task spice_task) mutable {
  // CHECK-NEXT: return spice_parallel_helper(spice_task.worker(), spice_task.tail(),
  // CHECK-NEXT: std::move(spice_arg0));
  // CHECK-NEXT: });
  // CHECK-NEXT: auto &spice_dst_out = out[i];
  // CHECK-NEXT: auto spice_fut_out = spice::detail::spawn(spice_task, spice_call_out);
  int y = 0;
  spice::spawn(g, y);
  // CHECK: auto spice_call_g = spice::detail::record(
  // CHECK-NEXT: [&spice_arg0 = y](spice::Task) mutable { return g(spice_arg0); });
  // CHECK-NEXT: auto spice_fut_g = spice::detail::spawn(spice_task, spice_call_g);
  spice::sync();
  // Results dropped are not named as outputs.
  // CHECK: spice::SyncErrors spice_errors;
  // CHECK-NEXT: spice_errors.outputs(&spice_dst_out, &x);
  // CHECK-NEXT: spice_errors.run([&] {
  // CHECK-NEXT: if (!spice_fut_g.join_into(spice_task))
  // CHECK-NEXT: (void)spice_fut_g.call(spice_task);
  // CHECK: if (!spice_fut_out.join_into(spice_task, &spice_dst_out))
  // CHECK-NEXT: spice_dst_out = spice_fut_out.call(spice_task);
  // CHECK: if (!spice_fut_x.join_into(spice_task, &x))
  // CHECK-NEXT: x = spice_fut_x.call(spice_task);
  // CHECK: spice_errors.rethrow();
  try {
    int z = spice::spawn(f, 3);
    if (i > 100)
      return z;
    spice::sync();
  } catch (...) {
    return -1;
  }
  // CHECK: } catch (...) { spice_task.reset_tail();
  // A loop that spawns ticks at the start of each iteration.
  // CHECK: for (int k = 0; k < 3; ++k) { spice_task.tick();{{$}}
  for (int k = 0; k < 3; ++k) {
    int w = spice::spawn(f, k);
    if (k == 1)
      break;
    // CHECK: if (k == 1)
    // CHECK-NEXT: {
    // CHECK-NEXT: // spice: sync before leaving the loop
    // CHECK-NEXT: if (!spice_fut_w.join_into(spice_task, &w))
    // CHECK-NEXT: w = spice_fut_w.call(spice_task);
    // CHECK-NEXT: break; }
    if (w > 5)
      return w;
  }
  // CHECK: // spice: sync at the end of the block
  // CHECK-NEXT: if (!spice_fut_w.join_into(spice_task, &w))
  return x + y;
}

[[spice::parallel]] long loop(int n) {
  long total = 0;
  for (int k = 0; k < n; ++k)
    spice::spawn(f, k);
  spice::sync();
  return total;
}
// CHECK: static inline long spice_body_loop(spice::Task::Worker spice_worker, spice::Task::Tail spice_tail, int n) { spice::Task spice_task(spice_worker, spice_tail); spice::SpawnGroup spice_group;{{$}}
// CHECK-NEXT: long total = 0;
// CHECK-NEXT: {{^ +}}for (int k = 0; k < n; ++k)
// CHECK-NEXT: { spice_task.tick(); // spice: spawn f(k)
// CHECK-NEXT: spice_group.fork(spice_task, [spice_arg0 = k](spice::Task) mutable {
// CHECK-NEXT: return f(std::move(spice_arg0));
// CHECK-NEXT: }); }{{$}}
// CHECK-NEXT: // spice: sync
// CHECK-NEXT: spice_group.sync(spice_task);
// The group is empty after the sync: the return does not sync it again.
// CHECK-NEXT: return total;
// CHECK-NEXT: }
