// The CPU reference deformation: volume-preserving muscles, veins with the simulated area,
// leaflets that meet when a competent valve closes, and nothing poking through the skin.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <numbers>
#include <string>

#include <vtkImplicitPolyDataDistance.h>
#include <vtkMassProperties.h>
#include <vtkNew.h>

#include "anatomy/deform.hpp"
#include "anatomy/geometry_io.hpp"
#include "anatomy/geometry_vtk.hpp"
#include "anatomy/particles.hpp"
#include "anatomy/pose.hpp"
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
  // and through a walking stride, where the knee and the ankle turn the muscles that cross them
  const Scenario walk = load_scenario(resolve_scenario("healthy-walking"), l.desc);
  const Model mw = build_model(l.desc, walk.condition);
  Simulation ws(mw, walk.schedule());
  const Deformer dw(mw, l.rest);
  double walk_worst = 0, most_knee = 0;
  std::string walk_where;
  for (int k = 0; k <= 12; ++k) {
    ws.run_until(19.6 + 0.1 * k);
    most_knee = std::max(most_knee, ws.state().knee_rad);
    dw.apply(ws.state(), out);
    for (std::size_t s = 0; s < out.structures.size(); ++s) {
      if (out.structures[s].kind != StructureKind::Muscle) continue;
      const double v0 = vtk_volume(l.rest.structures[s]), v1 = vtk_volume(out.structures[s]);
      if (std::abs(v1 - v0) / v0 > walk_worst) {
        walk_worst = std::abs(v1 - v0) / v0;
        walk_where = out.structures[s].name;
      }
    }
  }
  INFO("walking: worst volume change " << walk_worst * 100 << "% in " << walk_where);
  CHECK(most_knee > 1.0);  // the swing's knee flexion was part of it
  CHECK(walk_worst <= 0.03);
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
        // the ring polygon's area in its own plane, wherever the pose has turned it: half the
        // length of the sum of its edges' cross products
        double cross[3] = {0, 0, 0};
        for (int j = 0; j < kVeinRing; ++j) {
          const float* p = &o.positions[3 * (v0 + std::size_t(j))];
          const float* q = &o.positions[3 * (v0 + std::size_t((j + 1) % kVeinRing))];
          cross[0] += double(p[1]) * q[2] - double(p[2]) * q[1];
          cross[1] += double(p[2]) * q[0] - double(p[0]) * q[2];
          cross[2] += double(p[0]) * q[1] - double(p[1]) * q[0];
        }
        const double poly = 0.5 * std::sqrt(cross[0] * cross[0] + cross[1] * cross[1] + cross[2] * cross[2]);
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

namespace {

// how far the deepest point of any structure lies outside the skin (m; negative: all inside)
double worst_outside_skin(const LegGeometry& out, std::string& where) {
  const int skin = out.find("skin", StructureKind::Skin);
  vtkNew<vtkImplicitPolyDataDistance> dist;
  dist->SetInput(to_polydata(out.structures[std::size_t(skin)]));
  double worst = -1;
  for (const auto& s : out.structures) {
    if (s.kind == StructureKind::Skin) continue;
    for (std::size_t v = 0; v < s.vertex_count(); v += 3) {
      double p[3] = {s.positions[3 * v], s.positions[3 * v + 1], s.positions[3 * v + 2]};
      const double sd = dist->EvaluateFunction(p);
      if (sd > worst) { worst = sd; where = s.name; }
    }
  }
  return worst;
}

// walking: heel strike, loading, late stance (push-off), mid swing (the knee at its most bent)
constexpr double kWalkStart = 10.0, kStride = 1.2;
constexpr std::array<double, 4> kWalkPhases{0.0, 0.15, 0.62, 0.73};

}  // namespace

// every structure stays inside the skin at each of these times of a scenario
void check_inside_skin(const std::string& scenario, const std::vector<double>& times) {
  Leg& l = leg();
  const Scenario sc = load_scenario(resolve_scenario(scenario), l.desc);
  const Model m = build_model(l.desc, sc.condition);
  const Deformer d(m, l.rest);
  LegGeometry out = l.rest;
  for (double t : times) {
    const State st = state_at(m, sc, t);
    d.apply(st, out);
    std::string where;
    const double worst = worst_outside_skin(out, where);
    INFO(scenario << " at " << t << " s: ankle " << st.ankle_rad * 180 / std::numbers::pi << " deg, knee " << st.knee_rad * 180 / std::numbers::pi
                  << " deg; deepest point outside the skin " << worst * 1e3 << " mm, in " << where);
    CHECK(worst < 0.0);
  }
}

