// Composing a frame, without a GPU: a session and a view become a frame description that holds
// everything the renderer draws, as a pure function of the session's state; the frame pump turns
// frame indices into model time.

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "anatomy/deform.hpp"
#include "anatomy/error.hpp"
#include "anatomy/geometry_io.hpp"
#include "app/section_view.hpp"
#include "app/compose.hpp"
#include "app/frame_overlay.hpp"
#include "app/frame_pump.hpp"
#include "app/session.hpp"

using namespace calfpump;
using namespace calfpump::app;

namespace {

bool same_overlay(const render::FrameDesc& a, const render::FrameDesc& b) {
  return a.overlay.size() == b.overlay.size() &&
         (a.overlay.empty() || std::memcmp(a.overlay.data(), b.overlay.data(), a.overlay.size() * sizeof(render::OverlayVertex)) == 0);
}

bool same_legs(const render::FrameDesc& a, const render::FrameDesc& b) {
  if (a.legs.size() != b.legs.size()) return false;
  for (std::size_t i = 0; i < a.legs.size(); ++i) {
    const auto &x = a.legs[i], &y = b.legs[i];
    if (x.deform.bodies != y.deform.bodies || x.deform.segments != y.deform.segments || x.deform.valves != y.deform.valves) return false;
    if (x.particles.port_outflow_m3_s != y.particles.port_outflow_m3_s || x.particles.segment_flow != y.particles.segment_flow ||
        x.particles.inflow != y.particles.inflow)
      return false;
  }
  return true;
}

}  // namespace

TEST_CASE("a composed frame holds each leg's deformation and particle inputs, and nothing else without fonts", "[compose]") {
  Session session({"healthy-walking", "gsv-reflux-walking"});
  session.run_until(12.0);
  FrameView view;
  view.particle_dt = 1.0 / 30.0;
  view.layers[static_cast<std::size_t>(anatomy::StructureKind::Skin)] = 0.0f;
  const render::FrameDesc f = compose_frame(session, view, 640, 360);
  CHECK(f.width == 640);
  CHECK(f.height == 360);
  REQUIRE(f.legs.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    const LegRun& l = session.leg(i);
    CHECK(f.legs[i].deform.segments.size() == l.model->segments.size());
    CHECK(f.legs[i].deform.valves.size() == l.model->valves.size());
    CHECK(f.legs[i].deform.bodies.size() == l.leg.bodies.size());
    CHECK(f.legs[i].particles.port_outflow_m3_s.size() == l.network.ports.size());
    CHECK(f.legs[i].particles.segment_flow.size() == l.model->segments.size());
    CHECK(f.legs[i].particles.inflow.size() == l.model->inflows.size());
    CHECK(f.legs[i].particles.inflow_m3_s == Approx(l.sim->state().inflow_m3_s));
  }
  // the leaky leg's great saphenous valves stand apart (incompetence in the valve table)
  bool apart = false;
  for (const auto& v : f.legs[1].deform.valves) apart = apart || v[1] > 0.0f;
  CHECK(apart);
  CHECK(f.particle_dt == Approx(1.0 / 30.0));
  CHECK(f.layers[static_cast<std::size_t>(anatomy::StructureKind::Skin)] == 0.0f);
  CHECK(f.overlay.empty());
  CHECK(f.insets.empty());
  CHECK(f.leg_top == 0);
}

TEST_CASE("with fonts a frame has titles, plots and close-ups inside it, composed the same every time", "[compose]") {
  const std::unique_ptr<Fonts> fonts = load_fonts();
  Session session({"healthy-walking", "gsv-reflux-walking"});
  session.run_until(15.0);
  FrameView view;
  view.fonts = fonts.get();
  const render::FrameDesc a = compose_frame(session, view, 1280, 720), b = compose_frame(session, view, 1280, 720);
  CHECK(a.overlay.size() > 3000);
  CHECK(a.overlay.size() % 3 == 0);
  CHECK(same_overlay(a, b));
  CHECK(same_legs(a, b));
  CHECK(a.leg_top == overlay_top(720));
  CHECK(a.leg_bottom == overlay_bottom(720));
  REQUIRE(a.insets.size() == 2);
  for (const render::Inset& inset : a.insets) {
    CHECK(inset.viewport[0] >= 0);
    CHECK(inset.viewport[1] >= 0);
    CHECK(inset.viewport[0] + inset.viewport[2] <= 1280);
    CHECK(inset.viewport[1] + inset.viewport[3] <= 720);
  }
  CHECK(a.insets[0].slot == 0);
  CHECK(a.insets[1].slot == 1);
  // every overlay vertex lies in the frame (half a pixel of edge ramp allowed)
  std::size_t outside = 0;
  for (const auto& v : a.overlay) outside += v.x < -1 || v.y < -1 || v.x > 1281 || v.y > 721;
  CHECK(outside == 0);
  // later in the walk the plots and the legs change
  session.run_until(16.0);
  const render::FrameDesc c = compose_frame(session, view, 1280, 720);
  CHECK_FALSE(same_overlay(a, c));
  CHECK_FALSE(same_legs(a, c));
}

