// The tube law: continuity, monotonicity, exact inverse, collapse and distension.

#include <catch2/catch.hpp>

#include "anatomy/tube_law.hpp"
#include "anatomy/units.hpp"

using namespace calfpump::anatomy;

TEST_CASE("tube law is continuous, monotonic and inverted exactly", "[tube_law]") {
  const tube_law::Wall w{14.0, 4000.0};
  CHECK(tube_law::pressure(1.0, w) == 0.0);
  CHECK(tube_law::pressure(1.0 - 1e-9, w) == Approx(0.0).margin(1e-6));
  double prev = -1e300;
  for (double a = 0.01; a < 3.0; a += 0.01) {
    const double p = tube_law::pressure(a, w);
    CHECK(p > prev);
    prev = p;
    CHECK(tube_law::area_ratio(p, w) == Approx(a).epsilon(1e-12));
    double p2 = 0, c = 0;
    tube_law::evaluate(a, w, 2.0, p2, c);
    CHECK(p2 == Approx(p));
    CHECK(c == Approx(2.0 / tube_law::slope(a, w)));
  }
}

TEST_CASE("a vein collapses under a few mmHg of external pressure and distends when standing", "[tube_law]") {
  const tube_law::Wall deep{14.0, 4000.0};
  // 5 mmHg more outside than inside: flattened to well under half its area
  CHECK(tube_law::area_ratio(-mmHg_to_Pa(5.0), deep) < 0.2);
  // the standing column at the ankle (~90 mmHg): about twice its reference area
  const double standing = tube_law::area_ratio(mmHg_to_Pa(90.0), deep);
  CHECK(standing > 1.8);
  CHECK(standing < 2.2);
  // volume at 30 mmHg is a good part of that at 90 (compliance falls gradually, not abruptly)
  CHECK(tube_law::area_ratio(mmHg_to_Pa(30.0), deep) / standing == Approx(0.69).margin(0.1));
}