TEST_CASE("no structure pokes through the skin at five phases of a raise", "[deform]") {
  // rest, rising, top, lowering, back on the heels
  check_inside_skin("healthy-tiptoe", {19.9, 20.1, 20.35, 20.6, 20.9});
}

TEST_CASE("no structure pokes through the skin at four phases of walking", "[deform][pose]") {
  std::vector<double> times;
  for (double ph : kWalkPhases) times.push_back(kWalkStart + 8 * kStride + ph * kStride);
  check_inside_skin("healthy-walking", times);
}

TEST_CASE("the foot and thigh bones turn rigidly by the joint angles, the shank's stay", "[deform][pose]") {
  Leg& l = leg();
  const Scenario walk = load_scenario(resolve_scenario("healthy-walking"), l.desc);
  const Model m = build_model(l.desc, walk.condition);
  const Deformer d(m, l.rest);
  LegGeometry out = l.rest;
  double most_knee = 0, most_ankle = 0;
  for (double ph : kWalkPhases) {
    const State st = state_at(m, walk, kWalkStart + 8 * kStride + ph * kStride);
    most_knee = std::max(most_knee, std::abs(st.knee_rad));
    most_ankle = std::max(most_ankle, std::abs(st.ankle_rad));
    d.apply(st, out);
    const LegPose pose = d.pose(st);
    for (std::size_t si = 0; si < out.structures.size(); ++si) {
      const StructureMesh &r = l.rest.structures[si], &o = out.structures[si];
      if (r.kind != StructureKind::Bone) continue;
      const int part = bone_part(l.desc, r.name);
      // every vertex where the part's turn puts it: the same distances between any two
      double worst = 0, moved = 0;
      for (std::size_t v = 0; v < r.vertex_count(); ++v) {
        const Point3 p{r.positions[3 * v], r.positions[3 * v + 1], r.positions[3 * v + 2]};
        const Point3 q = pose_point(pose, part_weights(part), p);
        for (std::size_t k = 0; k < 3; ++k) {
          worst = std::max(worst, std::abs(q[k] - double(o.positions[3 * v + k])));
          moved = std::max(moved, std::abs(p[k] - double(o.positions[3 * v + k])));
        }
      }
      double stretch = 0;
      for (std::size_t v = 0; v + 997 < r.vertex_count(); v += 97) {
        auto dist = [](const std::vector<float>& x, std::size_t a, std::size_t b) {
          return std::hypot(double(x[3 * a]) - x[3 * b], double(x[3 * a + 1]) - x[3 * b + 1], double(x[3 * a + 2]) - x[3 * b + 2]);
        };
        stretch = std::max(stretch, std::abs(dist(o.positions, v, v + 997) - dist(r.positions, v, v + 997)));
      }
      INFO(r.name << " (part " << part << ") at phase " << ph);
      CHECK(worst < 1e-6);
      CHECK(stretch < 1e-6);
      if (part == 0) CHECK(moved == 0.0);
      if (r.name == "femur" && std::abs(st.knee_rad) > 0.5) CHECK(moved > 0.1);  // the top of the femur swings by decimetres
    }
  }
  CHECK(most_knee > 55.0 * std::numbers::pi / 180);   // the swing was among the phases
  CHECK(most_ankle > 15.0 * std::numbers::pi / 180);  // and the push-off
}

