// Stepping the network: mass balance, valves, hydrostatics, determinism, divergence reports.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>

#include "anatomy/error.hpp"
#include "anatomy/protocols.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/simulation.hpp"
#include "anatomy/units.hpp"

using namespace calfpump::anatomy;

namespace {

struct Setup {
  LegDescription leg;
  Scenario scenario;
  Model model;
};

Setup setup(const std::string& name) {
  Setup s;
  s.leg = load_leg_description(default_leg_file());
  s.scenario = load_scenario(resolve_scenario(name), s.leg);
  s.model = build_model(s.leg, s.scenario.condition);
  return s;
}

}  // namespace

TEST_CASE("mass balance closes within 1e-6 over a 60 s walk", "[simulation]") {
  for (const char* name : {"healthy-walking", "gsv-reflux-walking", "deep-reflux-walking"}) {
    Setup s = setup(name);
    s.scenario.duration_s = 70.0;  // 10 s standing, then 60 s of walking
    Simulation sim(s.model, s.scenario.schedule());
    sim.run_until(70.0);
    const State& st = sim.state();
    INFO(name);
    CHECK(st.inflow_total_m3 > ml_to_m3(50.0));  // something actually flowed
    CHECK(st.mass_balance_error() < 1e-6);
    // and the books are kept from the volumes themselves, not from a running sum
    double stored = 0;
    for (double v : st.volume_m3) stored += v;
    CHECK(stored == Approx(st.metrics.stored_volume_m3).epsilon(1e-12));
  }
}

TEST_CASE("a closed competent valve passes no reverse flow but an incompetent one does", "[simulation][valve]") {
  SECTION("healthy: every closed valve is sealed") {
    Setup s = setup("healthy-walking");
    Simulation sim(s.model, s.scenario.schedule());
    int closed_samples = 0;
    double worst_reverse = 0;
    while (sim.state().time_s < 40.0) {
      sim.step();
      const State& st = sim.state();
      for (std::size_t k = 0; k < st.valve_state.size(); ++k) {
        if (st.valve_state[k] != 0.0) continue;
        ++closed_samples;
        worst_reverse = std::min(worst_reverse, st.valve_flow_m3_s[k]);
      }
    }
    CHECK(closed_samples > 1000);  // the valves did close
    CHECK(worst_reverse == 0.0);   // and passed nothing while closed
  }
  SECTION("great saphenous reflux: the closed leaky valves let blood fall back") {
    Setup s = setup("gsv-reflux-walking");
    Simulation sim(s.model, s.scenario.schedule());
    const int v = s.model.valve_index("gsv-terminal");
    REQUIRE(v >= 0);
    double reverse_ml = 0;
    while (sim.state().time_s < 40.0) {
      sim.step();
      const double q = sim.state().valve_flow_m3_s[std::size_t(v)];
      if (q < 0) reverse_ml += m3_to_ml(-q) * sim.dt();
    }
    CHECK(reverse_ml > 5.0);  // ml of reflux through the saphenofemoral junction
  }
}

TEST_CASE("standing still, pressures equal the hydrostatic column", "[simulation][hydrostatics]") {
  Setup s = setup("healthy-standing");
  const double rho_g = s.leg.blood_density_kg_m3 * kGravity_m_s2;
  SECTION("no inflow: the analytic column to the right atrium, within 1%") {
    for (auto& bed : s.leg.beds) bed.resting_flow_m3_s = 0.0;
    const Model m = build_model(s.leg, s.scenario.condition);
    Simulation sim(m, s.scenario.schedule());
    sim.run_until(30.0);
    for (std::size_t i = 0; i < m.segments.size(); ++i) {
      const double column = s.leg.right_atrial_pressure_Pa + rho_g * (s.leg.heart_z_standing - m.segments[i].center[2]);
      INFO(m.segments[i].name);
      CHECK(sim.state().pressure_Pa[i] == Approx(column).epsilon(0.01));
    }
  }
  SECTION("with arterial inflow: the ankle within 1% of the column") {
    Simulation sim(s.model, s.scenario.schedule());
    sim.run_until(60.0);
    const Site& ankle = s.model.sites[std::size_t(s.model.ankle_site)];
    const double column = s.leg.right_atrial_pressure_Pa + rho_g * (s.leg.heart_z_standing - ankle.position[2]);
    CHECK(sim.state().metrics.ankle_pressure_Pa == Approx(column).epsilon(0.01));
    CHECK(Pa_to_mmHg(sim.state().metrics.ankle_pressure_Pa) > 80.0);
    CHECK(Pa_to_mmHg(sim.state().metrics.ankle_pressure_Pa) < 100.0);
  }
}

