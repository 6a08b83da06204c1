// A parallel function in its own file, using a header of the project
// (consumer/params.h) and one next to it ("fib_detail.h").
#include "fib_detail.h"

#include <consumer/fib.h>
#include <consumer/params.h>

// Set by the target's compile options (CMakeLists.txt).
#if !defined(__CHAR_UNSIGNED__) || !CONSUMER_CXX_ONLY
#error "the target's compile options did not reach this compilation"
#endif

[[spice::parallel]] long fib(int n) {
  if (n < consumer::kSerialCutoff)
    return consumer::fib_serial(n);
  long a = spice::spawn(fib, n - 1);
  long b = fib(n - 2);
  spice::sync();
  return a + b;
}
