// Next to algo.h, without [[spice::parallel]]: its copy includes this
// original.
#ifndef LIB_DETAIL_H
#define LIB_DETAIL_H
template <class T> T zero() { return T(); }
#endif