TEST_CASE("the automatic caption wraps to a narrow frame in every language, and all of the overlay stays inside", "[compose]") {
  Session session({"healthy-walking", "gsv-reflux-walking"});
  session.run_until(15.0);
  for (const char* lang : {"en", "es", "ar"}) {
    const OverlayText words = OverlayText::load(lang);
    const std::vector<std::string> texts = words.texts();
    const std::unique_ptr<Fonts> fonts = load_fonts(texts);
    FrameView view;
    view.fonts = fonts.get();
    if (std::string(lang) != "en") view.parts.text = &words;
    // the frame's layout is made for 16:9; the Spanish and Arabic sentences are longer than a
    // 640-pixel line and must wrap
    for (const auto& [w, h] : {std::pair{640, 360}, std::pair{854, 480}, std::pair{1280, 720}}) {
      const render::FrameDesc f = compose_frame(session, view, w, h);
      INFO(lang << " at " << w << "x" << h);
      std::size_t outside = 0;
      float lowest = 0;
      for (const auto& v : f.overlay) {
        outside += v.x < -1 || v.y < -1 || v.x > static_cast<float>(w) + 1 || v.y > static_cast<float>(h) + 1;
        lowest = std::max(lowest, v.y);
      }
      CHECK(outside == 0);
      CHECK(lowest > 0.9f * static_cast<float>(h));  // the caption is there, at the bottom
    }
  }
}

TEST_CASE("a frame is a function of its index: the frame pump turns it into model time", "[compose][pump]") {
  const FramePump pump(30.0, 0.25, 10.0);  // quarter speed from 10 s
  CHECK(pump.step() == Approx(0.25 / 30.0));
  CHECK(pump.time(0) == 10.0);
  CHECK(pump.time(120) == Approx(11.0));
  CHECK(pump.time(3000000) == Approx(10.0 + 25000.0));
  CHECK(pump.frames_until(11.0) == 120u);
  CHECK(pump.frames_until(9.0) == 0u);
  // reached frame by frame or in one jump, frame 37 is the same frame
  Session stepped({"gsv-reflux-walking"}), jumped({"gsv-reflux-walking"});
  for (std::uint64_t i = 0; i <= 37; ++i) stepped.run_until(pump.time(i));
  jumped.run_until(pump.time(37));
  FrameView view;
  CHECK(same_legs(compose_frame(stepped, view, 320, 240), compose_frame(jumped, view, 320, 240)));
  CHECK(stepped.time() == jumped.time());
  CHECK_THROWS_AS(FramePump(0.0), std::invalid_argument);
  CHECK_THROWS_AS(FramePump(30.0, 0.0), std::invalid_argument);
  CHECK_THROWS_AS(FramePump(30.0, 11.0), std::invalid_argument);
  CHECK_THROWS_AS(FramePump(30.0, 1.0, -1.0), std::invalid_argument);
  // a session runs forward only
  CHECK_THROWS_AS(stepped.run_until(1.0), std::invalid_argument);
}

TEST_CASE("the named views turn the camera around the leg, and an unknown one is refused by name", "[compose]") {
  const render::Camera medial = view_camera("medial"), lateral = view_camera("lateral");
  CHECK(medial.eye[0] < medial.target[0]);  // medial is -x
  CHECK(lateral.eye[0] > lateral.target[0]);
  for (std::size_t k = 0; k < 3; ++k) CHECK(view_camera("posteromedial").eye[k] == Approx(render::Camera{}.eye[k]).margin(0.001));  // the default, to 1 mm
  CHECK_THROWS_AS(view_camera("sideways"), anatomy::ConfigError);
  try {
    view_camera("sideways");
  } catch (const anatomy::ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("--view") && Catch::Contains("sideways") && Catch::Contains("posterior"));
  }
}

