// The leg description: the one source of truth holds what the model needs.

#include <catch2/catch.hpp>

#include <set>

#include "anatomy/description.hpp"
#include "anatomy/model.hpp"

using namespace calfpump::anatomy;

TEST_CASE("the default leg has the named veins, valves and perforators", "[description]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  for (const char* name : {"plantar", "soleal-sinus-medial", "soleal-sinus-lateral", "gastrocnemius-medial",
                           "gastrocnemius-lateral", "posterior-tibial", "peroneal", "anterior-tibial", "popliteal",
                           "femoral", "common-femoral", "gsv", "ssv"})
    CHECK(leg.vessel_index(name) >= 0);
  // paired venae comitantes
  CHECK(leg.vessels[std::size_t(leg.vessel_index("posterior-tibial"))].count == 2);
  CHECK(leg.vessels[std::size_t(leg.vessel_index("peroneal"))].count == 2);
  CHECK(leg.valves.size() >= 12);

  std::set<std::string> valved;
  for (const auto& v : leg.valves) valved.insert(v.vessel);
  int perforators = 0;
  for (const auto& v : leg.vessels) {
    if (v.compartment != Compartment::Perforator) continue;
    ++perforators;
    CHECK(valved.count(v.name) == 1);  // every perforator has its valve
  }
  CHECK(perforators >= 2);
  // every compartment the design names is used
  std::set<Compartment> used;
  for (const auto& v : leg.vessels) used.insert(v.compartment);
  CHECK(used.count(Compartment::Intramuscular));
  CHECK(used.count(Compartment::DeepIntermuscular));
  CHECK(used.count(Compartment::Superficial));
  CHECK(used.count(Compartment::Perforator));
}

TEST_CASE("the network is built from the description: valves on segment boundaries, all reach the heart",
          "[description][model]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  Condition c;
  c.valve_incompetence.assign(leg.valves.size(), 0.0);
  c.vessel_diameter_scale.assign(leg.vessels.size(), 1.0);
  const Model m = build_model(leg, c);
  CHECK(m.valves.size() == leg.valves.size());
  for (const auto& s : m.segments) {
    CHECK(s.length_m <= leg.max_segment_length_m + 1e-9);
    CHECK(s.volume_ref_m3 > 0);
  }
  int outlets = 0;
  for (const auto& e : m.edges) outlets += e.b < 0 ? 1 : 0;
  CHECK(outlets == 1);
  // a valve's edge runs along (or out of) its own vessel
  for (const auto& v : m.valves) {
    const Edge& e = m.edges[std::size_t(v.edge)];
    CHECK(m.segments[std::size_t(e.a)].vessel == v.vessel);
  }
}
