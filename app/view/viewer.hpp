#pragma once
// The viewer's state between frames (app/view): its session, renderer and window target, the
// orbit camera, the keys' and clicks' actions. view.cpp runs the loop and the window system;
// panel.cpp draws the control panel.

#include <array>
#include <atomic>
#include <cmath>
#include <future>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <GLFW/glfw3.h>
#include <fmt/format.h>

#include "anatomy/geometry.hpp"
#include "anatomy/protocols.hpp"
#include "app/attach.hpp"
#include "app/compose.hpp"
#include "app/frame_overlay.hpp"
#include "app/section_view.hpp"
#include "app/pick.hpp"
#include "app/session.hpp"
#include "render/renderer.hpp"
#include "render/target.hpp"
#include "view/view.hpp"
#include "view/window.hpp"

namespace calfpump::app::viewer {

inline constexpr double kPi = 3.14159265358979;
inline constexpr double kScriptFps = 30.0;  // frames per second of the script clock

// the camera as the viewer turns it: around a target, z up
struct Orbit {
  double yaw_deg = 0, pitch_deg = 0, distance = 1;
  std::array<float, 3> target{};
  float fov_deg = 35;

  static Orbit from(const render::Camera& c) {
    Orbit o;
    o.target = c.target;
    o.fov_deg = c.fov_deg;
    const double dx = c.eye[0] - c.target[0], dy = c.eye[1] - c.target[1], dz = c.eye[2] - c.target[2];
    o.distance = std::sqrt(dx * dx + dy * dy + dz * dz);
    o.yaw_deg = std::atan2(dy, dx) * 180.0 / kPi;
    o.pitch_deg = std::asin(dz / o.distance) * 180.0 / kPi;
    return o;
  }
  render::Camera camera() const {
    render::Camera c;
    c.target = target;
    c.fov_deg = fov_deg;
    const double y = yaw_deg * kPi / 180.0, p = pitch_deg * kPi / 180.0;
    c.eye = {static_cast<float>(target[0] + distance * std::cos(p) * std::cos(y)), static_cast<float>(target[1] + distance * std::cos(p) * std::sin(y)),
             static_cast<float>(target[2] + distance * std::sin(p))};
    return c;
  }
  void turn(double dyaw, double dpitch) {
    yaw_deg = std::remainder(yaw_deg + dyaw, 360.0);
    pitch_deg = std::clamp(pitch_deg + dpitch, -85.0, 85.0);
  }
  void zoom(double steps) { distance = std::clamp(distance * std::pow(0.9, steps), 0.03, 4.0); }
};

// degrees of orbit per pixel dragged
inline constexpr double kDegreesPerPixel = 0.3;

// One timed event of a script (view/window.hpp).
using Event = ScriptEvent;

inline const std::map<std::string, int>& key_names() {
  static const std::map<std::string, int> k{
      {"SPACE", GLFW_KEY_SPACE}, {"PERIOD", GLFW_KEY_PERIOD}, {"PLUS", GLFW_KEY_EQUAL}, {"MINUS", GLFW_KEY_MINUS}, {"R", GLFW_KEY_R},
      {"H", GLFW_KEY_H}, {"O", GLFW_KEY_O},         {"F11", GLFW_KEY_F11},       {"F12", GLFW_KEY_F12},  {"ESCAPE", GLFW_KEY_ESCAPE}, {"Q", GLFW_KEY_Q},
      {"LEFT", GLFW_KEY_LEFT},   {"RIGHT", GLFW_KEY_RIGHT},   {"UP", GLFW_KEY_UP},    {"DOWN", GLFW_KEY_DOWN},     {"PAGE_UP", GLFW_KEY_PAGE_UP},
      {"PAGE_DOWN", GLFW_KEY_PAGE_DOWN}, {"1", GLFW_KEY_1},   {"2", GLFW_KEY_2},      {"3", GLFW_KEY_3},           {"4", GLFW_KEY_4},  {"SLASH", GLFW_KEY_SLASH},
      {"L", GLFW_KEY_L}};
  return k;
}

inline constexpr const char* kKeys =
    "keys: Space pause/resume, . one step while paused, + / - faster / slower (slow motion), R restart, H panel on/off, O overlay on/off,\n"
    "      arrows orbit, Page Up / Page Down zoom, drag to orbit, scroll to zoom, 1 whole leg, 2 calf, 3 valve close-up,\n"
    "      4 cross-section (the calf cut across at mid-calf, seen from above),\n"
    "      click a valve to make it leaky (or competent again), Shift-click for every valve of its vein,\n"
    "      L the whole great saphenous vein of the first leg,\n"
    "      F11 full screen, F12 save the frame as PNG, ? these keys, Esc or Q quit";

// the viewer's state between frames
struct Viewer {
  const ViewOptions& o;
  GLFWwindow* window = nullptr;
  std::unique_ptr<Fonts> fonts;
  anatomy::LegGeometry rest;
  std::shared_ptr<const SectionCut> section;  ///< the cross-section preset's cut; null: the leg whole
  std::unique_ptr<render::Renderer> renderer;
  std::unique_ptr<render::SwapchainTarget> target;
  std::unique_ptr<render::OffscreenTarget> stills;  // F12: the same frame offscreen
  std::unique_ptr<Session> session;
  Orbit orbit;
  bool paused = false, step_once = false, overlay = true, fullscreen = false, quit = false;
  bool panel = true;  // the control panel (H)
  render::LayerOpacity layers = render::default_layers();
  std::size_t particles = 0;   // per leg, as seeded
  double frame_ms = 0;         // the last frames' time, smoothed
  int slow = 0, fast = 0;      // frames in a row slower than 15 fps, faster than 22 fps (render scale)
  // the clinical figures, computed in the background for the legs' current conditions
  struct Figures {
    std::vector<std::string> legs;
    std::vector<anatomy::AvpResult> avp;
    std::vector<anatomy::ApgResult> apg;
  };
  std::future<Figures> computing;
  std::shared_ptr<std::atomic<double>> simulated_s = std::make_shared<std::atomic<double>>(0.0);
  std::unique_ptr<Figures> figures;
  void draw_panel();
  void compute_figures();
  double time_scale = 1.0;
  int windowed[4] = {0, 0, 0, 0};  // x, y, w, h before full screen
  bool dragging = false;
  double last_x = 0, last_y = 0;
  std::uint64_t frames = 0, recreated = 0, screenshot_count = 0;
  std::vector<std::string> screenshots;
  std::vector<std::string> toggled;  // valve changes, in order ("leg 0: gsv-knee leaky")
  std::string picked;                // the last structure clicked
  // hovering: the structure under the resting pointer, named in a tooltip
  double hover_x = -1, hover_y = -1, hover_since = 0, last_click = -1;
  bool hover_done = true;
  std::string hover_label;
  std::string framed;                // the structure a double-click framed
  bool pending_click = false, click_shift = false;  // a click waiting to see whether a second follows
  double click_x = 0, click_y = 0;
  double press_x = 0, press_y = 0;
  render::FrameDesc last;  // the last frame drawn (F12 draws it again offscreen)

