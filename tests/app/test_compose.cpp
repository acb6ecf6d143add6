// Composing a frame, without a GPU: a session and a view become a frame description that holds
// everything the renderer draws, as a pure function of the session's state; the frame pump turns
// frame indices into model time.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <stdexcept>

#include "anatomy/deform.hpp"
#include "anatomy/error.hpp"
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
