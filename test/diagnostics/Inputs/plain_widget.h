// A class whose member is marked parallel only where it is defined.
#ifndef PLAIN_WIDGET_H
#define PLAIN_WIDGET_H

struct PlainWidget {
  long run(long n) const;
};

#endif
