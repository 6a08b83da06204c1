// The serial elision of spice's source language.
//
// Before spice-rewrite runs, an annotated program must still be a valid serial
// C++17 program: spawn(f, args...) is the call f(args...) made on the spot and
// sync() does nothing, parallel_for and parallel_reduce are plain loops.
// spice-rewrite replaces every spawn and sync in a [[spice::parallel]]
// function and every parallel loop, so none of this is used by rewritten
// code.
#ifndef SPICE_SERIAL_H
#define SPICE_SERIAL_H

#include <functional>
#include <type_traits>
#include <utility>

// [[spice::parallel]] is only understood by spice-rewrite. Compilers warn about
// unknown scoped attributes; silence that (for the rest of the translation
// unit, which is how diagnostic pragmas work) so the serial program builds
// cleanly. GCC 12 cannot silence one attribute namespace from a pragma.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wunknown-attributes"
#elif defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wattributes"
#endif

namespace spice {

/// Serial elision of `spice::spawn(f, args...)`: calls `f(args...)` as
/// std::invoke would and returns its result.
template <class F, class Arg0, class... Args>
decltype(auto) spawn(F &&f, Arg0 &&arg0, Args &&...args) {
  return std::invoke(std::forward<F>(f), std::forward<Arg0>(arg0),
                     std::forward<Args>(args)...);
}

/// Serial elision of `spice::spawn(f)` (a callable with no arguments) and of
/// the one-call form `spice::spawn(f(args...))`, whose argument already is the
/// result.
namespace detail {
template <class F, bool = std::is_invocable_v<F>> struct SerialResult {
  using type = std::invoke_result_t<F>;
};
// The one-call form: an lvalue result stays a reference, anything else is
// returned by value so no reference to a temporary escapes.
template <class F> struct SerialResult<F, false> {
  using type =
      std::conditional_t<std::is_lvalue_reference_v<F>, F, std::remove_cv_t<F>>;
};
} // namespace detail

template <class F> typename detail::SerialResult<F>::type spawn(F &&f) {
  if constexpr (std::is_invocable_v<F>)
    return std::invoke(std::forward<F>(f));
  else
    return std::forward<F>(f);
}

/// Serial elision of `spice::sync()`: every spawn already finished.
inline void sync() noexcept {}

/// Serial elision of `spice::parallel_for(first, last, body)`: a plain loop.
/// Integers (of possibly different types, compared in their common type):
/// `body(i)` for each i in [first, last). Random-access iterators:
/// `body(*it)` for each element, as std::for_each.
template <class A, class B, class Body>
void parallel_for(A first, B last, Body &&body) {
  if constexpr (std::is_integral_v<A> && std::is_integral_v<B>) {
    using I = std::common_type_t<A, B>;
    for (I i = first; i < static_cast<I>(last); ++i)
      body(i);
  } else {
    static_assert(std::is_same_v<A, B>,
                  "parallel_for: both bounds must be integers or iterators of "
                  "one type");
    for (; first != last; ++first)
      body(*first);
  }
}

/// Serial elision of `spice::parallel_reduce(first, last, identity, body,
/// combine)`: a left fold, `acc = combine(std::move(acc), body(x))` in order.
template <class A, class B, class T, class Body, class Combine>
T parallel_reduce(A first, B last, T identity, Body &&body, Combine &&combine) {
  T acc = std::move(identity);
  if constexpr (std::is_integral_v<A> && std::is_integral_v<B>) {
    using I = std::common_type_t<A, B>;
    for (I i = first; i < static_cast<I>(last); ++i)
      acc = combine(std::move(acc), body(i));
  } else {
    static_assert(std::is_same_v<A, B>,
                  "parallel_reduce: both bounds must be integers or iterators "
                  "of one type");
    for (; first != last; ++first)
      acc = combine(std::move(acc), body(*first));
  }
  return acc;
}

} // namespace spice

#endif // SPICE_SERIAL_H
