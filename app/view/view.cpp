// The live window: a GLFW window with a Vulkan swapchain target of the one renderer, a session
// that runs live, an orbit camera, and keys for pause, single step, slow motion, restart, the
// overlay, full screen and screenshots. A script of timed events drives it headless under Xvfb
// for the tests (the clock is then the frame count, so a run repeats exactly).

#include "view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <vector>

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "anatomy/error.hpp"
#include "anatomy/geometry_io.hpp"
#include "app/attach.hpp"
#include "app/compose.hpp"
#include "app/pick.hpp"
#include "app/session.hpp"
#include "render/renderer.hpp"
#include "render/target.hpp"

namespace calfpump::app {

namespace {

constexpr double kPi = 3.14159265358979;
constexpr double kScriptFps = 30.0;  // frames per second of the script clock

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
constexpr double kDegreesPerPixel = 0.3;

// One timed event of a script: "TIME_S WHAT ARGS..." per line, # comments.
struct Event {
  double t = 0;
  std::string what;
  std::vector<std::string> args;
  int line = 0;
};

const std::map<std::string, int>& key_names() {
  static const std::map<std::string, int> k{
      {"SPACE", GLFW_KEY_SPACE}, {"PERIOD", GLFW_KEY_PERIOD}, {"PLUS", GLFW_KEY_EQUAL}, {"MINUS", GLFW_KEY_MINUS}, {"R", GLFW_KEY_R},
      {"H", GLFW_KEY_H},         {"F11", GLFW_KEY_F11},       {"F12", GLFW_KEY_F12},  {"ESCAPE", GLFW_KEY_ESCAPE}, {"Q", GLFW_KEY_Q},
      {"LEFT", GLFW_KEY_LEFT},   {"RIGHT", GLFW_KEY_RIGHT},   {"UP", GLFW_KEY_UP},    {"DOWN", GLFW_KEY_DOWN},     {"PAGE_UP", GLFW_KEY_PAGE_UP},
      {"PAGE_DOWN", GLFW_KEY_PAGE_DOWN}, {"1", GLFW_KEY_1},   {"2", GLFW_KEY_2},      {"3", GLFW_KEY_3},           {"SLASH", GLFW_KEY_SLASH},
      {"L", GLFW_KEY_L}};
  return k;
}

std::vector<Event> load_script(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw anatomy::ConfigError(file, 0, 0, "--script", "cannot read the script");
  std::vector<Event> events;
  std::string text;
  int line = 0;
  const std::map<std::string, std::size_t> arity{{"key", 1}, {"drag", 2}, {"click", 2}, {"click-vein", 2}, {"scroll", 1}, {"resize", 2}, {"iconify", 0},
                                                 {"restore", 0}, {"fullscreen", 0}, {"screenshot", 1}, {"quit", 0}};
  while (std::getline(in, text)) {
    ++line;
    if (const auto hash = text.find('#'); hash != std::string::npos) text.resize(hash);
    std::istringstream words(text);
    Event e;
    e.line = line;
    if (!(words >> e.t)) {
      if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
      throw anatomy::ConfigError(file, line, 1, "time", "a line starts with the event's time in seconds");
    }
    if (!(e.t >= 0)) throw anatomy::ConfigError(file, line, 1, "time", "an event's time is 0 s or later");
    if (!(words >> e.what) || !arity.count(e.what))
      throw anatomy::ConfigError(file, line, 0, e.what, "expected an event: key, drag, click, click-vein, scroll, resize, iconify, restore, fullscreen, screenshot or quit");
    for (std::string w; words >> w;) e.args.push_back(w);
    if (e.args.size() != arity.at(e.what))
      throw anatomy::ConfigError(file, line, 0, e.what, fmt::format("'{}' takes {} value(s)", e.what, arity.at(e.what)));
    if (e.what == "key" && !key_names().count(e.args[0])) throw anatomy::ConfigError(file, line, 0, "key", fmt::format("'{}' is not a key this viewer knows", e.args[0]));
    if (e.what == "drag" || e.what == "click" || e.what == "click-vein" || e.what == "scroll" || e.what == "resize")
      for (const std::string& a : e.args) {
        char* end = nullptr;
        std::strtod(a.c_str(), &end);
        if (end == a.c_str() || *end != '\0') throw anatomy::ConfigError(file, line, 0, e.what, fmt::format("'{}' is not a number", a));
      }
    events.push_back(std::move(e));
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
  return events;
}

std::pair<int, int> parse_window_size(const std::string& text) {
  int w = 0, h = 0;
  char x = 0;
  std::istringstream size(text);
  if (!(size >> w >> x >> h) || x != 'x' || !size.eof() || w < 160 || h < 120 || w > 8192 || h > 8192)
    throw anatomy::ConfigError("--size", 0, 0, "", fmt::format("'{}' is not a window size; expected WxH, 160x120 to 8192x8192", text));
  return {w, h};
}

render::Antialiasing antialiasing_named(const std::string& name) {
  if (name == "msaa") return render::Antialiasing::Multisample;
  if (name == "filter") return render::Antialiasing::EdgeFilter;
  if (name == "none") return render::Antialiasing::None;
  return render::Antialiasing::Automatic;
}

constexpr const char* kKeys =
    "keys: Space pause/resume, . one step while paused, + / - faster / slower (slow motion), R restart, H overlay on/off,\n"
    "      arrows orbit, Page Up / Page Down zoom, drag to orbit, scroll to zoom, 1 whole leg, 2 calf, 3 valve close-up,\n"
    "      click a valve to make it leaky (or competent again), Shift-click for every valve of its vein,\n"
    "      L the whole great saphenous vein of the first leg,\n"
    "      F11 full screen, F12 save the frame as PNG, ? these keys, Esc or Q quit";

// the viewer's state between frames
struct Viewer {
  const ViewOptions& o;
  GLFWwindow* window = nullptr;
  std::unique_ptr<Fonts> fonts;
  anatomy::LegGeometry rest;
  std::unique_ptr<render::Renderer> renderer;
  std::unique_ptr<render::SwapchainTarget> target;
  std::unique_ptr<render::OffscreenTarget> stills;  // F12: the same frame offscreen
  std::unique_ptr<Session> session;
  Orbit orbit;
  bool paused = false, step_once = false, overlay = true, fullscreen = false, quit = false;
  double time_scale = 1.0;
  int windowed[4] = {0, 0, 0, 0};  // x, y, w, h before full screen
  bool dragging = false;
  double last_x = 0, last_y = 0;
  std::uint64_t frames = 0, recreated = 0, screenshot_count = 0;
  std::vector<std::string> screenshots;
  std::vector<std::string> toggled;  // valve changes, in order ("leg 0: gsv-knee leaky")
  std::string picked;                // the last structure clicked
  double press_x = 0, press_y = 0;
  render::FrameDesc last;  // the last frame drawn (F12 draws it again offscreen)

  explicit Viewer(const ViewOptions& options) : o(options), time_scale(options.time_scale) {}

  void restart() {
    std::vector<std::string> names{o.scenario};
    if (!o.compare.empty()) names.push_back(o.compare);
    auto s = std::make_unique<Session>(names);
    attach(*renderer, *s, rest);
    start_at(*s, *renderer, std::min(o.start_s, s->duration()), o.particles);
    session = std::move(s);
  }

  void preset(int which) {
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
    }
  }

  void key(int k) {
    switch (k) {
      case GLFW_KEY_SPACE: paused = !paused; break;
      case GLFW_KEY_PERIOD: step_once = true; break;
      case GLFW_KEY_EQUAL: case GLFW_KEY_KP_ADD: time_scale = std::min(4.0, time_scale * 2.0); break;
      case GLFW_KEY_MINUS: case GLFW_KEY_KP_SUBTRACT: time_scale = std::max(1.0 / 16.0, time_scale / 2.0); break;
      case GLFW_KEY_R: restart(); break;
      case GLFW_KEY_H: overlay = !overlay; break;
      case GLFW_KEY_LEFT: orbit.turn(-15, 0); break;
      case GLFW_KEY_RIGHT: orbit.turn(15, 0); break;
      case GLFW_KEY_UP: orbit.turn(0, 10); break;
      case GLFW_KEY_DOWN: orbit.turn(0, -10); break;
      case GLFW_KEY_PAGE_UP: orbit.zoom(1); break;
      case GLFW_KEY_PAGE_DOWN: orbit.zoom(-1); break;
      case GLFW_KEY_1: preset(1); break;
      case GLFW_KEY_2: preset(2); break;
      case GLFW_KEY_3: preset(3); break;
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
    else if (e.what == "scroll") orbit.zoom(std::stod(e.args[0]));
    else if (e.what == "resize") glfwSetWindowSize(window, std::stoi(e.args[0]), std::stoi(e.args[1]));
    else if (e.what == "iconify") glfwIconifyWindow(window);
    else if (e.what == "restore") glfwRestoreWindow(window);
    else if (e.what == "fullscreen") toggle_fullscreen();
    else if (e.what == "screenshot") screenshot(e.args[0]);
    else if (e.what == "quit") quit = true;
  }
};

Viewer* viewer_of(GLFWwindow* w) { return static_cast<Viewer*>(glfwGetWindowUserPointer(w)); }

void on_key(GLFWwindow* w, int key, int, int action, int) {
  if (action == GLFW_PRESS || action == GLFW_REPEAT) viewer_of(w)->key(key);
}

void on_button(GLFWwindow* w, int button, int action, int mods) {
  Viewer& v = *viewer_of(w);
  if (button != GLFW_MOUSE_BUTTON_LEFT) return;
  v.dragging = action == GLFW_PRESS;
  glfwGetCursorPos(w, &v.last_x, &v.last_y);
  if (action == GLFW_PRESS) {
    v.press_x = v.last_x;
    v.press_y = v.last_y;
  } else if (std::abs(v.last_x - v.press_x) + std::abs(v.last_y - v.press_y) < 4) {
    // a click, not a drag: at the framebuffer's pixel (HiDPI screens have more pixels than points)
    int ww = 0, wh = 0, fw = 0, fh = 0;
    glfwGetWindowSize(w, &ww, &wh);
    glfwGetFramebufferSize(w, &fw, &fh);
    if (ww > 0 && wh > 0) v.click(v.last_x * fw / ww, v.last_y * fh / wh, (mods & GLFW_MOD_SHIFT) != 0);
  }
}

void on_cursor(GLFWwindow* w, double x, double y) {
  Viewer& v = *viewer_of(w);
  if (!v.dragging) return;
  v.orbit.turn(-(x - v.last_x) * kDegreesPerPixel, (y - v.last_y) * kDegreesPerPixel);
  v.last_x = x;
  v.last_y = y;
}

void on_scroll(GLFWwindow* w, double, double dy) { viewer_of(w)->orbit.zoom(dy); }

// GLFW's own errors, counted and shown once each (a kiosk never shows a dialog)
void on_glfw_error(int code, const char* text) { fmt::print(stderr, "calfpump: GLFW: {} ({})\n", text ? text : "?", code); }

struct Glfw {
  Glfw() {
    glfwSetErrorCallback(on_glfw_error);
    if (!glfwInit()) throw render::RenderError("no window system: GLFW could not start (is DISPLAY set? for a headless run use xvfb-run)");
    if (!glfwVulkanSupported()) {
      glfwTerminate();
      throw render::RenderError("GLFW finds no Vulkan loader for windows (Debian: libvulkan1, mesa-vulkan-drivers)");
    }
  }
  ~Glfw() { glfwTerminate(); }
};

}  // namespace

int cmd_view(const ViewOptions& o) {
  try {
    const auto [w, h] = parse_window_size(o.size);
    if (!(o.time_scale > 0 && o.time_scale <= 4)) throw anatomy::ConfigError("--time-scale", 0, 0, "", "the time scale is above 0 and at most 4");
    const std::vector<Event> script = o.script.empty() ? std::vector<Event>{} : load_script(o.script);
    const Glfw glfw;  // first made, last gone: the window system outlives the window's surface
    Viewer v(o);
    v.fonts = load_fonts();
    v.rest = anatomy::read_leg_glb(anatomy::default_leg_mesh());
    glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);  // HiDPI: the window keeps its size on the screen
    GLFWwindow* window = glfwCreateWindow(w, h, "CalfPump", nullptr, nullptr);
    if (!window) throw render::RenderError("the window could not be opened");
    v.window = window;
    glfwSetWindowUserPointer(window, &v);
    glfwSetKeyCallback(window, on_key);
    glfwSetMouseButtonCallback(window, on_button);
    glfwSetCursorPosCallback(window, on_cursor);
    glfwSetScrollCallback(window, on_scroll);

    render::RenderOptions ro;
    ro.device = o.device;
    ro.antialiasing = antialiasing_named(o.antialiasing);
    const char* validation = std::getenv("CALFPUMP_VALIDATION");
    ro.validation = validation && std::string(validation) == "1";
    std::uint32_t n = 0;
    const char** extensions = glfwGetRequiredInstanceExtensions(&n);
    for (std::uint32_t i = 0; i < n; ++i) ro.surface_extensions.emplace_back(extensions[i]);
    v.renderer = std::make_unique<render::Renderer>(ro);
    VkSurfaceKHR surface = VK_NULL_HANDLE;
    if (glfwCreateWindowSurface(static_cast<VkInstance>(v.renderer->instance_handle()), window, nullptr, &surface) != VK_SUCCESS)
      throw render::RenderError("no Vulkan surface for the window");
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    v.target = std::make_unique<render::SwapchainTarget>(*v.renderer, reinterpret_cast<std::uint64_t>(surface), fw, fh, o.vsync);
    v.renderer->set_fonts(v.fonts->regular, v.fonts->bold);
    v.restart();
    v.preset(2);

    std::size_t next_event = 0;
    double last_wall = glfwGetTime();
    const double started = last_wall;
    while (!v.quit && !glfwWindowShouldClose(window) && (o.frames <= 0 || v.frames < static_cast<std::uint64_t>(o.frames))) {
      glfwPollEvents();
      // the script's events due by this frame (its clock: frames at 30 per second)
      const double now_script = static_cast<double>(v.frames) / kScriptFps;
      while (next_event < script.size() && script[next_event].t <= now_script + 1e-9) v.apply(script[next_event++]);
      if (next_event == script.size() && !script.empty() && o.frames <= 0 && script.back().what != "quit") v.quit = true;
      if (v.quit) break;
      glfwGetFramebufferSize(window, &fw, &fh);
      if (fw == 0 || fh == 0 || glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {
        // minimised: nothing to draw; the script's clock still runs
        if (script.empty()) glfwWaitEventsTimeout(0.1);
        else ++v.frames;
        continue;
      }
      if (fw != v.target->width() || fh != v.target->height()) {
        v.target->resize(fw, fh);
        ++v.recreated;
      }
      // model time: with a script, a fixed step per frame (the run repeats); live, the wall
      // clock's step (at most 0.1 s, so that a stall does not jump the walk)
      const double wall = glfwGetTime();
      const double step = script.empty() ? std::min(wall - last_wall, 0.1) : 1.0 / kScriptFps;
      last_wall = wall;
      double dt = v.paused ? 0.0 : v.time_scale * step;
      if (v.paused && v.step_once) dt = v.session->leg(0).sim->dt();
      v.step_once = false;
      if (v.session->time() + dt > v.session->duration()) v.restart();  // the story loops
      else v.session->run_until(v.session->time() + dt);
      FrameView view;
      view.camera = v.orbit.camera();
      view.fonts = v.overlay ? v.fonts.get() : nullptr;
      view.particle_dt = dt;
      v.last = compose_frame(*v.session, view, v.target->width(), v.target->height());
      const render::FrameStatus st = v.renderer->render(v.last, *v.target);
      if (st.code == render::FrameStatus::Code::OutOfDate) {
        glfwGetFramebufferSize(window, &fw, &fh);
        v.target->resize(fw, fh);
        ++v.recreated;
        continue;
      }
      if (!st) throw render::RenderError(st.message);
      ++v.frames;
    }
    const double seconds = glfwGetTime() - started;
    if (v.renderer->validation_messages() > 0)
      fmt::print(stderr, "calfpump: {} Vulkan validation messages; the first: {}\n", v.renderer->validation_messages(), v.renderer->first_validation_message());
    if (o.json) {
      nlohmann::json j{{"device", v.renderer->device_name()},
                       {"antialiasing", v.renderer->antialiasing()},
                       {"frames", v.frames},
                       {"seconds", seconds},
                       {"fps", seconds > 0 ? static_cast<double>(v.frames) / seconds : 0.0},
                       {"swapchain_recreated", v.recreated},
                       {"swapchain_images", v.target->image_count()},
                       {"size", {v.target->width(), v.target->height()}},
                       {"validation_messages", v.renderer->validation_messages()},
                       {"model_time_s", v.session->time()},
                       {"paused", v.paused},
                       {"time_scale", v.time_scale},
                       {"overlay", v.overlay},
                       {"fullscreen", v.fullscreen},
                       {"camera", {{"yaw_deg", v.orbit.yaw_deg}, {"pitch_deg", v.orbit.pitch_deg}, {"distance_m", v.orbit.distance}}},
                       {"screenshots", v.screenshots},
                       {"toggled", v.toggled},
                       {"picked", v.picked}};
      std::vector<double> ankle;
      for (std::size_t i = 0; i < v.session->size(); ++i) ankle.push_back(v.session->leg(i).history.back().ankle_mmHg);
      j["ankle_mmHg"] = ankle;
      fmt::print("{}\n", j.dump(2));
    }
    v.target.reset();
    v.stills.reset();
    v.renderer.reset();
    glfwDestroyWindow(window);
    return 0;
  } catch (const anatomy::ConfigError& e) {
    fmt::print(stderr, "calfpump: error: {}\n", e.what());
    return 2;
  } catch (const render::RenderError& e) {
    fmt::print(stderr, "calfpump: error: {}\n", e.what());
    return 2;
  } catch (const anatomy::SimulationError& e) {
    fmt::print(stderr, "calfpump: error: {}\n", e.what());
    return 3;
  } catch (const std::exception& e) {
    fmt::print(stderr, "calfpump: error: {}\n", e.what());
    return 1;
  }
}

}  // namespace calfpump::app
