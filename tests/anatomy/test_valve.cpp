// The Mynard valve state: bounded, opens forward, closes backward, seals when competent.

#include <catch2/catch.hpp>

#include "anatomy/valve.hpp"

using namespace calfpump::anatomy;

TEST_CASE("valve state stays in [0, 1] at any step and pressure", "[valve]") {
  for (double dt : {1e-4, 1e-2, 1.0, 100.0})
    for (double dp : {-1e5, -10.0, 0.0, 10.0, 1e5}) {
      const double z = valve::advance(0.5, dp, 0.12, 0.09, dt, 1e-3);
      CHECK(z >= 0.0);
      CHECK(z <= 1.0);
    }
}

TEST_CASE("valve opens under forward pressure and closes under reverse pressure", "[valve]") {
  double z = 0.0;
  for (int i = 0; i < 100; ++i) z = valve::advance(z, 400.0, 0.12, 0.09, 1.0 / 240, 1e-3);
  CHECK(z > 0.99);
  // 3 mmHg reverse: closes within ~0.2 s (healthy closure time, Labropoulos 2003)
  double t = 0;
  while (z > 0.0 && t < 1.0) {
    z = valve::advance(z, -400.0, 0.12, 0.09, 1.0 / 240, 1e-3);
    t += 1.0 / 240;
  }
  CHECK(z == 0.0);
  CHECK(t < 0.3);
  CHECK(t > 0.1);
}

TEST_CASE("effective area: a competent closed valve has none, an incompetent one keeps a gap", "[valve]") {
  CHECK(valve::effective_area(0.0, 1e-5, 0.0) == 0.0);
  CHECK(valve::effective_area(0.0, 1e-5, 0.3) == Approx(3e-6));
  CHECK(valve::effective_area(1.0, 1e-5, 0.3) == Approx(1e-5));
  CHECK(valve::effective_area(0.0, 1e-5, 1.0) == Approx(1e-5));
}