TEST_CASE("a raise lifts the heel and walking moves the foot, the particles with their veins", "[deform][pose]") {
  Leg& l = leg();
  const Scenario sc = load_scenario(resolve_scenario("healthy-tiptoe"), l.desc);
  const Model m = build_model(l.desc, sc.condition);
  const Deformer d(m, l.rest);
  LegGeometry out = l.rest;
  const State top = state_at(m, sc, 20.35);
  d.apply(top, out);
  const int foot = l.rest.find("foot-skeleton", StructureKind::Bone);
  // the back of the heel: the foot skeleton's most posterior vertex
  const StructureMesh& fr = l.rest.structures[std::size_t(foot)];
  std::size_t heel = 0;
  for (std::size_t v = 0; v < fr.vertex_count(); ++v)
    if (fr.positions[3 * v + 1] < fr.positions[3 * heel + 1]) heel = v;
  const double lift = out.structures[std::size_t(foot)].positions[3 * heel + 2] - fr.positions[3 * heel + 2];
  INFO("the heel rises " << lift * 1e3 << " mm at the raise's top (the leg " << top.lift_m * 1e3 << " mm), ankle "
                           << top.ankle_rad * 180 / std::numbers::pi << " deg");
  CHECK(top.ankle_rad * 180 / std::numbers::pi == Approx(l.desc.joints.raise_ankle_deg).margin(0.5));
  // healthy heel-rise heights are about 10-13 cm (data/anatomy/leg.toml, joints); the back of the
  // calcaneus sits a few cm above the sole, so it rises a little less than the sole under it
  CHECK(lift > 0.07);
  CHECK(lift < 0.13);
  // the forefoot's contact stays on the floor
  const LegPose up = d.pose(top);
  CHECK(pose_point(up, {1.0, 0.0}, l.desc.joints.forefoot_contact)[2] == Approx(l.desc.joints.forefoot_contact[2]).margin(1e-9));
  // a particle is placed where its vein has been turned: for a particle in a foot vein the
  // placement differs from the rest pose's by the ankle's turn
  ParticleTransport blood(m, top, 4000);
  State flat = top;
  flat.ankle_rad = 0;
  flat.knee_rad = 0;
  flat.lift_m = 0;
  int turned = 0;
  for (const Particle& p : blood.particles()) {
    const auto a = d.particle_place(top, p), b = d.particle_place(flat, p);
    if (!a || !b) continue;
    const LegPose pose = d.pose(top);
    // turned with its vein's ring: by the weights of the centerline point it lies at
    const Segment& sg = m.segments[std::size_t(p.segment)];
    const Point3 centre = d.paths().vessels[std::size_t(sg.vessel)].at(sg.s0 + (sg.s1 - sg.s0) * double(p.f)).c;
    const Point3 expect = pose_point(pose, soft_weights(pose, centre), *b);
    for (std::size_t k = 0; k < 3; ++k) CHECK(std::abs((*a)[k] - expect[k]) < 1e-9);
    if (std::hypot((*a)[0] - (*b)[0], (*a)[1] - (*b)[1], (*a)[2] - (*b)[2]) > 0.005) ++turned;
  }
  CHECK(turned > 20);
}

TEST_CASE("at a raise's top the pressure sites move by what the README says", "[deform][pose]") {
  // The heights that gravity uses stay the rest pose's (a stated limitation, README "The leg in
  // 3D"); this measures what they leave out. The body rises with the heel, and so does the heart:
  // only the turn of the foot about the ankle changes a vein's height below the heart.
  Leg& l = leg();
  const Scenario sc = load_scenario(resolve_scenario("healthy-tiptoe"), l.desc);
  const Model m = build_model(l.desc, sc.condition);
  const Deformer d(m, l.rest);
  State top = state_at(m, sc, 20.35);
  top.lift_m = 0;
  const LegPose pose = d.pose(top);
  auto drop = [&](const std::string& site) {
    for (const SiteDesc& s : l.desc.sites)
      if (s.name == site) {
        const Point3 c = d.paths().vessels[std::size_t(l.desc.vessel_index(s.vessel))].at(s.at).c;
        return c[2] - pose_point(pose, soft_weights(pose, c), c)[2];
      }
    FAIL("no site " << site);
    return 0.0;
  };
  const double ankle = drop("ankle"), dorsal = drop("dorsal-foot");
  const double mmHg_per_m = l.desc.blood_density_kg_m3 * 9.81 / 133.322;
  INFO("the ankle site turns down " << ankle * 1e3 << " mm (" << ankle * mmHg_per_m << " mmHg more), the dorsal foot vein "
                                    << dorsal * 1e3 << " mm (" << dorsal * mmHg_per_m << " mmHg)");
  // README: "its column lengthens by only 5 mm (0.4 mmHg)", "the dorsal foot vein turns down 4.4 cm"
  CHECK(ankle == Approx(0.005).margin(0.001));
  CHECK(dorsal == Approx(0.044).margin(0.002));
}
