// The serial elision of spice's source language.
//
// Before spice-rewrite runs, an annotated program must still be a valid serial
// C++17 program: spawn(f, args...) is the call f(args...) made on the spot and
// sync() does nothing. spice-rewrite replaces every spawn and sync in a
// [[spice::parallel]] function, so none of this is used by rewritten code.
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

} // namespace spice

#endif // SPICE_SERIAL_H