TEST_CASE("an emphasis enlarges the drawn movement of muscles and veins, not the blood's, and the frame says so", "[compose][emphasis]") {
  Session session({"healthy-tiptoe"});
  session.run_until(20.35);  // the top of a raise: the calf contracted, its deep veins emptied
  const LegRun& l = session.leg(0);
  const anatomy::State& st = l.sim->state();
  // the state it draws: activation and each vein's change of radius times the emphasis
  const anatomy::State e = anatomy::emphasized(*l.model, st, 2.0);
  for (std::size_t k = 0; k < st.muscle_activation.size(); ++k) CHECK(e.muscle_activation[k] == Approx(2.0 * st.muscle_activation[k]));
  Session before({"healthy-tiptoe"});
  before.run_until(19.9);  // standing, just before the raise
  const anatomy::State& st0 = before.leg(0).sim->state();
  const anatomy::State e0 = anatomy::emphasized(*l.model, st0, 2.0);
  int emptied = 0;
  for (std::size_t i = 0; i < st.area_m2.size(); ++i) {
    const double ref = l.model->segments[i].area_ref_m2;
    const double r = std::sqrt(st.area_m2[i] / ref), re = std::sqrt(e.area_m2[i] / ref);
    if (1.0 + 2.0 * (r - 1.0) > std::sqrt(0.05)) CHECK(re - 1.0 == Approx(2.0 * (r - 1.0)).margin(1e-9));
    else CHECK(e.area_m2[i] == Approx(0.05 * ref));
    // a vein the raise emptied: its drawn narrowing is twice the true one
    const double r0 = std::sqrt(st0.area_m2[i] / ref), re0 = std::sqrt(e0.area_m2[i] / ref);
    if (r - r0 < -0.05 && 1.0 + 2.0 * (r - 1.0) > std::sqrt(0.05)) {
      CHECK(re - re0 == Approx(2.0 * (r - r0)).margin(1e-9));
      ++emptied;
    }
  }
  CHECK(emptied > 10);
  const anatomy::State same = anatomy::emphasized(*l.model, st, 1.0);
  CHECK(same.area_m2 == st.area_m2);
  CHECK(same.muscle_activation == st.muscle_activation);
  // the frame: the deformation from the emphasized state, the blood's inputs from the true one
  FrameView plain, shown;
  shown.parts.emphasis = 2.0;
  const render::FrameDesc a = compose_frame(session, plain, 320, 240), b = compose_frame(session, shown, 320, 240);
  const anatomy::DeformFrame want = anatomy::deform_frame(*l.model, l.paths, e);
  CHECK(b.legs[0].deform.bodies == want.bodies);
  CHECK(b.legs[0].deform.segments == want.segments);
  CHECK(a.legs[0].deform.bodies != b.legs[0].deform.bodies);
  CHECK(a.legs[0].particles.segment_flow == b.legs[0].particles.segment_flow);
  CHECK(a.legs[0].particles.port_outflow_m3_s == b.legs[0].particles.port_outflow_m3_s);
}

TEST_CASE("a frame with an emphasis says so in its picture", "[compose][emphasis]") {
  const std::unique_ptr<Fonts> fonts = load_fonts();
  Session session({"healthy-walking"});
  session.run_until(20.0);
  FrameView view;
  view.fonts = fonts.get();
  const render::FrameDesc a = compose_frame(session, view, 640, 360);
  view.parts.emphasis = 2.0;
  const render::FrameDesc b = compose_frame(session, view, 640, 360);
  // the notice's glyphs: a frame's overlay holds more triangles with it than without
  CHECK(b.overlay.size() > a.overlay.size() + 6 * 20);
}

