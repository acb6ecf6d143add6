// compose_frame: a session and a view into a frame description, the one way every front end
// makes a frame.

#include "app/compose.hpp"

#include <cmath>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "anatomy/error.hpp"
#include "render/renderer.hpp"

namespace calfpump::app {

std::unique_ptr<Fonts> load_fonts(std::span<const std::string> shaped_texts) {
  try {
    auto f = std::make_unique<Fonts>();
    f->regular = render::load_font(render::default_font_path(false), 40.0f, shaped_texts);
    f->bold = render::load_font(render::default_font_path(true), 40.0f, shaped_texts);
    return f;
  } catch (const std::runtime_error& e) {
    throw render::RenderError(fmt::format("{} (the overlay's font; Debian: fonts-dejavu-core, or set CALFPUMP_FONT)", e.what()));
  }
}

render::Camera view_camera(const std::string& name) {
  render::Camera c;
  struct View {
    const char* name;
    float x, y;  // horizontal direction from the leg to the eye (medial is -x, anterior is +y)
  };
  constexpr View kViews[] = {{"posteromedial", -0.505f, -0.863f}, {"posterior", 0.0f, -1.0f}, {"medial", -1.0f, 0.0f},
                             {"lateral", 1.0f, 0.0f}, {"anterior", 0.0f, 1.0f}};
  std::string names;
  for (const View& v : kViews) {
    names += (names.empty() ? "" : ", ") + std::string(v.name);
    if (name != v.name) continue;
    const float dx = c.eye[0] - c.target[0], dy = c.eye[1] - c.target[1];
    const float horizontal = std::sqrt(dx * dx + dy * dy);
    c.eye[0] = c.target[0] + v.x * horizontal;
    c.eye[1] = c.target[1] + v.y * horizontal;
    return c;
  }
  throw anatomy::ConfigError("--view", 0, 0, "", fmt::format("'{}' is not a view; expected one of {}", name, names));
}

render::FrameDesc compose_frame(const Session& session, const FrameView& view, int width, int height) {
  render::FrameDesc f;
  f.width = width;
  f.height = height;
  f.camera = view.camera;
  // a cut rises with the leg in a raise (section_view.hpp), and the view onto it with the first leg
  if (view.section && session.size() > 0) {
    const float lift = static_cast<float>(session.leg(0).sim->state().lift_m);
    f.camera.eye[2] += lift;
    f.camera.target[2] += lift;
  }
  f.layers = view.layers;
  f.particle_dt = view.particle_dt;
  f.simplify = view.simplify;
  std::vector<LegSection> sections;
  for (std::size_t i = 0; i < session.size(); ++i) {
    const LegRun& l = session.leg(i);
    // the deformation from the state as drawn (an emphasis enlarges it), the blood's inputs from
    // the true state; each computed once
    const anatomy::State& st = l.sim->state();
    std::optional<anatomy::State> enlarged;
    if (view.parts.emphasis != 1.0) enlarged = anatomy::emphasized(*l.model, st, view.parts.emphasis);
    const anatomy::State& drawn = enlarged ? *enlarged : st;
    anatomy::DeformFrame deform = anatomy::deform_frame(*l.model, l.paths, drawn);
    f.legs.push_back({std::move(deform), anatomy::particle_inputs(*l.model, l.network, st)});
    if (view.section) {
      sections.push_back(view.section->cut(l, drawn));
      if (enlarged) sections.back().deep_veins_m2 = view.section->cut(l, st, true).deep_veins_m2;
      f.legs.back().cut = cut_plane(sections.back().plane);
    }
  }
  if (view.fonts) {
    // titles above the legs, the caption below, close-ups and plots beside them
    f.leg_top = overlay_top(height);
    f.leg_bottom = overlay_bottom(height, view.parts);
    OverlayParts parts = view.parts;
    if (view.section) parts.sections = &sections;
    if (view.parts.closeups) f.insets = compose_insets(session, width, height, parts);
    render::Overlay overlay(&view.fonts->regular, &view.fonts->bold);
    compose_overlay(session, f.camera, width, height, f.insets, overlay, parts);
    f.overlay = overlay.vertices();
  }
  if (!view.parts.valve_view.empty()) {
    // the valve across each leg's view, under any close-up boxes
    std::vector<render::Inset> full;
    for (std::size_t i = 0; i < session.size(); ++i) {
      if (session.leg(i).model->valve_index(view.parts.valve_view) < 0) continue;
      const auto vp = render::leg_viewport(width, height, i, session.size(), f.leg_top, f.leg_bottom);
      full.push_back({i, valve_closeup_camera(session.leg(i), view.parts.valve_view), vp,
                      render::tissue_bit(anatomy::StructureKind::Vein) | render::tissue_bit(anatomy::StructureKind::Valve), 0.00012f});  // small spheres: the leaflets show through the stream
    }
    f.insets.insert(f.insets.begin(), full.begin(), full.end());
  }
  return f;
}

}  // namespace calfpump::app
