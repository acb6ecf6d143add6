// The cut through the leg (anatomy/section.hpp): loops, their orientation and areas, and the
// veins' sections in the cut against the simulated areas, at rest and with the calf contracted.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <string>

#include "anatomy/deform.hpp"
#include "anatomy/geometry_io.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/section.hpp"
#include "anatomy/simulation.hpp"

using namespace calfpump::anatomy;

namespace {

// a closed 20 x 30 x 40 mm box, outward winding
StructureMesh box_mesh() {
  StructureMesh box;
  const float x = 0.02f, y = 0.03f, h = 0.04f;
  box.positions = {0, 0, 0, x, 0, 0, x, y, 0, 0, y, 0, 0, 0, h, x, 0, h, x, y, h, 0, y, h};
  box.indices = {0, 2, 1, 0, 3, 2, 4, 5, 6, 4, 6, 7, 0, 1, 5, 0, 5, 4, 1, 2, 6, 1, 6, 5, 2, 3, 7, 2, 7, 6, 3, 0, 4, 3, 4, 7};
  return box;
}

// where along vessel vi (fraction) its centerline crosses the horizontal plane at height z, or -1
double crossing_t(const SweepPath& path, double z) {
  double prev = path_point(path, 0, 0, 0, 0)[2];
  for (int i = 1; i <= 400; ++i) {
    const double s = i / 400.0, now = path_point(path, s, 0, 0, 0)[2];
    if ((prev - z) * (now - z) <= 0 && prev != now) return s - (now - z) / (now - prev) / 400.0;
    prev = now;
  }
  return -1;
}

}  // namespace

TEST_CASE("a cut's loops run counter-clockwise around the inside and have the footprint's area", "[section]") {
  const StructureMesh box = box_mesh();
  REQUIRE(check_mesh(box).signed_volume_m3 > 0);
  const auto loops = section_loops(box, 0, {{0, 0, 0.01}, {0, 0, 1}});
  REQUIRE(loops.size() == 1);
  CHECK(loops[0].points.size() == 8);  // two triangles a face: each side face crossed twice
  CHECK(loop_area(loops[0], {0, 0, 1}) == Approx(0.02 * 0.03).epsilon(1e-6));
  const Point3 c = loop_centroid(loops[0], {0, 0, 1});
  CHECK(c[0] == Approx(0.01));
  CHECK(c[1] == Approx(0.015));
  CHECK(c[2] == Approx(0.01));
  // seen from below, the same cut still runs counter-clockwise around the inside
  const auto below = section_loops(box, 0, {{0, 0, 0.01}, {0, 0, -1}});
  REQUIRE(below.size() == 1);
  CHECK(loop_area(below[0], {0, 0, -1}) == Approx(0.02 * 0.03).epsilon(1e-6));
  // a tilted plane cuts a longer section: the footprint over the cosine of the tilt
  const double tilt = 0.3, cz = std::cos(tilt), sy = std::sin(tilt);
  const auto tilted = section_loops(box, 0, {{0.01, 0.015, 0.02}, {0, sy, cz}});
  REQUIRE(tilted.size() == 1);
  CHECK(loop_area(tilted[0], {0, sy, cz}) == Approx(0.02 * 0.03 / cz).epsilon(1e-6));
  // through a vertex exactly, and beside the box: a loop, and none
  CHECK(section_loops(box, 0, {{0, 0, 0.04}, {0, 0, 1}}).empty());
  CHECK(section_loops(box, 0, {{0, 0, 0.0}, {0, 0, 1}}).size() <= 1);
  CHECK(section_loops(box, 0, {{0, 0, 0.05}, {0, 0, 1}}).empty());
  // an open sheet has no inside
  StructureMesh sheet = box;
  sheet.closed = false;
  CHECK(section_loops(sheet, 0, {{0, 0, 0.01}, {0, 0, 1}}).empty());
  // a box with a missing face leaves its cut open where it crosses the hole: no loop
  StructureMesh open = box;
  open.indices.erase(open.indices.begin() + 12, open.indices.begin() + 18);  // the y = 0 face
  CHECK(section_loops(open, 0, {{0, 0, 0.01}, {0, 0, 1}}).empty());
}

TEST_CASE("the veins in a cut have the simulated areas, at rest and squeezed", "[section][deform]") {
  const LegDescription desc = load_leg_description(default_leg_file());
  const LegGeometry rest = read_leg_glb(default_leg_mesh());
  const Scenario sc = load_scenario(resolve_scenario("healthy-tiptoe"), desc);
  const Model m = build_model(desc, sc.condition);
  const Deformer d(m, rest);
  const int tibia = rest.find("tibia", StructureKind::Bone);
  REQUIRE(tibia >= 0);
  double z0 = 1e9, z1 = -1e9;
  const StructureMesh& tb = rest.structures[std::size_t(tibia)];
  for (std::size_t v = 0; v < tb.vertex_count(); ++v) {
    z0 = std::min(z0, double(tb.positions[3 * v + 2]));
    z1 = std::max(z1, double(tb.positions[3 * v + 2]));
  }
  LegGeometry out = rest;
  int compared = 0, squeezed = 0;
  double worst = 0;
  Simulation sim(m, sc.schedule());
  for (double t : {19.0, 20.35, 29.9}) {  // standing full, mid-raise, after the raises
    sim.run_until(t);
    const State& st = sim.state();
    d.apply(st, out);
    for (double level : {0.25, 0.5, 0.75}) {
      const double z = z0 + level * (z1 - z0);
      const SectionPlane plane{{0, 0, z + st.lift_m}, {0, 0, 1}};
      const auto loops = section_loops(out, plane);
      for (std::size_t s = 0; s < out.structures.size(); ++s) {
        if (out.structures[s].kind != StructureKind::Vein) continue;
        const int vi = desc.vessel_index(out.structures[s].name);
        REQUIRE(vi >= 0);
        const SweepPath& path = d.paths().vessels[std::size_t(vi)];
        const double at = crossing_t(path, z);
        const double cut = section_area(loops, s, plane.normal);
        if (at < 0.02 || at > 0.98) continue;  // not crossing, or at its ends (caps, junctions)
        // the vein's own section: the cut's area times the cosine of the vein's slope through it
        const PathFrame f = path.at(at);
        const double own = cut * std::abs(f.t[2]);
        const auto area = d.vessel_area(st, vi, at);
        INFO(out.structures[s].name << " at " << level << " of the tibia, t = " << t << " s: cut " << cut * 1e6 << " mm^2, slope cosine "
                                    << std::abs(f.t[2]) << ", simulated " << area[0] * 1e6 << " mm^2");
        if (std::abs(f.t[2]) < 0.7) continue;  // a perforator crossing the plane sideways: its cut is no section
        CHECK(own == Approx(area[0]).epsilon(0.05));
        worst = std::max(worst, std::abs(own / area[0] - 1));
        ++compared;
        if (area[0] < 0.6 * area[1]) ++squeezed;
      }
    }
  }
  std::printf("veins in the cut: %d sections, %d squeezed below 60%% of their reference; worst %.2f%% from the simulated area\n", compared, squeezed, 100 * worst);
  CHECK(compared >= 20);
  CHECK(squeezed >= 2);  // the raise did squeeze veins in the cut
}