  explicit Viewer(const ViewOptions& options) : o(options), time_scale(options.time_scale) {}

  void restart() {
    std::vector<std::string> names{o.scenario};
    if (!o.compare.empty()) names.push_back(o.compare);
    auto s = std::make_unique<Session>(names);
    attach(*renderer, *s, rest);
    if (particles == 0) particles = o.particles;
    start_at(*s, *renderer, std::min(o.start_s, s->duration()), particles);
    session = std::move(s);
  }

  void preset(int which) {
    section.reset();  // only the cross-section preset cuts the leg
    if (which == 1) {  // the whole leg, knee to foot and the thigh's veins
      render::Camera c;
      c.target = {0.0f, 0.02f, 0.45f};
      c.eye = {-1.0f, -1.7f, 0.6f};
      orbit = Orbit::from(c);
    } else if (which == 2) {  // the calf (the default view)
      orbit = Orbit::from(render::Camera{});
    } else if (which == 3 && session) {  // the great saphenous valve at the knee, close
      const LegRun& l = session->leg(0);
      const int k = l.model->valve_index("gsv-knee");
      if (k < 0) return;
      const auto& p = l.model->valves[static_cast<std::size_t>(k)].position;
      render::Camera c;
      c.target = {static_cast<float>(p[0]), static_cast<float>(p[1]), static_cast<float>(p[2])};
      c.eye = {c.target[0] - 0.05f, c.target[1] - 0.03f, c.target[2] + 0.01f};
      c.fov_deg = 30.0f;
      orbit = Orbit::from(c);
    } else if (which == 4 && session) {  // the calf cut across at mid-calf, seen from above
      section = std::make_shared<const SectionCut>(rest, 0.5);
      OverlayParts parts;
      parts.plots = overlay;
      orbit = Orbit::from(section->frame_camera(target ? target->width() : 1280, target ? target->height() : 720, session->size(), parts));
    }
  }

