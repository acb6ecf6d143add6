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

TEST_CASE("particles leave at the outlet and re-enter with the arterial inflow", "[particles][reentry]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const Scenario sc = load_scenario(resolve_scenario("healthy-walking"), leg);
  const Model m = build_model(leg, sc.condition);
  Simulation sim(m, sc.schedule());
  sim.run_until(10.0);
  ParticleTransport particles(m, sim.state(), 50000);
  // re-entries counted as waiting particles that are in the leg after a step, against the
  // arterial inflow's worth of particles over the same steps (an independent sum of the simulation)
  double reentered = 0, left = 0;
  double inflow_m3 = 0, outflow_m3 = 0;
  std::vector<std::uint32_t> waiting;
  std::uint64_t most_waiting = 0;
  while (sim.state().time_s < 20.0 - 1e-9) {
    sim.step();
    waiting.clear();
    for (const Particle& p : particles.particles())
      if (p.segment < 0) waiting.push_back(p.id);
    const std::uint64_t before = waiting.size();
    particles.advance(sim.state(), sim.dt());
    double back = 0;
    for (std::uint32_t id : waiting) back += particles.particles()[id].segment >= 0;
    reentered += back;
    left += static_cast<double>(particles.waiting()) - static_cast<double>(before) + back;
    inflow_m3 += sim.state().inflow_m3_s * sim.dt();
    outflow_m3 += sim.state().outflow_m3_s * sim.dt();
    most_waiting = std::max(most_waiting, particles.waiting());
  }
  const double vpp = particles.volume_per_particle();
  INFO("re-entered " << reentered << " (" << m3_to_ml(reentered * vpp) << " ml) for " << m3_to_ml(inflow_m3) << " ml of inflow; left "
                     << left << " (" << m3_to_ml(left * vpp) << " ml) for " << m3_to_ml(outflow_m3) << " ml of outflow; at most "
                     << most_waiting << " waiting");
  CHECK(inflow_m3 > ml_to_m3(50.0));
  CHECK(reentered * vpp == Approx(inflow_m3).epsilon(0.05));
  CHECK(left * vpp == Approx(outflow_m3).epsilon(0.10));
  // the particles in the leg stand for the blood in it: walking empties the calf, and what left
  // waits at the heart
  double venous_m3 = 0;
  for (double v : sim.state().volume_m3) venous_m3 += v;
  const double in_leg = static_cast<double>(particles.particles().size() - particles.waiting());
  INFO("in the leg " << m3_to_ml(in_leg * vpp) << " ml of particles for " << m3_to_ml(venous_m3) << " ml simulated");
  CHECK(in_leg * vpp == Approx(venous_m3).epsilon(0.03));
  CHECK(most_waiting > 1000u);
  // the rule itself: on average n = inflow dt / volume per particle re-enter, capped at all waiting
  CHECK(reentry_chance(1e-6, 0.01, 1e-9, 20) == Approx(0.5));
  CHECK(reentry_chance(1e-6, 0.01, 1e-9, 5) == 1.0);
  CHECK(reentry_chance(1e-6, 0.01, 1e-9, 0) == 0.0);
}