TEST_CASE("posture sets the ankle pressure: supine low, sitting in between, standing high", "[simulation]") {
  LegDescription leg = load_leg_description(default_leg_file());
  const Model m = build_model(leg, healthy_condition(leg));
  auto ankle_after = [&](Posture p) {
    Schedule s;
    s.phases.push_back({30.0, p, Activity{}, "still"});
    Simulation sim(m, s);
    sim.run_until(30.0);
    return Pa_to_mmHg(sim.state().metrics.ankle_pressure_Pa);
  };
  const double supine = ankle_after(Posture::Supine), sitting = ankle_after(Posture::Sitting),
               standing = ankle_after(Posture::Standing);
  CHECK(supine < 15.0);  // supine foot vein pressure is about 7-15 mmHg (Stick et al. 1993: 7 +/- 1)
  CHECK(sitting > 50.0);
  CHECK(sitting < 75.0);
  CHECK(standing > sitting + 20.0);
}

TEST_CASE("two runs are bit-identical", "[simulation][determinism]") {
  Setup s = setup("gsv-reflux-walking");
  Simulation a(s.model, s.scenario.schedule()), b(s.model, s.scenario.schedule());
  a.run_until(30.0);
  b.run_until(30.0);
  const State &x = a.state(), &y = b.state();
  auto same = [](const std::vector<double>& p, const std::vector<double>& q) {
    return p.size() == q.size() && std::memcmp(p.data(), q.data(), p.size() * sizeof(double)) == 0;
  };
  CHECK(x.steps == y.steps);
  CHECK(same(x.volume_m3, y.volume_m3));
  CHECK(same(x.pressure_Pa, y.pressure_Pa));
  CHECK(same(x.edge_flow_m3_s, y.edge_flow_m3_s));
  CHECK(same(x.valve_state, y.valve_state));
  CHECK(std::memcmp(&x.inflow_total_m3, &y.inflow_total_m3, sizeof(double)) == 0);
}

TEST_CASE("the pump raises calf muscle perfusion by lowering venous pressure", "[simulation]") {
  Setup still = setup("healthy-standing");
  Setup walk = setup("healthy-walking");
  const RunSummary a = run_scenario(still.model, still.scenario);
  const RunSummary b = run_scenario(walk.model, walk.scenario);
  CHECK(b.ankle_pressure_mmHg < a.ankle_pressure_mmHg - 40.0);
  CHECK(b.calf_muscle_perfusion_ml_min > 1.2 * a.calf_muscle_perfusion_ml_min);
  // with leaky deep valves the gain is lost
  Setup deep = setup("deep-reflux-walking");
  const RunSummary c = run_scenario(deep.model, deep.scenario);
  CHECK(c.calf_muscle_perfusion_ml_min < b.calf_muscle_perfusion_ml_min);
}

TEST_CASE("every value stays finite, and a diverging step is an error naming its segment", "[simulation]") {
  Setup s = setup("deep-reflux-walking");
  Simulation sim(s.model, s.scenario.schedule());
  while (sim.state().time_s < 30.0) {
    sim.step();
    for (double p : sim.state().pressure_Pa) REQUIRE(std::isfinite(p));
  }
  Schedule sched = s.scenario.schedule();
  Workspace ws = make_workspace(s.model, sched);
  State st = initial_state(s.model, sched, ws);
  st.volume_m3[3] = std::nan("");
  try {
    step(s.model, sched, ws, st, kAnimationStep_s);
    FAIL("a NaN volume was stepped without error");
  } catch (const SimulationError& e) {
    CHECK_THAT(e.what(), Catch::Contains("diverged") && Catch::Contains("segment '"));
  }
}
