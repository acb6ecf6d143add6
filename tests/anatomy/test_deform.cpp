// The CPU reference deformation: volume-preserving muscles, veins with the simulated area,
// leaflets that meet when a competent valve closes, and nothing poking through the skin.

#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>

#include <vtkImplicitPolyDataDistance.h>
#include <vtkMassProperties.h>
#include <vtkNew.h>

#include "anatomy/deform.hpp"
#include "anatomy/geometry_io.hpp"
#include "anatomy/geometry_vtk.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/simulation.hpp"

using namespace calfpump::anatomy;

namespace {

double vtk_volume(const StructureMesh& m) {
  vtkNew<vtkMassProperties> mp;
  mp->SetInputData(to_polydata(m));
  mp->Update();
  return mp->GetVolume();
}

struct Leg {
  LegDescription desc = load_leg_description(default_leg_file());
  LegGeometry rest = read_leg_glb(default_leg_mesh());
};

Leg& leg() {
  static Leg l;
  return l;
}

// states of the healthy-tiptoe scenario at chosen times
State state_at(const Model& m, const Scenario& sc, double t) {
  Simulation sim(m, sc.schedule());
  sim.run_until(t);
  return sim.state();
}

}  // namespace

TEST_CASE("muscles keep their volume through a contraction", "[deform]") {
  Leg& l = leg();
  const Scenario sc = load_scenario(resolve_scenario("healthy-tiptoe"), l.desc);
  const Model m = build_model(l.desc, sc.condition);
  Simulation sim(m, sc.schedule());
  const Deformer d(m, l.rest);
  LegGeometry out = l.rest;
  double max_activation = 0;
  double worst = 0;
  // one raise cycle starting at 20 s, sampled every 0.1 s
  for (int k = 0; k <= 10; ++k) {
    sim.run_until(20.0 + 0.1 * k);
    d.apply(sim.state(), out);
    for (double a : sim.state().muscle_activation) max_activation = std::max(max_activation, a);
    for (std::size_t s = 0; s < out.structures.size(); ++s) {
      if (out.structures[s].kind != StructureKind::Muscle) continue;
      const double v0 = vtk_volume(l.rest.structures[s]), v1 = vtk_volume(out.structures[s]);
      worst = std::max(worst, std::abs(v1 - v0) / v0);
    }
  }
  CHECK(max_activation > 0.8);  // a forceful contraction was part of it
  CHECK(worst <= 0.03);
  // and the muscles did change shape: the soleus is shorter and thicker at the peak
  Simulation peak(m, sc.schedule());
  peak.run_until(20.35);
  d.apply(peak.state(), out);
  const int soleus = l.rest.find("soleus", StructureKind::Muscle);
  auto extent_z = [](const StructureMesh& mm) {
    float lo = 1e9f, hi = -1e9f;
    for (std::size_t v = 0; v < mm.vertex_count(); ++v) {
      lo = std::min(lo, mm.positions[3 * v + 2]);
      hi = std::max(hi, mm.positions[3 * v + 2]);
    }
    return hi - lo;
  };
  CHECK(extent_z(out.structures[std::size_t(soleus)]) < 0.95 * extent_z(l.rest.structures[std::size_t(soleus)]));
}

