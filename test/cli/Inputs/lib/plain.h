// A library header without [[spice::parallel]].
#ifndef LIB_PLAIN_H
#define LIB_PLAIN_H
inline int plain_one() { return 1; }
#endif