  void key(int k) {
    switch (k) {
      case GLFW_KEY_SPACE: paused = !paused; break;
      case GLFW_KEY_PERIOD: step_once = true; break;
      case GLFW_KEY_EQUAL: case GLFW_KEY_KP_ADD: time_scale = std::min(4.0, time_scale * 2.0); break;
      case GLFW_KEY_MINUS: case GLFW_KEY_KP_SUBTRACT: time_scale = std::max(1.0 / 16.0, time_scale / 2.0); break;
      case GLFW_KEY_R: restart(); break;
      case GLFW_KEY_H: panel = !panel; break;
      case GLFW_KEY_O: overlay = !overlay; break;
      case GLFW_KEY_LEFT: orbit.turn(-15, 0); break;
      case GLFW_KEY_RIGHT: orbit.turn(15, 0); break;
      case GLFW_KEY_UP: orbit.turn(0, 10); break;
      case GLFW_KEY_DOWN: orbit.turn(0, -10); break;
      case GLFW_KEY_PAGE_UP: orbit.zoom(1); break;
      case GLFW_KEY_PAGE_DOWN: orbit.zoom(-1); break;
      case GLFW_KEY_1: preset(1); break;
      case GLFW_KEY_2: preset(2); break;
      case GLFW_KEY_3: preset(3); break;
      case GLFW_KEY_4: preset(4); break;
      case GLFW_KEY_F11: toggle_fullscreen(); break;
      case GLFW_KEY_F12: screenshot(fmt::format("calfpump-view-{:03}.png", ++screenshot_count)); break;
      case GLFW_KEY_SLASH: fmt::print("{}\n", kKeys); break;
      case GLFW_KEY_L: toggle_saphenous(); break;
      case GLFW_KEY_ESCAPE: case GLFW_KEY_Q: quit = true; break;
      default: break;
    }
  }

  // A valve's competence while the leg runs: the model is built again and the simulation goes on
  // from its state, so the ankle pressure shows the change over the next steps. Leaky is 0.5 of
  // the open area left on closure: between the saphenous-reflux scenario's 0.3 and the deep
  // reflux scenario's destroyed valves (1.0).
  static constexpr double kLeaky = 0.5;
  void set_valves(std::size_t leg, const std::vector<int>& valves, bool leaky) {
    anatomy::Condition c = session->leg(leg).scenario.condition;
    for (int k : valves) {
      c.valve_incompetence[static_cast<std::size_t>(k)] = leaky ? kLeaky : 0.0;
      const std::string what = fmt::format("leg {}: {} {}", leg, session->leg(leg).model->valves[static_cast<std::size_t>(k)].name, leaky ? "leaky" : "competent");
      toggled.push_back(what);
      fmt::print("{}\n", what);
    }
    session->set_condition(leg, c);
    renderer->replace_model(*session->leg(leg).model, leg);
  }

