// Parallel quicksort: partition, then sort both sides at once. The spawn is
// a statement (the callee returns nothing) and both halves are written in
// place, so the sync is what makes the sorted range visible.
//
//   quicksort [count]   (default 2 x 10^6 pseudo-random integers)
#include "report.h"

#include <spice/spice.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

using Item = std::int32_t;

namespace {

constexpr std::ptrdiff_t kSmall = 32;

void insertion_sort(Item *lo, Item *hi) {
  for (Item *i = lo + 1; i < hi; ++i) {
    Item v = *i;
    Item *j = i;
    for (; j > lo && v < j[-1]; --j)
      *j = j[-1];
    *j = v;
  }
}

Item median_of_three(Item a, Item b, Item c) {
  return std::max(std::min(a, b), std::min(std::max(a, b), c));
}

/// Splits [lo, hi) into < pivot, == pivot, > pivot; returns the middle part.
std::pair<Item *, Item *> partition3(Item *lo, Item *hi) {
  Item pivot = median_of_three(*lo, lo[(hi - lo) / 2], hi[-1]);
  Item *less_end = std::partition(lo, hi, [=](Item x) { return x < pivot; });
  Item *equal_end =
      std::partition(less_end, hi, [=](Item x) { return !(pivot < x); });
  return {less_end, equal_end};
}

} // namespace

[[spice::parallel]] void quicksort(Item *lo, Item *hi) {
  if (hi - lo <= kSmall) {
    insertion_sort(lo, hi);
    return;
  }
  std::pair<Item *, Item *> middle = partition3(lo, hi);
  spice::spawn(quicksort, lo, middle.first);
  quicksort(middle.second, hi);
  spice::sync();
}

/// The baseline: the same algorithm as an ordinary function.
static void quicksort_serial(Item *lo, Item *hi) {
  if (hi - lo <= kSmall) {
    insertion_sort(lo, hi);
    return;
  }
  std::pair<Item *, Item *> middle = partition3(lo, hi);
  quicksort_serial(lo, middle.first);
  quicksort_serial(middle.second, hi);
}

int main(int argc, char **argv) {
  long long count = argc > 1 ? std::atoll(argv[1]) : 2'000'000;
  if (count <= 0) {
    std::fprintf(stderr, "usage: quicksort [count > 0]\n");
    return 2;
  }
  std::vector<Item> input(static_cast<std::size_t>(count));
  std::uint64_t state = 42; // xorshift64: the same input on every run
  for (Item &x : input) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    x = static_cast<Item>(state % 1'000'000'007);
  }
  std::vector<Item> parallel, serial;
  example::Times t = example::best_of(
      3,
      [&] {
        parallel = input;
        quicksort(parallel.data(), parallel.data() + parallel.size());
      },
      [&] {
        serial = input;
        quicksort_serial(serial.data(), serial.data() + serial.size());
      });
  bool ok =
      std::is_sorted(parallel.begin(), parallel.end()) && parallel == serial;
  std::printf("quicksort of %lld integers: %s (first %d, last %d)\n", count,
              ok ? "sorted" : "WRONG", static_cast<int>(parallel.front()),
              static_cast<int>(parallel.back()));
  example::print_times(t, "plain serial function");
  return ok ? 0 : 1;
}
