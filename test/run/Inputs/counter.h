// A class whose parallel member is declared here and defined in counter.cpp:
// the usual header/source layout.
#ifndef COUNTER_H
#define COUNTER_H
#include <spice/spice.h>

class Counter {
public:
  explicit Counter(long step) : step_(step) {}
  /// Sums i * step over [lo, hi).
  [[spice::parallel]] long count(long lo, long hi) const;

private:
  long step_;
};

#endif