TEST_CASE("vein cross-sections take the simulated area, collapsing flat below the reference", "[deform]") {
  Leg& l = leg();
  const Scenario sc = load_scenario(resolve_scenario("healthy-tiptoe"), l.desc);
  const Model m = build_model(l.desc, sc.condition);
  const Deformer d(m, l.rest);
  LegGeometry out = l.rest;
  int collapsed_rings = 0, rings = 0;
  for (double t : {19.0, 20.35, 29.9}) {  // standing full, mid-raise, after the raises
    const State st = state_at(m, sc, t);
    d.apply(st, out);
    for (std::size_t s = 0; s < out.structures.size(); ++s) {
      const StructureMesh& r = l.rest.structures[s];
      if (r.kind != StructureKind::Vein) continue;
      const StructureMesh& o = out.structures[s];
      // rings are consecutive runs of kVeinRing wall vertices of one tube
      for (std::size_t v0 = 0; v0 + kVeinRing <= o.vertex_count(); v0 += kVeinRing) {
        const float* a = &r.attributes[v0 * kAttributeCount];
        if (a[4] != 1.0f || r.attributes[(v0 + kVeinRing - 1) * kAttributeCount + 1] != a[1]) break;  // reached the caps
        const int vi = static_cast<int>(a[5]);
        const auto area = d.vessel_area(st, vi, a[1]);
        const double per_tube = area[0] / l.desc.vessels[std::size_t(vi)].count;
        // polygon area in the ring's own plane (n, b of the vessel frame)
        const PathFrame f = d.paths().vessels[std::size_t(vi)].at(a[1]);
        double poly = 0;
        for (int j = 0; j < kVeinRing; ++j) {
          const float* p = &o.positions[3 * (v0 + std::size_t(j))];
          const float* q = &o.positions[3 * (v0 + std::size_t((j + 1) % kVeinRing))];
          const double pu = p[0] * f.n[0] + p[1] * f.n[1] + p[2] * f.n[2], pv = p[0] * f.b[0] + p[1] * f.b[1] + p[2] * f.b[2];
          const double qu = q[0] * f.n[0] + q[1] * f.n[1] + q[2] * f.n[2], qv = q[0] * f.b[0] + q[1] * f.b[1] + q[2] * f.b[2];
          poly += 0.5 * (pu * qv - qu * pv);
        }
        INFO(r.name << " t=" << a[1]);
        CHECK(std::abs(poly) == Approx(per_tube).epsilon(0.05));
        ++rings;
        if (area[0] < 0.5 * area[1]) ++collapsed_rings;
      }
    }
  }
  CHECK(rings > 1000);
  CHECK(collapsed_rings > 10);  // the contraction did flatten veins
}

TEST_CASE("a closed competent valve's leaflets meet but an incompetent one's stay apart", "[deform]") {
  Leg& l = leg();
  const int v = l.rest.find("gsv-knee", StructureKind::Valve);
  REQUIRE(v >= 0);
  const StructureMesh& rest = l.rest.structures[std::size_t(v)];
  auto gap = [&](const char* scenario) {
    const Scenario sc = load_scenario(resolve_scenario(scenario), l.desc);
    const Model m = build_model(l.desc, sc.condition);
    State st = state_at(m, sc, 5.0);
    const int vk = m.valve_index("gsv-knee");
    st.valve_state[std::size_t(vk)] = 0.0;  // closed
    LegGeometry out = l.rest;
    Deformer(m, l.rest).apply(st, out);
    // distance between the two leaflets' free-edge midpoints (u = 0.5, v = 1)
    const StructureMesh& o = out.structures[std::size_t(v)];
    const float* p[2] = {nullptr, nullptr};
    for (std::size_t k = 0; k < rest.vertex_count(); ++k) {
      const float* a = &rest.attributes[k * kAttributeCount];
      if (a[4] == 0.0f && a[2] == 0.5f && a[3] == 1.0f) p[static_cast<int>(a[1])] = &o.positions[3 * k];
    }
    REQUIRE(p[0]);
    REQUIRE(p[1]);
    return std::sqrt((p[0][0] - p[1][0]) * (p[0][0] - p[1][0]) + (p[0][1] - p[1][1]) * (p[0][1] - p[1][1]) +
                     (p[0][2] - p[1][2]) * (p[0][2] - p[1][2]));
  };
  CHECK(gap("healthy-standing") < 1e-6);
  CHECK(gap("gsv-reflux-walking") > 0.5e-3);  // a visible gap, in metres
}

TEST_CASE("no structure pokes through the skin at five phases of a raise", "[deform]") {
  Leg& l = leg();
  const Scenario sc = load_scenario(resolve_scenario("healthy-tiptoe"), l.desc);
  const Model m = build_model(l.desc, sc.condition);
  const Deformer d(m, l.rest);
  LegGeometry out = l.rest;
  const int skin = l.rest.find("skin", StructureKind::Skin);
  // rest, rising, top, lowering, back on the heels
  for (double t : {19.9, 20.1, 20.35, 20.6, 20.9}) {
    const State st = state_at(m, sc, t);
    d.apply(st, out);
    vtkNew<vtkImplicitPolyDataDistance> dist;
    dist->SetInput(to_polydata(out.structures[std::size_t(skin)]));
    double worst = -1;
    std::string where;
    for (const auto& s : out.structures) {
      if (s.kind == StructureKind::Skin) continue;
      for (std::size_t v = 0; v < s.vertex_count(); v += 3) {
        double p[3] = {s.positions[3 * v], s.positions[3 * v + 1], s.positions[3 * v + 2]};
        const double sd = dist->EvaluateFunction(p);
        if (sd > worst) { worst = sd; where = s.name; }
      }
    }
    INFO("t = " << t << ": deepest point outside the skin " << worst * 1e3 << " mm, in " << where);
    CHECK(worst < 0.0);
  }
}
