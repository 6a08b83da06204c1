// Parallel functions defined in headers that are not rewritten are reported,
// never silently left serial: without --header-dir, and in system headers.
// With --header-dir the header is rewritten and nothing is reported.
// RUN: %spice-rewrite %s -o %t.cpp -- -std=c++17 -I%S/Inputs 2>&1 | FileCheck %s --check-prefix=NODIR
// RUN: %spice-rewrite %s -o %t.cpp -- -std=c++17 -isystem %S/Inputs 2>&1 | FileCheck %s --check-prefix=SYSTEM
// RUN: rm -rf %t.h && %spice-rewrite %s -o %t.cpp --header-dir %t.h -- -std=c++17 -I%S/Inputs 2>&1 | count 0
// RUN: test -f %t.h/serial_header.h
#include <serial_header.h>

[[spice::parallel]] long use(int n) {
  long a = spice::spawn(hfib, n);
  long b = twice(n);
  spice::sync();
  return a + b;
}

// NODIR: serial_header.h:6:33: warning: parallel function 'hfib' is defined in a header that is not rewritten (no --header-dir was given): it runs serially
// NODIR: serial_header.h:15:42: warning: parallel function 'twice' is defined in a header that is not rewritten (no --header-dir was given): it runs serially
// SYSTEM: header_serial.cpp:8:10: warning: parallel function 'hfib' is defined in a system header, which spice-rewrite does not rewrite: it runs serially
// SYSTEM: header_serial.cpp:8:10: warning: parallel function 'twice' is defined in a system header, which spice-rewrite does not rewrite: it runs serially
