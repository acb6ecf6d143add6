// The CPU reference of particle transport: particles carry the simulated volumes, stop at closed
// competent valves and fall back through leaky ones.

#include <catch2/catch.hpp>

#include "anatomy/particles.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/simulation.hpp"
#include "anatomy/units.hpp"

using namespace calfpump::anatomy;

TEST_CASE("over one raise the particles through the popliteal vein carry the ejected volume", "[particles]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const Scenario sc = load_scenario(resolve_scenario("healthy-tiptoe"), leg);
  const Model m = build_model(leg, sc.condition);
  Simulation sim(m, sc.schedule());
  sim.run_until(19.0);
  ParticleTransport particles(m, sim.state(), 200000);
  const int edge = m.valves[std::size_t(m.valve_index("popliteal-1"))].edge;
  double simulated = 0;
  // settle the particles for a second, then count over one raise (20 s to 21 s)
  while (sim.state().time_s < 20.0 - 1e-9) {
    sim.step();
    particles.advance(sim.state(), sim.dt());
  }
  const std::int64_t before = particles.crossings(edge);
  while (sim.state().time_s < 21.0 - 1e-9) {
    sim.step();
    particles.advance(sim.state(), sim.dt());
    simulated += sim.state().edge_flow_m3_s[std::size_t(edge)] * sim.dt();
  }
  const double carried = static_cast<double>(particles.crossings(edge) - before) * particles.volume_per_particle();
  INFO("simulated " << m3_to_ml(simulated) << " ml, particles " << m3_to_ml(carried) << " ml");
  CHECK(simulated > ml_to_m3(20.0));
  CHECK(carried == Approx(simulated).epsilon(0.10));
}

TEST_CASE("no particle crosses a closed competent valve downward but some fall back through leaky ones", "[particles][valve]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  // backward crossings of the great saphenous valves over 20 s of walking; and of any competent
  // valve during steps at which it was closed (zeta = 0), which must be none
  auto run = [&](const char* name) {
    const Scenario sc = load_scenario(resolve_scenario(name), leg);
    const Model m = build_model(leg, sc.condition);
    Simulation sim(m, sc.schedule());
    sim.run_until(9.0);
    ParticleTransport particles(m, sim.state(), 100000);
    std::int64_t through_closed = 0, closed_steps = 0;
    std::vector<std::int64_t> before(m.valves.size());
    while (sim.state().time_s < 30.0) {
      sim.step();
      for (std::size_t k = 0; k < m.valves.size(); ++k) before[k] = particles.backward_crossings(m.valves[k].edge);
      particles.advance(sim.state(), sim.dt());
      for (std::size_t k = 0; k < m.valves.size(); ++k) {
        if (m.valves[k].incompetence != 0.0 || sim.state().valve_state[k] != 0.0) continue;
        ++closed_steps;
        through_closed += particles.backward_crossings(m.valves[k].edge) - before[k];
      }
    }
    std::int64_t through_gsv = 0;
    for (const Valve& v : m.valves)
      if (m.leg.vessels[std::size_t(v.vessel)].name == "gsv") through_gsv += particles.backward_crossings(v.edge);
    INFO(name);
    CHECK(closed_steps > 1000);
    CHECK(through_closed == 0);
    return through_gsv;
  };
  const std::int64_t healthy = run("healthy-walking"), leaky = run("gsv-reflux-walking");
  INFO("backward through the great saphenous valves: healthy " << healthy << ", leaky " << leaky);
  CHECK(leaky > 100);
  CHECK(leaky > 10 * healthy);
}

TEST_CASE("particle transport is deterministic", "[particles][determinism]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const Scenario sc = load_scenario(resolve_scenario("gsv-reflux-walking"), leg);
  const Model m = build_model(leg, sc.condition);
  auto run = [&] {
    Simulation sim(m, sc.schedule());
    sim.run_until(10.0);
    ParticleTransport p(m, sim.state(), 20000);
    while (sim.state().time_s < 14.0) {
      sim.step();
      p.advance(sim.state(), sim.dt());
    }
    return p.particles();
  };
  const auto a = run(), b = run();
  REQUIRE(a.size() == b.size());
  bool same = true;
  for (std::size_t i = 0; i < a.size(); ++i) same &= a[i].segment == b[i].segment && a[i].f == b[i].f && a[i].age_s == b[i].age_s;
  CHECK(same);
}
