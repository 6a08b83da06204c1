// A parallel function in its own file, using a header of the project
// (consumer/params.h) and one next to it ("fib_detail.h").
#include "fib_detail.h"

#include <consumer/fib.h>
#include <consumer/params.h>

[[spice::parallel]] long fib(int n) {
  if (n < consumer::kSerialCutoff)
    return consumer::fib_serial(n);
  long a = spice::spawn(fib, n - 1);
  long b = fib(n - 2);
  spice::sync();
  return a + b;
}
