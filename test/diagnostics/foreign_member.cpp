// Parallel members defined here whose class is in a header: the header must
// be rewritten (--header-dir) and must mark the member, because every file
// that includes it has to declare the parallel version in the class. No
// false "outside a parallel function" errors for the spawns in them.
// RUN: not %spice-rewrite %s -- -std=c++17 -I%S/Inputs 2>&1 | FileCheck %s --check-prefixes=CHECK,NODIR
// RUN: rm -rf %t && not %spice-rewrite %s --header-dir %t -- -std=c++17 -I%S/Inputs 2>&1 | FileCheck %s --check-prefixes=CHECK,DIR
// RUN: not test -e %t/widget.h
#include <plain_widget.h>
#include <widget.h>

[[spice::parallel]] long PlainWidget::run(long n) const {
  long a = spice::spawn(&PlainWidget::run, this, n - 1);
  spice::sync();
  return a;
}

long Widget::run(long n) const {
  long a = spice::spawn(&Widget::run, this, n - 1);
  spice::sync();
  return a;
}

// CHECK-NOT: outside
// NODIR: foreign_member.cpp:11:39: error: cannot rewrite parallel member function 'run': its class is defined in a file that is not rewritten (no --header-dir was given), where its parallel version must be declared
// DIR: foreign_member.cpp:11:39: error: cannot rewrite parallel member function 'run': its class is defined in a file that is not rewritten (it contains no {{.}}{{.}}spice::parallel{{.}}{{.}} of its own), where its parallel version must be declared
// CHECK: plain_widget.h:5:8: note: mark the member's declaration in 'PlainWidget' {{.}}{{.}}spice::parallel{{.}}{{.}} and rewrite headers with --header-dir (spice_rewrite() does)
// NODIR: foreign_member.cpp:17:14: error: cannot rewrite parallel member function 'run': its class is defined in a file that is not rewritten (no --header-dir was given)
// DIR-NOT: foreign_member.cpp:17
// CHECK-NOT: outside
