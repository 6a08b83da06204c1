// The Mandelbrot set with parallel loops: spice::parallel_for renders the
// image, one loop iteration per row, and spice::parallel_reduce counts the
// pixels inside the set. Rows cost very different amounts (those through the
// set iterate up to the limit at every pixel, those at the edges a few times),
// which is where a fixed split of the range falls behind. Both results are
// checked against a serial computation; the image can be written as a PGM.
//
//   mandelbrot [width [max_iterations [out.pgm]]]
//       (default 2048 500; the height is width/2; workers: SPICE_NUM_THREADS)
#include "report.h"

#include <spice/spice.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

namespace {

struct Image {
  long width = 0, height = 0;
  int max_iterations = 0;
  // Iterations before escape, per pixel; at least 1, so a 0 left in the
  // image is a pixel nobody rendered.
  std::vector<std::uint16_t> pixels;
};

/// Renders row y: the view [-2.25, 0.75] x [-0.75, 0.75].
void render_row(Image &img, long y) {
  const double step = 3.0 / static_cast<double>(img.width);
  const double ci = -0.75 + static_cast<double>(y) * step;
  for (long x = 0; x < img.width; ++x) {
    const double cr = -2.25 + static_cast<double>(x) * step;
    double zr = 0, zi = 0;
    int k = 0;
    for (; k < img.max_iterations; ++k) {
      const double zr2 = zr * zr, zi2 = zi * zi;
      if (zr2 + zi2 > 4.0)
        break;
      zi = 2.0 * zr * zi + ci;
      zr = zr2 - zi2 + cr;
    }
    img.pixels[static_cast<std::size_t>(y * img.width + x)] =
        static_cast<std::uint16_t>(k);
  }
}

bool write_pgm(const Image &img, const char *path) {
  std::FILE *f = std::fopen(path, "wb");
  if (!f)
    return false;
  std::fprintf(f, "P5\n%ld %ld\n255\n", img.width, img.height);
  for (std::uint16_t k : img.pixels) {
    // Inside the set black, outside brighter the longer the orbit stayed.
    int gray = k == img.max_iterations ? 0 : 255 - 255 * k / img.max_iterations;
    std::fputc(gray, f);
  }
  return std::fclose(f) == 0;
}

} // namespace

int main(int argc, char **argv) {
  Image img;
  img.width = argc > 1 ? std::atol(argv[1]) : 2048;
  img.max_iterations = argc > 2 ? std::atoi(argv[2]) : 500;
  if (img.width < 2 || img.width > 65536 || img.max_iterations < 1 ||
      img.max_iterations > 65535 || argc > 4) {
    std::fprintf(stderr, "usage: mandelbrot [width in 2..65536 "
                         "[max_iterations in 1..65535 [out.pgm]]]\n");
    return 2;
  }
  img.height = img.width / 2;
  img.pixels.assign(static_cast<std::size_t>(img.width * img.height), 0);
  Image expected = img;

  long inside = 0, expected_inside = 0;
  auto is_inside = [&](std::uint16_t k) {
    return k == img.max_iterations ? 1L : 0L;
  };
  example::Times t = example::best_of(
      3,
      [&] {
        spice::parallel_for(0L, img.height,
                            [&](long y) { render_row(img, y); });
        inside = spice::parallel_reduce(img.pixels.begin(), img.pixels.end(),
                                        0L, is_inside, std::plus<long>());
      },
      [&] {
        for (long y = 0; y < expected.height; ++y)
          render_row(expected, y);
        expected_inside = 0;
        for (std::uint16_t k : expected.pixels)
          expected_inside += is_inside(k);
      });

  std::printf("%ldx%ld, up to %d iterations: %ld pixels inside the set\n",
              img.width, img.height, img.max_iterations, inside);
  example::print_times(t, "plain serial loops");
  if (argc > 3 && !write_pgm(img, argv[3])) {
    std::fprintf(stderr, "mandelbrot: cannot write %s\n", argv[3]);
    return 1;
  }
  if (img.pixels != expected.pixels || inside != expected_inside) {
    std::fprintf(stderr, "mandelbrot: WRONG RESULT (differs from serial)\n");
    return 1;
  }
  return 0;
}
