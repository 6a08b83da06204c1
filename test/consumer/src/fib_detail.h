// Found through a quoted #include next to fib.cpp: the rewritten copy lives
// in the build tree, so this only works if its compilation searches here too.
#ifndef CONSUMER_FIB_DETAIL_H
#define CONSUMER_FIB_DETAIL_H

namespace consumer {
inline long fib_serial(int n) {
  return n < 2 ? n : fib_serial(n - 1) + fib_serial(n - 2);
}
} // namespace consumer

#endif // CONSUMER_FIB_DETAIL_H
