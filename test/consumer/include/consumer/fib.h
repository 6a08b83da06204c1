// The consumer's parallel function, declared for ordinary code.
#ifndef CONSUMER_FIB_H
#define CONSUMER_FIB_H

#include <spice/spice.h>

[[spice::parallel]] long fib(int n);

/// Sums fib(n) over threads: calls the parallel function from several
/// ordinary threads at once.
long fib_from_threads(int n, int threads);

#endif // CONSUMER_FIB_H