TEST_CASE("a cross-section view cuts each leg at its level, draws the cut's faces and reads out the squeezed deep veins", "[compose][section]") {
  const std::unique_ptr<Fonts> fonts = load_fonts();
  const anatomy::LegGeometry rest = anatomy::read_leg_glb(anatomy::default_leg_mesh());
  const auto cut_at = std::make_shared<const SectionCut>(rest, 0.5);
  const double z = cut_at->height();
  const int tibia = rest.find("tibia", anatomy::StructureKind::Bone);
  REQUIRE(tibia >= 0);
  CHECK(z > 0.2);
  CHECK(z < 0.35);
  auto deep_area = [](const LegSection& s) {
    double a = 0;
    for (const auto& l : s.loops)
      for (const char* d : {"posterior-tibial", "peroneal", "soleal-sinus-medial", "soleal-sinus-lateral", "gastrocnemius-medial", "gastrocnemius-lateral"})
        if (s.kind(l.structure) == anatomy::StructureKind::Vein && s.name(l.structure) == d) a += anatomy::loop_area(l, s.plane.normal);
    return a;
  };
  Session session({"healthy-tiptoe"});
  session.run_until(19.0);  // standing, the calf's veins full
  const LegSection full = cut_at->cut(session.leg(0), session.leg(0).sim->state());
  FrameView view;
  view.fonts = fonts.get();
  const render::FrameDesc uncut = compose_frame(session, view, 1280, 720);
  view.section = cut_at;
  view.camera = cut_at->camera(1280.0 / 576.0, section_centre_share(1, true));
  const render::FrameDesc cut = compose_frame(session, view, 1280, 720);
  // the leg's own view is cut at the level: what lies above it is removed
  CHECK(cut.legs[0].cut[2] == Approx(-1.0f));
  CHECK(cut.legs[0].cut[3] == Approx(static_cast<float>(z)).margin(1e-6));
  CHECK(uncut.legs[0].cut == std::array<float, 4>{0, 0, 0, 0});
  for (const auto& inset : cut.insets) CHECK(inset.camera.clip == std::array<float, 4>{0, 0, 0, 0});  // close-ups whole
  // the faces: skin, muscles, bones and veins are cut, and drawn
  int skin = 0, muscles = 0, bones = 0, veins = 0;
  for (const auto& l : full.loops) {
    const auto k = full.kind(l.structure);
    skin += k == anatomy::StructureKind::Skin;
    muscles += k == anatomy::StructureKind::Muscle;
    bones += k == anatomy::StructureKind::Bone;
    veins += k == anatomy::StructureKind::Vein;
  }
  CHECK(skin == 1);
  CHECK(muscles >= 7);
  CHECK(bones == 2);
  CHECK(veins >= 12);
  CHECK(cut.overlay.size() > uncut.overlay.size() + 3 * 1000);
  // the camera looks down onto the cut, the cut's middle at 36% of the picture's width
  CHECK(view.camera.eye[2] > z + 0.2);
  const anatomy::Point3 c = anatomy::loop_centroid(full.loops[0], {0, 0, 1});
  const auto vp = render::leg_viewport(1280, 720, 0, 1, overlay_top(720), overlay_bottom(720));
  for (const auto& l : full.loops)
    if (full.kind(l.structure) == anatomy::StructureKind::Skin) {
      const anatomy::Point3 m = anatomy::loop_centroid(l, {0, 0, 1});
      const auto p = render::project(view.camera, {float(m[0]), float(m[1]), float(m[2])}, vp);
      CHECK(p[0] / 1280.0f == Approx(0.36f).margin(0.04f));
    }
  (void)c;
  // at a raise's top the calf has squeezed the deep veins in the cut: the cut rises with the leg
  session.run_until(20.35);
  const anatomy::State& top = session.leg(0).sim->state();
  REQUIRE(top.lift_m > 0.05);
  const LegSection squeezed = cut_at->cut(session.leg(0), top);
  CHECK(squeezed.plane.origin[2] == Approx(z + top.lift_m));
  std::printf("deep veins in the cut at mid-calf: %.0f mm^2 standing, %.0f mm^2 at a raise's top\n", deep_area(full) * 1e6, deep_area(squeezed) * 1e6);
  CHECK(deep_area(squeezed) < 0.8 * deep_area(full));
  const render::FrameDesc raised = compose_frame(session, view, 1280, 720);
  CHECK(raised.camera.eye[2] == Approx(view.camera.eye[2] + top.lift_m).margin(1e-5));
  CHECK(raised.legs[0].cut[3] == Approx(static_cast<float>(z + top.lift_m)).margin(1e-5));
}

TEST_CASE("a cut's level and view are checked by name", "[compose][section]") {
  CHECK(section_level("posteromedial", 0, false) == 0);
  CHECK(section_level("cross-section", 0, false) == 0.5);
  CHECK(section_level("cross-section", 0.66, false) == 0.66);
  CHECK(section_level("posteromedial", 0.3, false) == 0.3);
  CHECK_THROWS_WITH(section_level("cross-section", 0.1, false), Catch::Contains("--section") && Catch::Contains("outside"));
  CHECK_THROWS_WITH(section_level("cross-section", 0.9, false), Catch::Contains("outside"));
  CHECK_THROWS_WITH(section_level("medial", 0.5, false), Catch::Contains("--view cross-section"));
  CHECK_THROWS_WITH(section_level("cross-section", 0, true), Catch::Contains("--plain"));
}
