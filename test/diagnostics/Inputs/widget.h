// A class whose parallel member is marked in the class.
#ifndef WIDGET_H
#define WIDGET_H
#include <spice/spice.h>

struct Widget {
  [[spice::parallel]] long run(long n) const;
};

#endif
