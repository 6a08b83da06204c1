// A function whose spawns go to a spawn group syncs the group at each exit,
// but not again right after a sync: no spawn and no label (a jump target)
// between them means the group is empty there. Anything in between keeps
// the exit's sync.
// RUN: rm -rf %t && mkdir -p %t && %strip-checks %s -o %t/group_sync.cpp
// RUN: %spice-rewrite %t/group_sync.cpp --no-line-directives -o %t/out.cpp
// RUN: FileCheck %s < %t/out.cpp
// RUN: %cxx-gcc -fsyntax-only -I%spice-include %t/out.cpp
#include <spice/spice.h>

void f(int) {}

// Sync, then the end of the function.
[[spice::parallel]] void tail_sync(int n) {
  for (int k = 0; k < n; ++k)
    spice::spawn(f, k);
  spice::sync();
}
// CHECK-LABEL: static inline void spice_body_tail_sync(
// CHECK: spice_group.sync(spice_task);
// CHECK-NEXT: }

// Sync, then a return in a branch and one at the end; a second sync.
[[spice::parallel]] int branch_return(int n) {
  for (int k = 0; k < n; ++k)
    spice::spawn(f, k);
  spice::sync();
  if (n > 10)
    return 1;
  spice::sync();
  return 0;
}
// CHECK-LABEL: static inline int spice_body_branch_return(
// CHECK: spice_group.sync(spice_task);
// CHECK-NEXT: if (n > 10)
// CHECK-NEXT: return 1;
// CHECK-NEXT: /* spice: sync: nothing to wait for */;
// CHECK-NEXT: return 0;
// CHECK-NEXT: }

// A spawn after the sync: the exit syncs.
[[spice::parallel]] int spawn_after(int n) {
  for (int k = 0; k < n; ++k)
    spice::spawn(f, k);
  spice::sync();
  if (n > 10)
    spice::spawn(f, n);
  return 0;
}
// CHECK-LABEL: static inline int spice_body_spawn_after(
// CHECK: // spice: sync before returning
// CHECK-NEXT: spice_group.sync(spice_task);
// CHECK-NEXT: return 0; }

// A case label after the sync: a jump from before it skips the sync.
[[spice::parallel]] int case_after(int n) {
  switch (n) {
  case 0:
    for (int k = 0; k < 3; ++k)
      spice::spawn(f, k);
    spice::sync();
  case 1:
    return 1;
  }
  return 0;
}
// CHECK-LABEL: static inline int spice_body_case_after(
// CHECK: case 1:
// CHECK-NEXT: {
// CHECK-NEXT: // spice: sync before returning
// CHECK-NEXT: spice_group.sync(spice_task);
// CHECK-NEXT: return 1; }

// A sync in the try block does not cover a return in its handler (the
// throw may come before the sync), nor one after the try statement.
[[spice::parallel]] int in_handler(int n) {
  try {
    for (int k = 0; k < n; ++k)
      spice::spawn(f, k);
    spice::sync();
  } catch (...) {
    return -1;
  }
  return 0;
}
// CHECK-LABEL: static inline int spice_body_in_handler(
// CHECK: } catch (...) { spice_task.reset_tail();
// CHECK-NEXT: {
// CHECK-NEXT: // spice: sync before returning
// CHECK-NEXT: spice_group.sync(spice_task);
// CHECK-NEXT: return -1; }
// CHECK-NEXT: }
// CHECK-NEXT: {
// CHECK-NEXT: // spice: sync before returning
// CHECK-NEXT: spice_group.sync(spice_task);
// CHECK-NEXT: return 0; }

// In a loop after a sync: the loop comes back around from the spawn.
[[spice::parallel]] int in_loop(int n) {
  spice::spawn(f, n);
  spice::sync();
  for (int k = 0; k < n; ++k) {
    if (k == 5)
      return 5;
    spice::spawn(f, k);
  }
  spice::sync();
  return 0;
}
// CHECK-LABEL: static inline int spice_body_in_loop(
// CHECK: if (k == 5)
// CHECK-NEXT: {
// CHECK-NEXT: // spice: sync before returning
// CHECK-NEXT: spice_group.sync(spice_task);
// CHECK-NEXT: return 5; }
// CHECK: spice_group.sync(spice_task);
// CHECK-NEXT: return 0;
// CHECK-NEXT: }

int main() {
  tail_sync(3);
  return branch_return(3) + spawn_after(3) + case_after(1) + in_handler(2) +
         in_loop(7);
}
