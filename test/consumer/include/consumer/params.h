// Tuning of the consumer's fib: the header the test touches to check that the
// rewrite of a source reruns when a header it includes changes.
#ifndef CONSUMER_PARAMS_H
#define CONSUMER_PARAMS_H

namespace consumer {
/// Below this n, fib runs serially (set by the build).
constexpr int kSerialCutoff = CONSUMER_FIB_CUTOFF;
} // namespace consumer

#endif // CONSUMER_PARAMS_H