  // a click picks a structure; on a valve it toggles the valve, with Shift every valve of its vein
  // (one leaky valve with competent ones below it refluxes only between them, as in segmental
  // reflux: the ankle pressure shows a whole vein)
  // a structure's name as a reader would say it: its label in the description ("Soleus",
  // "Great saphenous vein"), a valve by its vein and site
  std::string label_of(const Pick& p) const {
    const anatomy::LegDescription& d = session->leg(static_cast<std::size_t>(p.leg)).leg;
    for (const auto& b : d.bodies)
      if (b.name == p.structure && !b.label.empty()) return b.label;
    for (const auto& v : d.vessels)
      if (v.name == p.structure && !v.label.empty()) return v.label;
    if (p.valve >= 0) {
      const anatomy::Valve& v = session->leg(static_cast<std::size_t>(p.leg)).model->valves[static_cast<std::size_t>(p.valve)];
      const auto& vessel = d.vessels[static_cast<std::size_t>(v.vessel)];
      return fmt::format("Valve {} ({}){}", v.name, vessel.label.empty() ? vessel.name : vessel.label, v.incompetence > 0 ? ", leaky" : "");
    }
    return p.structure;
  }

  // a double-click frames what it hits: the camera turns to it and comes as close as its size asks
  void frame_at(double x, double y) {
    if (last.legs.empty()) return;
    const Pick p = pick(*session, rest, last, static_cast<float>(x), static_cast<float>(y));
    if (p.leg < 0) return;
    const auto viewport = render::leg_viewport(last.width, last.height, static_cast<std::size_t>(p.leg), session->size(), last.leg_top, last.leg_bottom);
    const auto ray = render::pick_ray(last.camera, viewport, static_cast<float>(x), static_cast<float>(y));
    for (std::size_t k = 0; k < 3; ++k) orbit.target[k] = ray[0][k] + p.distance_m * ray[1][k];
    using K = anatomy::StructureKind;
    orbit.distance = p.kind == K::Valve ? 0.05 : p.kind == K::Vein ? 0.15 : p.kind == K::Muscle || p.kind == K::Tendon ? 0.45 : 0.7;
    framed = label_of(p);
    fmt::print("framed {}\n", framed);
  }

  void click(double x, double y, bool whole_vein = false) {
    if (last.legs.empty()) return;
    const Pick p = pick(*session, rest, last, static_cast<float>(x), static_cast<float>(y));
    if (p.leg < 0) return;
    picked = p.structure;
    fmt::print("picked {} ({}, leg {})\n", p.structure, anatomy::structure_kind_name(p.kind), p.leg);
    if (p.valve < 0) return;
    const auto leg = static_cast<std::size_t>(p.leg);
    const anatomy::Model& m = *session->leg(leg).model;
    const bool leaky = m.valves[static_cast<std::size_t>(p.valve)].incompetence > 0.0;
    std::vector<int> valves{p.valve};
    if (whole_vein) {
      valves.clear();
      for (std::size_t k = 0; k < m.valves.size(); ++k)
        if (m.valves[k].vessel == m.valves[static_cast<std::size_t>(p.valve)].vessel) valves.push_back(static_cast<int>(k));
    }
    set_valves(leg, valves, !leaky);
  }

  // every valve of the first leg's great saphenous vein, leaky or all competent again
  void toggle_saphenous() {
    const LegRun& l = session->leg(0);
    const int gsv = l.leg.vessel_index("gsv");
    std::vector<int> valves;
    bool leaky = false;
    for (std::size_t k = 0; k < l.model->valves.size(); ++k)
      if (l.model->valves[k].vessel == gsv) {
        valves.push_back(static_cast<int>(k));
        leaky = leaky || l.model->valves[k].incompetence > 0.0;
      }
    if (!valves.empty()) set_valves(0, valves, !leaky);
  }

