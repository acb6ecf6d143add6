// The clinical protocols on the built-in scenarios fall in their published bands, and the legs
// rank healthy > superficial reflux > deep reflux. Bands and sources: data/CALIBRATION.md.

#include <catch2/catch.hpp>

#include "anatomy/protocols.hpp"
#include "anatomy/units.hpp"

using namespace calfpump::anatomy;

namespace {

struct Figures {
  RunSummary walk;
  AvpResult avp;
  ApgResult apg;
};

Figures figures(const std::string& name) {
  const LegDescription leg = load_leg_description(default_leg_file());
  const Scenario sc = load_scenario(resolve_scenario(name), leg);
  const Model m = build_model(leg, sc.condition);
  return {run_scenario(m, sc), run_avp(leg, sc), run_apg(leg, sc)};
}

}  // namespace

TEST_CASE("healthy leg: the published normal ranges (data/CALIBRATION.md)", "[protocols]") {
  const Figures h = figures("healthy-walking");
  const Figures t = figures("healthy-tiptoe");
  // standing still 80-100 mmHg at the ankle
  CHECK(h.avp.standing_pressure_mmHg > 80.0);
  CHECK(h.avp.standing_pressure_mmHg < 100.0);
  // walking and ten raises: ambulatory pressure <= 35 mmHg, a drop of roughly 60-75% or more
  CHECK(h.walk.ankle_pressure_mmHg <= 35.0);
  CHECK(h.avp.ambulatory_pressure_mmHg <= 35.0);
  CHECK(t.avp.ambulatory_pressure_mmHg <= 35.0);
  CHECK(t.avp.pressure_drop_percent >= 60.0);
  // refill time >= 20 s
  CHECK(h.avp.refill_time_s >= 20.0);
  CHECK(t.avp.refill_time_s >= 20.0);
  // APG normal values (Christopoulos et al. 1987): VV 80-170 ml, VFI < 2 ml/s, RVF < 35%; EF
  // normally > 60% (accepted here from 55%, see CALIBRATION.md)
  CHECK(t.apg.venous_volume_ml > 80.0);
  CHECK(t.apg.venous_volume_ml < 170.0);
  CHECK(t.apg.venous_filling_index_ml_s < 2.0);
  CHECK(t.apg.ejection_fraction_percent > 55.0);
  CHECK(t.apg.residual_volume_fraction_percent < 35.0);
  CHECK(h.walk.mass_balance_error < 1e-6);
}

TEST_CASE("great saphenous reflux: in the range of primary varicose veins", "[protocols]") {
  const Figures g = figures("gsv-reflux-walking");
  // AVP 25-70 mmHg, refill well under 20 s (Nicolaides & Zukowski 1986; Pollack et al. 1949)
  CHECK(g.avp.ambulatory_pressure_mmHg > 35.0);
  CHECK(g.avp.ambulatory_pressure_mmHg < 70.0);
  CHECK(g.avp.refill_time_s < 15.0);
  // VFI above the 2 ml/s reflux threshold; EF around 50%
  CHECK(g.apg.venous_filling_index_ml_s > 2.0);
  CHECK(g.apg.ejection_fraction_percent > 35.0);
  CHECK(g.apg.ejection_fraction_percent < 60.0);
}

TEST_CASE("deep reflux: in the range of post-thrombotic limbs", "[protocols]") {
  const Figures d = figures("deep-reflux-walking");
  // AVP 55-85 mmHg (accepted from 50), refill under 10 s, VFI 7-28 ml/s
  CHECK(d.avp.ambulatory_pressure_mmHg > 50.0);
  CHECK(d.avp.ambulatory_pressure_mmHg < 90.0);
  CHECK(d.avp.refill_time_s < 10.0);
  CHECK(d.apg.venous_filling_index_ml_s > 7.0);
  CHECK(d.apg.venous_filling_index_ml_s < 35.0);
}

TEST_CASE("healthy is better than superficial reflux, which is better than deep reflux", "[protocols]") {
  const Figures h = figures("healthy-walking"), g = figures("gsv-reflux-walking"), d = figures("deep-reflux-walking");
  CHECK(h.walk.ankle_pressure_mmHg < g.walk.ankle_pressure_mmHg);
  CHECK(g.walk.ankle_pressure_mmHg < d.walk.ankle_pressure_mmHg);
  CHECK(h.avp.ambulatory_pressure_mmHg < g.avp.ambulatory_pressure_mmHg);
  CHECK(g.avp.ambulatory_pressure_mmHg < d.avp.ambulatory_pressure_mmHg);
  CHECK(h.avp.refill_time_s > g.avp.refill_time_s);
  CHECK(g.avp.refill_time_s > d.avp.refill_time_s);
  CHECK(h.apg.venous_filling_index_ml_s < g.apg.venous_filling_index_ml_s);
  CHECK(g.apg.venous_filling_index_ml_s < d.apg.venous_filling_index_ml_s);
  CHECK(h.apg.ejection_fraction_percent > g.apg.ejection_fraction_percent);
  CHECK(g.apg.ejection_fraction_percent > d.apg.ejection_fraction_percent);
  CHECK(h.walk.calf_muscle_perfusion_ml_min > d.walk.calf_muscle_perfusion_ml_min);
}

TEST_CASE("compression narrows the varicose veins", "[protocols]") {
  const Figures g = figures("gsv-reflux-walking"), c = figures("gsv-reflux-compression-walking");
  CHECK(c.walk.calf_venous_volume_ml < g.walk.calf_venous_volume_ml - 5.0);
}
