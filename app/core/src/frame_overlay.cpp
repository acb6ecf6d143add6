#include "app/frame_overlay.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <glm/geometric.hpp>
#include <glm/vec3.hpp>

#include "anatomy/deform.hpp"
#include "anatomy/error.hpp"
#include "anatomy/pose.hpp"
#include "anatomy/sweep.hpp"
#include "app/palette.hpp"
#include "overlay_writer.hpp"
#include "section_draw.hpp"
#include "toml_reader.hpp"

namespace calfpump::app {

namespace {

using render::Align;
using render::rgba;

// a live plot: the last `window_s` seconds of one quantity, with its current value
struct PlotSpec {
  const char* title;
  const char* unit;
  double y_max;
  std::uint32_t colour;
  double Sample::*field;
  double band_lo = 0, band_hi = 0;  ///< a shaded reference range (none when equal)
  const char* band_label = nullptr;
};

void plot(Writer& o, float unit, float x0, float y0, float x1, float y1, const PlotSpec& spec, const std::vector<Sample>& history,
          double now_s) {
  constexpr double kWindow_s = 10.0;
  const float text = 19.5f * unit, value_size = 26.0f * unit, pad = 8.0f * unit;
  o.rect(x0, y0, x1, y1, kPanel);
  o.text(x0 + pad, y0 + pad, text, spec.title, kInk);
  const double current = history.empty() ? 0.0 : history.back().*spec.field;
  // the value in ink: a number is not good or bad by its colour
  o.text(x1 - pad, y0 + pad + text, value_size, fmt::format("{:.0f} {}", current, spec.unit), kInk, Align::Right, true);
  // the graph: time across (the last 10 s), the quantity up from 0
  const float gx0 = x0 + pad + o.text_width("000", text), gx1 = x1 - pad;
  const float gy0 = y0 + pad + text + value_size + 4.0f * unit, gy1 = y1 - pad;
  if (gy1 - gy0 < 10.0f * unit) return;
  if (spec.band_hi > spec.band_lo) {
    const auto y_of = [&](double v) { return gy1 - static_cast<float>(std::clamp(v / spec.y_max, 0.0, 1.0)) * (gy1 - gy0); };
    o.rect(gx0, y_of(spec.band_hi), gx1, y_of(spec.band_lo), palette::kNormalBand);
    // named just below the band, where the curves seldom go
    if (spec.band_label) o.text(gx1, y_of(spec.band_lo) + 0.5f * unit, 18.0f * unit, spec.band_label, rgba(30, 110, 65), Align::Right);
  }
  for (double frac : {0.0, 0.5, 1.0}) {
    const float y = gy1 - static_cast<float>(frac) * (gy1 - gy0);
    o.line(gx0, y, gx1, y, 1.0f * unit, kGrid);
  }
  o.text(gx0 - 4.0f * unit, gy1 - 0.6f * text, text, "0", kMuted, Align::Right);
  o.text(gx0 - 4.0f * unit, (gy0 + gy1) / 2 - 0.5f * text, text, fmt::format("{:.0f}", spec.y_max / 2), kMuted, Align::Right);
  o.text(gx0 - 4.0f * unit, gy0 - 0.4f * text, text, fmt::format("{:.0f}", spec.y_max), kMuted, Align::Right);
  std::vector<std::array<float, 2>> points;
  for (const Sample& s : history) {
    if (s.t_s < now_s - kWindow_s - 1e-9) continue;
    const double fx = (s.t_s - (now_s - kWindow_s)) / kWindow_s;
    const double fy = std::clamp(s.*spec.field / spec.y_max, 0.0, 1.0);
    points.push_back({gx0 + static_cast<float>(fx) * (gx1 - gx0), gy1 - static_cast<float>(fy) * (gy1 - gy0)});
  }
  o.polyline(points, 2.5f * unit, spec.colour);
  if (!points.empty()) o.circle(points.back()[0], points.back()[1], 4.0f * unit, spec.colour);
}

// a point of the leg to label, in leg coordinates
struct Anchor {
  std::string text;
  anatomy::Point3 point;
};

// where a rest point of the leg is now: turned with the joints and lifted (anatomy/pose.hpp)
anatomy::Point3 posed(const LegRun& leg, const anatomy::Point3& rest) {
  const anatomy::State& st = leg.sim->state();
  const anatomy::LegPose pose = anatomy::leg_pose(leg.leg, st.ankle_rad, st.knee_rad, st.lift_m);
  return pose.moving() ? anatomy::pose_point(pose, anatomy::soft_weights(pose, rest), rest) : rest;
}

anatomy::Point3 vessel_point(const LegRun& leg, const anatomy::LegPaths& paths, const char* name, double s) {
  const int v = leg.leg.vessel_index(name);
  return v < 0 ? anatomy::Point3{0, 0, 0} : posed(leg, anatomy::path_point(paths.vessels[static_cast<std::size_t>(v)], s, 0, 0, 0));
}

anatomy::Point3 body_point(const LegRun& leg, const anatomy::LegPaths& paths, const char* name, double s) {
  const int b = leg.leg.body_index(name);
  return b < 0 ? anatomy::Point3{0, 0, 0} : posed(leg, anatomy::path_point(paths.bodies[static_cast<std::size_t>(b)].front(), s, 0, 0, 0));
}

// labels stacked in a column beside the leg, each joined to its point by a leader line
void labels(Writer& o, float unit, const render::Camera& camera, const std::array<int, 4>& viewport, std::vector<Anchor> anchors,
            float column_x, bool column_left) {
  std::vector<ScreenLabel> placed;
  for (const Anchor& a : anchors) {
    const auto p = render::project(camera, {static_cast<float>(a.point[0]), static_cast<float>(a.point[1]), static_cast<float>(a.point[2])}, viewport);
    if (p[2] < 0 || p[2] > 1) continue;
    placed.push_back({a.text, p[0], p[1]});
  }
  label_column(o, unit, std::move(placed), column_x, column_left, static_cast<float>(viewport[1]) + 10.0f * unit);
}

// The valve the close-ups show, the same in every leg so that they compare: the first of these
// that leaks in any leg (superficial reflux: the great saphenous valve at the knee; deep reflux:
// the popliteal valve), else the great saphenous one.
std::string inset_valve(const Session& scene) {
  for (const char* name : {"gsv-knee", "popliteal-1", "femoral-1", "ptv-2"})
    for (std::size_t i = 0; i < scene.size(); ++i) {
      const int k = scene.leg(i).model->valve_index(name);
      if (k >= 0 && scene.leg(i).model->valves[static_cast<std::size_t>(k)].incompetence > 0) return name;
    }
  return "gsv-knee";
}

bool valve_leaks(const LegRun& leg, const std::string& name) {
  const int k = leg.model->valve_index(name);
  return k >= 0 && leg.model->valves[static_cast<std::size_t>(k)].incompetence > 0;
}

anatomy::Point3 valve_position(const LegRun& leg, const std::string& name) {
  const int k = leg.model->valve_index(name);
  return k < 0 ? anatomy::Point3{0, 0, 0} : posed(leg, leg.model->valves[static_cast<std::size_t>(k)].position);
}

render::Camera inset_camera(const LegRun& leg, const std::string& name) { return valve_closeup_camera(leg, name); }

}  // namespace

render::Camera valve_closeup_camera(const LegRun& leg, const std::string& name) {
  // looking across the vein along the leaflets' line of closure, so that the gap between them
  // shows when they do not meet; the vein runs up the picture, 2.2 cm away
  const int k = leg.model->valve_index(name);
  render::Camera c;
  if (k < 0) return c;
  const anatomy::Valve& valve = leg.model->valves[static_cast<std::size_t>(k)];
  const anatomy::PathFrame f = leg.paths.vessels[static_cast<std::size_t>(valve.vessel)].at(valve.at);
  // the camera turns with the valve (as its leaflets do: by the weights at the vein's centre)
  const anatomy::State& st = leg.sim->state();
  const anatomy::LegPose pose = anatomy::leg_pose(leg.leg, st.ankle_rad, st.knee_rad, st.lift_m);
  const std::array<double, 2> w = anatomy::soft_weights(pose, f.c);
  const anatomy::Point3 target = anatomy::pose_point(pose, w, f.c);
  const anatomy::Point3 eye = anatomy::pose_point(pose, w, {f.c[0] - 0.022 * f.n[0], f.c[1] - 0.022 * f.n[1], f.c[2] - 0.022 * f.n[2]});
  const anatomy::Point3 up = anatomy::pose_vector(pose, w, f.t);
  for (std::size_t i = 0; i < 3; ++i) {
    c.target[i] = static_cast<float>(target[i]);
    c.eye[i] = static_cast<float>(eye[i]);
    c.up[i] = static_cast<float>(up[i]);
  }
  c.fov_deg = 30.0f;
  return c;
}

namespace {

// metres per pixel at a camera's target
float pixel_size(const render::Camera& c, int viewport_height) {
  const float d = glm::distance(glm::vec3(c.target[0], c.target[1], c.target[2]), glm::vec3(c.eye[0], c.eye[1], c.eye[2]));
  return 2.0f * d * std::tan(c.fov_deg * 3.14159265f / 360.0f) / static_cast<float>(viewport_height);
}

// which way the blood goes through the close-up's valve now: up (toward the heart) or down
// (reflux), an arrow beside the valve in the main view; none while it barely moves
void flow_arrow(Writer& o, float unit, const render::Camera& camera, const std::array<int, 4>& viewport, const LegRun& leg,
                const std::string& name) {
  const int k = leg.model->valve_index(name);
  if (k < 0) return;
  const double q_ml_s = leg.sim->state().valve_flow_m3_s[static_cast<std::size_t>(k)] * 1e6;
  if (std::abs(q_ml_s) < 0.05) return;
  const anatomy::Point3 at = valve_position(leg, name);
  const auto p = render::project(camera, {static_cast<float>(at[0]), static_cast<float>(at[1]), static_cast<float>(at[2])}, viewport);
  if (p[2] < 0 || p[2] > 1) return;
  const bool up = q_ml_s > 0;
  const std::uint32_t colour = up ? palette::kFlowUp : palette::kFlowDown;
  const float x = p[0] + 20.0f * unit, len = 26.0f * unit, head = 9.0f * unit;
  const float tip = up ? p[1] - len / 2 : p[1] + len / 2, tail = up ? p[1] + len / 2 : p[1] - len / 2;
  const float back = up ? head : -head;
  o.line(x, tail, x, tip + back * 0.5f, 4.0f * unit, colour);
  o.line(x, tip, x - head, tip + back, 4.0f * unit, colour);
  o.line(x, tip, x + head, tip + back, 4.0f * unit, colour);
}

void automatic_caption(Writer& o, const Session& scene, float unit, float W, float H);

// a storyboard's caption: centred at the bottom on a light band, wrapped to 86% of the width;
// large for a waiting room (4.4% of the height a line, against 3.3%)
void story_caption(render::Overlay& o, float unit, float W, float H, const OverlayParts& parts) {
  if (parts.caption.empty()) return;
  const float size = (parts.large_caption ? 32.0f : 24.0f) * unit, gap = 0.22f * size;
  const std::vector<std::string> lines = wrap_caption(o, parts.caption, size, 0.86f * W);
  const float block = static_cast<float>(lines.size()) * size + static_cast<float>(lines.size() - 1) * gap;
  const float bottom = H - 14.0f * unit, top = bottom - block;
  float widest = 0;
  for (const std::string& l : lines) widest = std::max(widest, o.shaped_text_width(l, size));
  const float pad = 0.45f * size;
  o.rect(W / 2 - widest / 2 - pad, top - pad * 0.7f, W / 2 + widest / 2 + pad, bottom + pad * 0.7f, rgba(255, 255, 255, 228));
  float y = top;
  for (const std::string& l : lines) {
    o.shaped_text(W / 2, y, size, l, kInk, Align::Center);  // shaped: joined Arabic letters, right to left
    y += size + gap;
  }
}

}  // namespace

// the legend's top: between the legs' plots for two, bottom left for one, above a large caption
static float legend_top(std::size_t legs, float H, const OverlayParts& parts) {
  return (legs >= 2 ? 0.655f : 0.70f) * H - (parts.story && parts.large_caption ? 0.045f * H : 0.0f);
}

static float plot_column(float vx, float vw, const OverlayParts& parts) { return vx + vw * (parts.sections ? kSectionPlotShare : 0.655f); }

std::vector<render::Inset> compose_insets(const Session& scene, int width, int height, const OverlayParts& parts) {
  std::vector<render::Inset> out;
  const float H = static_cast<float>(height), unit = H / 720.0f;
  const std::string valve = inset_valve(scene);
  for (std::size_t i = 0; i < scene.size(); ++i) {
    if (scene.leg(i).model->valve_index(valve) < 0) continue;
    const auto vp = render::leg_viewport(width, height, i, scene.size(), overlay_top(height), overlay_bottom(height, parts));
    const float vx = static_cast<float>(vp[0]), vw = static_cast<float>(vp[2]);
    const int x0 = static_cast<int>(plot_column(vx, vw, parts)), x1 = static_cast<int>(vx + vw - 12.0f * unit);
    // above a storyboard's caption band
    const int y0 = static_cast<int>(0.735f * H), y1 = static_cast<int>(std::min(0.905f * H, H - static_cast<float>(overlay_bottom(height, parts)) - 4.0f * unit));
    if (x1 - x0 < 32 || y1 - y0 < 32) continue;
    // the veins, their valves and the blood only: nothing in front of or behind the valve
    // small blood spheres (0.2 mm), so that the leaflets show through the stream
    out.push_back({i, inset_camera(scene.leg(i), valve), {x0, y0, x1 - x0, y1 - y0},
                   render::tissue_bit(anatomy::StructureKind::Vein) | render::tissue_bit(anatomy::StructureKind::Valve), 0.0002f});
  }
  return out;
}

int overlay_top(int height) { return static_cast<int>(std::lround(0.075 * height)); }
int overlay_bottom(int height, const OverlayParts& parts) {
  if (!parts.story) return static_cast<int>(std::lround(0.075 * height));
  // two caption lines with their gap and the band's padding, 14 px (at 720) from the bottom edge
  const float unit = static_cast<float>(height) / 720.0f, size = (parts.large_caption ? 32.0f : 24.0f) * unit;
  return static_cast<int>(std::lround(14.0f * unit + 2.0f * size + 0.22f * size + 2.0f * 0.7f * 0.45f * size + 4.0f * unit));
}

std::vector<std::string> wrap_caption(const render::Overlay& o, const std::string& text, float size, float width) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string paragraph = text.substr(start, end - start);
    std::string line;
    std::size_t at = 0;
    while (at < paragraph.size()) {
      std::size_t next = paragraph.find(' ', at);
      if (next == std::string::npos) next = paragraph.size();
      const std::string word = paragraph.substr(at, next - at);
      const std::string longer = line.empty() ? word : line + " " + word;
      if (!line.empty() && o.shaped_text_width(longer, size) > width) {
        lines.push_back(line);
        line = word;
      } else {
        line = longer;
      }
      at = next + 1;
    }
    if (!line.empty()) lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

void compose_overlay(const Session& scene, const render::Camera& camera, int width, int height, std::span<const render::Inset> insets,
                     render::Overlay& out, const OverlayParts& parts) {
  out.clear();
  Writer o{out, parts.text};
  const float unit = static_cast<float>(height) / 720.0f;
  const float W = static_cast<float>(width), H = static_cast<float>(height);
  const std::size_t n = scene.size();
  if (n == 0) return;
  const double now = scene.time();

  // a common scale for both legs' plots, so that heights compare
  double volume_max = 50;
  for (std::size_t i = 0; i < n; ++i)
    for (const Sample& s : scene.leg(i).history) volume_max = std::max(volume_max, s.calf_ml);
  volume_max = std::ceil(volume_max / 50.0) * 50.0;

  const std::string valve = inset_valve(scene);
  for (std::size_t i = 0; i < n; ++i) {
    const LegRun& leg = scene.leg(i);
    const auto vp = render::leg_viewport(width, height, i, n, overlay_top(height), overlay_bottom(height, parts));
    const float vx = static_cast<float>(vp[0]), vw = static_cast<float>(vp[2]);
    const float px0 = plot_column(vx, vw, parts), px1 = vx + vw - 12.0f * unit;
    // a cross-section view: the cut's faces over the cut-away leg, labelled in the first leg
    if (parts.sections && i < parts.sections->size())
      draw_section(o, unit, (*parts.sections)[i], camera, vp, parts.labels && n == 1, vx + 12.0f * unit,
                   parts.plots ? legend_top(n, H, parts) - 10.0f * unit : static_cast<float>(vp[1] + vp[3]));
    // title, shrunk to fit its half but never below the smallest text size
    const std::string& title = leg.scenario.title.empty() ? leg.scenario.name : leg.scenario.title;
    float size = 30.0f * unit;
    const float fit = (vw - 24.0f * unit) / std::max(1.0f, o.text_width(title, size, true)) * size;
    size = std::max(kMinTextShare * H, std::min(size, fit));
    if (parts.titles) o.text(vx + vw / 2, 12.0f * unit, size, title, kInk, Align::Center, true);
    if (i + 1 < n) o.line(vx + vw, 60.0f * unit, vx + vw, H - 60.0f * unit, 1.0f * unit, kGrid);

    if (parts.plots) {
    // the normal range of the ankle vein pressure when walking: 15-30 mmHg (Nicolaides et al.,
    // Circulation 2000;102:e126; data/CALIBRATION.md)
    plot(o, unit, px0, 0.14f * H, px1, 0.40f * H,
         {"Ankle vein pressure", "mmHg", 120.0, kPressure, &Sample::ankle_mmHg, 15.0, 30.0, "normal, walking"}, leg.history, now);
    plot(o, unit, px0, 0.43f * H, px1, 0.69f * H, {"Blood left in calf veins", "ml", volume_max, kVolume, &Sample::calf_ml}, leg.history, now);
    o.text(px1, 0.69f * H + 3.0f * unit, 19.0f * unit, "last 10 seconds", kMuted, Align::Right);
    }
    if (!parts.labels || parts.sections) continue;

    const anatomy::LegPaths& paths = leg.paths;
    const bool leaks = valve_leaks(leg, valve);
    if (i == 0) {
      labels(o, unit, camera, vp,
             {{"Gastrocnemius", body_point(leg, paths, "gastrocnemius-medial", 0.3)},
              {"Soleus", body_point(leg, paths, "soleus", 0.8)},
              {"Popliteal vein (deep)", vessel_point(leg, paths, "popliteal", 0.5)},
              {"Great saphenous vein", vessel_point(leg, paths, "gsv", 0.25)},
              {leaks ? "Leaky valve" : "One-way valve", valve_position(leg, valve)}},
             vx + 12.0f * unit, true);
    } else {
      // what differs: the valve leaks, blood falls back below it, dilated veins stretch
      std::vector<Anchor> anchors;
      if (leaks) {
        const int k = leg.model->valve_index(valve);
        const anatomy::Valve& v = leg.model->valves[static_cast<std::size_t>(k)];
        anchors.push_back({"Leaky valve", v.position});
        anchors.push_back({"Blood falls back",
                           posed(leg, anatomy::path_point(paths.vessels[static_cast<std::size_t>(v.vessel)], std::max(0.05, v.at - 0.15), 0, 0, 0))});
      }
      const auto& scale = leg.scenario.condition.vessel_diameter_scale;
      const auto widest = std::max_element(scale.begin(), scale.end());
      if (widest != scale.end() && *widest > 1.05)
        anchors.push_back({"Stretched veins", posed(leg, anatomy::path_point(paths.vessels[static_cast<std::size_t>(widest - scale.begin())], 0.5, 0, 0, 0))});
      if (!anchors.empty()) labels(o, unit, camera, vp, anchors, vx + 12.0f * unit, true);
    }
    flow_arrow(o, unit, camera, vp, leg, valve);
  }

  // legend: between the legs when there are two (the second leg's label column), else bottom left
  if (parts.plots) {
    const auto vp = render::leg_viewport(width, height, n - 1, n, overlay_top(height), overlay_bottom(height, parts));
    const float x = (n >= 2 ? static_cast<float>(vp[0]) : 0.0f) + 12.0f * unit, size = 19.5f * unit, row = 28.0f * unit;
    const float sw = 26.0f * unit, bar = 150.0f * unit;
    float y = legend_top(n, H, parts);
    o.text(x, y, size, "Blood colour", kInk, Align::Left, true);
    y += row;
    o.rect_gradient_h(x, y + 2.0f * unit, x + bar, y + size - 4.0f * unit, palette::kBloodFresh, palette::kBloodOld);
    y += row - 6.0f * unit;
    o.text(x, y, size, "fresh", kMuted);
    o.text(x + bar, y, size, "1 min in leg", kMuted, Align::Right);
    y += row + 6.0f * unit;
    o.rect(x, y + 3.0f * unit, x + sw, y + size - 3.0f * unit, palette::kWallSwatch);  // the see-through wall as it looks
    o.text(x + sw + 8.0f * unit, y, size, "Vein wall", kInk);
    y += row;
    o.rect(x, y + 3.0f * unit, x + sw, y + size - 3.0f * unit, palette::kMuscleSwatch);
    o.text(x + sw + 8.0f * unit, y, size, "Calf muscle", kInk);
  }

  // the close-ups: a frame, what they show and how much larger, and where in the leg
  for (const render::Inset& inset : insets) {
    const auto& v = inset.viewport;
    const float x0 = static_cast<float>(v[0]), y0 = static_cast<float>(v[1]), x1 = x0 + static_cast<float>(v[2]), y1 = y0 + static_cast<float>(v[3]);
    const std::uint32_t edge = rgba(60, 66, 80);
    o.line(x0, y0, x1, y0, 1.5f * unit, edge);
    o.line(x1, y0, x1, y1, 1.5f * unit, edge);
    o.line(x1, y1, x0, y1, 1.5f * unit, edge);
    o.line(x0, y1, x0, y0, 1.5f * unit, edge);
    const auto main_vp = render::leg_viewport(width, height, inset.slot, n, overlay_top(height), overlay_bottom(height, parts));
    const float zoom = pixel_size(camera, main_vp[3]) / pixel_size(inset.camera, v[3]);
    const std::string what = fmt::format(fmt::runtime(o.word("Ringed valve, {:.0f}x")), zoom);
    const float size = 19.5f * unit;
    o.rect(x0 + 2.0f * unit, y0 + 2.0f * unit, x0 + o.text_width(what, size) + 10.0f * unit, y0 + size + 6.0f * unit, rgba(255, 255, 255, 200));
    o.text(x0 + 6.0f * unit, y0 + 4.0f * unit, size, what, kInk);
    // the valve in the main view: a ring
    const anatomy::Point3 at = valve_position(scene.leg(inset.slot), valve);
    const auto p = render::project(camera, {static_cast<float>(at[0]), static_cast<float>(at[1]), static_cast<float>(at[2])}, main_vp);
    if (p[2] >= 0 && p[2] <= 1 && !parts.sections) {  // (a cut view has removed it)
      std::vector<std::array<float, 2>> ring;
      for (int k = 0; k <= 24; ++k) {
        const float a = 2.0f * 3.14159265f * static_cast<float>(k) / 24.0f;
        ring.push_back({p[0] + 9.0f * unit * std::cos(a), p[1] + 9.0f * unit * std::sin(a)});
      }
      o.polyline(ring, 2.0f * unit, edge);
    }
  }

  if (parts.story) {
    story_caption(out, unit, W, H, parts);
  } else {
    automatic_caption(o, scene, unit, W, H);
  }
  // the clock, bottom left, under the legend's column
  if (parts.plots && !parts.story) o.text(12.0f * unit, 0.885f * H, 19.5f * unit, fmt::format("t = {:.1f} s", now), kMuted);
  // enlarged movement is never shown as if it were true scale: centred at the top of the legs'
  // band, under the titles, on a light panel (clear of the labels, plots, legend and captions)
  if (parts.emphasis != 1.0) {
    const float size = 19.5f * unit, pad = 6.0f * unit;
    const std::string notice = fmt::format(fmt::runtime(o.word("Movement shown {:g}x larger")), parts.emphasis);
    const float w = o.text_width(notice, size, true), y = static_cast<float>(overlay_top(height)) + 2.0f * unit;
    o.rect(W / 2 - w / 2 - pad, y - 2.0f * unit, W / 2 + w / 2 + pad, y + size + 4.0f * unit, rgba(255, 255, 255, 215));
    o.text(W / 2, y, size, notice, kInk, Align::Center, true);
  }
  if (parts.blank) out.rect(0, 0, W, H, rgba(0, 0, 0));
  if (parts.fade > 0 && !parts.blank) out.rect(0, 0, W, H, rgba(244, 244, 246, static_cast<int>(std::lround(std::clamp(parts.fade, 0.0f, 1.0f) * 255))));
}

namespace {

// what the first leg is doing, in plain words; with a leaky second leg, what differs
void automatic_caption(Writer& o, const Session& scene, float unit, float W, float H) {
  const std::size_t n = scene.size();
  const double now = scene.time();
  const float caption = 21.5f * unit;
  const anatomy::Scenario& first = scene.leg(0).scenario;
  const bool active = now >= first.activity_start_s;
  std::string line1;
  switch (active ? first.activity.kind : anatomy::ActivityKind::Still) {
    case anatomy::ActivityKind::Walking:
      line1 = "Each step, the calf muscles squeeze the deep veins; one-way valves keep the blood going up.";
      break;
    case anatomy::ActivityKind::Tiptoe:
      line1 = "Rising on the toes, the calf muscles squeeze the deep veins; one-way valves keep the blood going up.";
      break;
    case anatomy::ActivityKind::AnklePumps:
      line1 = "Each ankle pump squeezes the deep veins of the calf; one-way valves keep the blood going up.";
      break;
    case anatomy::ActivityKind::Still:
      line1 = "Standing still, nothing squeezes the veins: the weight of the blood column rests on the ankle.";
      break;
  }
  std::string line2;
  if (n >= 2) {
    bool leaky = false;
    for (double inc : scene.leg(1).scenario.condition.valve_incompetence) leaky = leaky || inc > 0;
    if (leaky) line2 = "Right: leaky valves let blood fall back down, so the ankle vein pressure stays high.";
  }
  // each sentence in the frame's language on a line of its own, the text made smaller (to 70%)
  // where one is wider than the frame, and wrapped only below that; stacked up from the bottom edge
  std::vector<std::string> sentences{o.word(line1)};
  if (!line2.empty()) sentences.push_back(o.word(line2));
  float size = caption;
  std::vector<std::string> lines;
  for (int step = 0; step < 8; ++step, size *= 0.95f) {
    lines.clear();
    for (const std::string& sentence : sentences)
      for (std::string& l : wrap_caption(o.out, sentence, size, 0.94f * W)) lines.push_back(std::move(l));
    if (lines.size() <= sentences.size()) break;
  }
  const float bottom = H - 8.0f * unit - size;
  for (std::size_t i = 0; i < lines.size(); ++i)
    o.text(W / 2, bottom - static_cast<float>(lines.size() - 1 - i) * (size + 4.0f * unit), size, lines[i], kInk, Align::Center);
}

}  // namespace

OverlayText OverlayText::load(const std::string& lang, const std::string& table_name) {
  OverlayText t;
  t.lang_ = lang;
  if (lang == "en") return t;
  const std::string file = (anatomy::data_dir() / "text" / (table_name + ".toml")).string();
  const toml::table root = anatomy::detail::parse_toml_file(file);
  const toml::node* node = root.get(lang);
  if (!node) return t;  // no table: English, as for a text without an entry
  const toml::table* table = node->as_table();
  if (!table) throw anatomy::ConfigError(file, node->source().begin.line, node->source().begin.column, lang, "expected a table of English text = translation");
  for (auto&& [k, v] : *table) {
    const auto* str = v.as_string();
    if (!str || str->get().empty())
      throw anatomy::ConfigError(file, v.source().begin.line, v.source().begin.column, lang + "." + std::string(k.str()), "expected the text's translation (a string)");
    t.table_.emplace_back(std::string(k.str()), str->get());
  }
  std::sort(t.table_.begin(), t.table_.end());
  return t;
}

std::string OverlayText::operator()(std::string_view english) const {
  const auto it = std::lower_bound(table_.begin(), table_.end(), english, [](const auto& e, std::string_view k) { return e.first < k; });
  return it != table_.end() && it->first == english ? it->second : std::string(english);
}

std::vector<std::string> OverlayText::texts() const {
  std::vector<std::string> out;
  for (const auto& [en, t] : table_) out.push_back(t);
  return out;
}

}  // namespace calfpump::app
