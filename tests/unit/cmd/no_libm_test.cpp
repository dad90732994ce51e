// cmd/no_libm.cpp's fmod (linked into this test as into swarmctl, where it replaces libm's for
// pugixml) against C's fmod as Python's math.fmod computed it (exact IEEE remainders, recorded).
#include <cmath>
#include <cstring>
#include <doctest/doctest.h>
#include <limits>

extern "C" double fmod(double, double);

namespace {
double call(double a, double b) {
  volatile double x = a, y = b; // no constant folding: the linked function runs
  return fmod(x, y);
}
bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}
} // namespace

TEST_CASE("no_libm: fmod is C's fmod, exactly") {
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    double x, y, want;
  } cases[] = {
      {5.5, 2.0, 1.5},
      {-5.5, 2.0, -1.5},
      {5.5, -2.0, 1.5},
      {1e22, 3.0, 1.0},
      {0.1, 0.03, 0x1.47ae147ae1480p-7},
      {1e300, 1e-300, 0x1.4f722a6f79f9cp-998}, // thousands of FPREM rounds
      {7.0, 7.0, 0.0},
      {-0.0, 3.0, -0.0},
      {3.0, inf, 3.0},
      {2.5, 1.25, 0.0},
  };
  for (const auto &c : cases) {
    INFO(c.x << " mod " << c.y);
    CHECK(same_bits(call(c.x, c.y), c.want));
  }
  CHECK(std::isnan(call(1.0, 0.0)));
  CHECK(std::isnan(call(inf, 2.0)));
  CHECK(std::isnan(call(std::nan(""), 2.0)));
}