  std::array<int, 2> window_size() const {
    std::array<int, 2> s{};
    glfwGetWindowSize(window, &s[0], &s[1]);
    return s;
  }

  // A script's window event takes effect before the script's clock goes on: the window system
  // applies it when it gets to it (later on a loaded machine), and the script's frames count from
  // there, so that a run repeats. At most 2 s, for a window system that ignores the request.
  template <class Done>
  void settle(Done done) {
    for (int i = 0; i < 40 && !done(); ++i) glfwWaitEventsTimeout(0.05);
  }

  void toggle_fullscreen() {
    GLFWmonitor* monitor = glfwGetPrimaryMonitor();
    if (!fullscreen && monitor) {
      glfwGetWindowPos(window, &windowed[0], &windowed[1]);
      glfwGetWindowSize(window, &windowed[2], &windowed[3]);
      const GLFWvidmode* mode = glfwGetVideoMode(monitor);
      glfwSetWindowMonitor(window, monitor, 0, 0, mode->width, mode->height, mode->refreshRate);
      fullscreen = true;
    } else if (fullscreen) {
      glfwSetWindowMonitor(window, nullptr, windowed[0], windowed[1], windowed[2], windowed[3], 0);
      fullscreen = false;
    }
  }

  // the last frame as a PNG: the same frame description drawn offscreen (same state, camera and
  // size; the blood where the window's frame left it)
  void screenshot(const std::string& file) {
    if (last.legs.empty()) return;
    render::FrameDesc f = last;
    f.particle_dt = 0;
    if (!stills) stills = std::make_unique<render::OffscreenTarget>(*renderer, f.width, f.height);
    if (stills->width() != f.width || stills->height() != f.height) stills->resize(f.width, f.height);
    render::Image img;
    const render::FrameStatus st = render::render_image(*renderer, *stills, f, img);
    if (!st) {
      fmt::print(stderr, "calfpump: the screenshot failed: {}\n", st.message);
      return;
    }
    render::write_png(img, file);
    screenshots.push_back(file);
    fmt::print("saved {} ({}x{})\n", file, img.width, img.height);
  }

  void apply(const Event& e) {
    if (e.what == "key") key(key_names().at(e.args[0]));
    else if (e.what == "drag") orbit.turn(-std::stod(e.args[0]) * kDegreesPerPixel, std::stod(e.args[1]) * kDegreesPerPixel);
    else if (e.what == "click") click(std::stod(e.args[0]), std::stod(e.args[1]));
    else if (e.what == "click-vein") click(std::stod(e.args[0]), std::stod(e.args[1]), true);
    else if (e.what == "double-click") frame_at(std::stod(e.args[0]), std::stod(e.args[1]));
    else if (e.what == "hover") {
      hover_x = std::stod(e.args[0]);
      hover_y = std::stod(e.args[1]);
      hover_since = -1e9;  // named at the next frame
      hover_done = false;
    }
    else if (e.what == "scroll") orbit.zoom(std::stod(e.args[0]));
    else if (e.what == "resize") {
      const int w = std::stoi(e.args[0]), h = std::stoi(e.args[1]);
      glfwSetWindowSize(window, w, h);
      settle([&] { return window_size() == std::array<int, 2>{w, h}; });
    } else if (e.what == "iconify") {
      glfwIconifyWindow(window);
      settle([&] { return glfwGetWindowAttrib(window, GLFW_ICONIFIED) != 0; });
    } else if (e.what == "restore") {
      glfwRestoreWindow(window);
      settle([&] { return glfwGetWindowAttrib(window, GLFW_ICONIFIED) == 0; });
    } else if (e.what == "fullscreen") {
      const std::array<int, 2> before = window_size();
      toggle_fullscreen();
      settle([&] { return window_size() != before; });
    }
    else if (e.what == "screenshot") screenshot(e.args[0]);
    else if (e.what == "quit") quit = true;
  }
};

}  // namespace calfpump::app::viewer
