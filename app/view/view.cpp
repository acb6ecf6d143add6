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
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_vulkan.h>
#include <nlohmann/json.hpp>

#include "anatomy/error.hpp"
#include "anatomy/geometry_io.hpp"
#include "app/attach.hpp"
#include "app/compose.hpp"
#include "app/pick.hpp"
#include "app/session.hpp"
#include "commands.hpp"
#include "render/renderer.hpp"
#include "render/target.hpp"
#include "view/viewer.hpp"
#include "view/window.hpp"

namespace calfpump::app {

using namespace viewer;

namespace {

std::vector<Event> load_viewer_script(const std::string& file) {
  const std::map<std::string, std::size_t> arity{
      {"key", 1},    {"drag", 2},    {"click", 2},   {"click-vein", 2}, {"double-click", 2}, {"hover", 2}, {"scroll", 1},
      {"resize", 2}, {"iconify", 0}, {"restore", 0}, {"fullscreen", 0}, {"screenshot", 1},   {"quit", 0}};
  return load_script(file, arity, key_names(), {"drag", "click", "click-vein", "double-click", "hover", "scroll", "resize"});
}

Viewer* viewer_of(GLFWwindow* w) { return static_cast<Viewer*>(glfwGetWindowUserPointer(w)); }

// the window's input goes to the panel when the pointer or the keyboard focus is on it
bool panel_wants_mouse() { return ImGui::GetCurrentContext() && ImGui::GetIO().WantCaptureMouse; }
bool panel_wants_keys() { return ImGui::GetCurrentContext() && ImGui::GetIO().WantCaptureKeyboard; }

void on_key(GLFWwindow* w, int key, int, int action, int) {
  if (panel_wants_keys()) return;
  if (action == GLFW_PRESS || action == GLFW_REPEAT) viewer_of(w)->key(key);
}

void on_button(GLFWwindow* w, int button, int action, int mods) {
  Viewer& v = *viewer_of(w);
  if (button != GLFW_MOUSE_BUTTON_LEFT) return;
  if (action == GLFW_PRESS && panel_wants_mouse()) return;
  v.dragging = action == GLFW_PRESS;
  glfwGetCursorPos(w, &v.last_x, &v.last_y);
  if (action == GLFW_PRESS) {
    v.press_x = v.last_x;
    v.press_y = v.last_y;
  } else if (std::abs(v.last_x - v.press_x) + std::abs(v.last_y - v.press_y) < 4) {
    const double now = glfwGetTime();
    const bool second = v.last_click >= 0 && now - v.last_click < 0.35;
    v.last_click = second ? -1 : now;
    // a click, not a drag: at the framebuffer's pixel (HiDPI screens have more pixels than points)
    int ww = 0, wh = 0, fw = 0, fh = 0;
    glfwGetWindowSize(w, &ww, &wh);
    glfwGetFramebufferSize(w, &fw, &fh);
    // in the frame's pixels: the framebuffer's (HiDPI) at the render scale
    const double sx = ww > 0 ? double(fw) / ww * v.target->width() / std::max(1, v.target->window_width()) : 1.0;
    const double sy = wh > 0 ? double(fh) / wh * v.target->height() / std::max(1, v.target->window_height()) : 1.0;
    if (ww > 0 && wh > 0) {
      // a click acts once no second click follows (a double-click frames without toggling)
      if (second) {
        v.pending_click = false;
        v.frame_at(v.last_x * sx, v.last_y * sy);
      } else {
        v.pending_click = true;
        v.click_x = v.last_x * sx;
        v.click_y = v.last_y * sy;
        v.click_shift = (mods & GLFW_MOD_SHIFT) != 0;
      }
    }
  }
}

void on_cursor(GLFWwindow* w, double x, double y) {
  Viewer& v = *viewer_of(w);
  if (!v.dragging) {
    // hovering: named once the pointer rests (a pick deforms the leg on the CPU)
    v.hover_x = x;
    v.hover_y = y;
    v.hover_since = glfwGetTime();
    v.hover_done = false;
    v.hover_label.clear();
    return;
  }
  v.orbit.turn(-(x - v.last_x) * kDegreesPerPixel, (y - v.last_y) * kDegreesPerPixel);
  v.last_x = x;
  v.last_y = y;
}

void on_scroll(GLFWwindow* w, double, double dy) {
  if (!panel_wants_mouse()) viewer_of(w)->orbit.zoom(dy);
}

// Dear ImGui's context and its GLFW backend (its Vulkan backend lives with the window's target)
struct Imgui {
  // the window's target holds the panel's Vulkan backend: it goes before the panel's context,
  // also when an error unwinds the viewer
  std::unique_ptr<render::SwapchainTarget>& target;
  Imgui(GLFWwindow* window, std::unique_ptr<render::SwapchainTarget>& t) : target(t) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing written where the viewer was started
    ImGui::StyleColorsLight();
    // the overlay's font (DejaVu Sans), at 17 pixels times the screen's content scale (HiDPI)
    float sx = 1.0f, sy = 1.0f;
    glfwGetWindowContentScale(window, &sx, &sy);
    const float scale = std::max(sx, sy);
    if (!io.Fonts->AddFontFromFileTTF(render::default_font_path(false).string().c_str(), 17.0f * scale)) io.FontGlobalScale = scale;
    ImGui::GetStyle().ScaleAllSizes(scale);
    ImGui_ImplGlfw_InitForVulkan(window, true);  // after the viewer's callbacks: it calls them on
  }
  ~Imgui() {
    target.reset();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
  }
};


}  // namespace

int cmd_view(const ViewOptions& o) {
  // bad input or no window system (2), a diverging simulation (3), the rest (1), as every command
  return guarded([&]() -> int {
    const auto [w, h] = parse_window_size(o.size);
    if (!(o.time_scale > 0 && o.time_scale <= 4))
      throw anatomy::ConfigError("--time-scale", 0, 0, "", "the time scale is above 0 and at most 4");
    const std::vector<Event> script = o.script.empty() ? std::vector<Event>{} : load_viewer_script(o.script);
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

    v.renderer = window_renderer(o.device, o.antialiasing);
    const std::uint64_t surface = window_surface(window, *v.renderer);
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    v.target = std::make_unique<render::SwapchainTarget>(*v.renderer, surface, fw, fh, o.vsync);
    if (o.render_scale > 0) v.target->set_render_scale(static_cast<float>(o.render_scale));
    v.renderer->set_fonts(v.fonts->regular, v.fonts->bold);
    auto imgui = std::make_unique<Imgui>(window, v.target);
    v.target->enable_ui();
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
      if (fw != v.target->window_width() || fh != v.target->window_height()) {
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
      // the panel for this frame (drawn over it in the window only)
      ImGui_ImplVulkan_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      ImGui::NewFrame();
      v.draw_panel();
      if (v.pending_click && glfwGetTime() - v.last_click > 0.35) {
        v.pending_click = false;
        v.click(v.click_x, v.click_y, v.click_shift);
      }
      if (!v.hover_done && glfwGetTime() - v.hover_since > 0.25 && (!panel_wants_mouse() || !script.empty()) && !v.last.legs.empty()) {
        int ww = 0, wh = 0;
        glfwGetWindowSize(window, &ww, &wh);
        const double sx = ww > 0 ? double(v.target->width()) / ww : 1.0, sy = wh > 0 ? double(v.target->height()) / wh : 1.0;
        const Pick p = pick(*v.session, v.rest, v.last, static_cast<float>(v.hover_x * sx), static_cast<float>(v.hover_y * sy));
        v.hover_label = p.leg >= 0 ? v.label_of(p) : std::string();
        v.hover_done = true;
      }
      if (!v.hover_label.empty() && !panel_wants_mouse()) ImGui::SetTooltip("%s", v.hover_label.c_str());
      ImGui::Render();
      v.target->set_ui(ImGui::GetDrawData());
      FrameView view;
      view.camera = v.orbit.camera();
      view.fonts = v.overlay ? v.fonts.get() : nullptr;
      view.particle_dt = dt;
      view.layers = v.layers;
      view.section = v.section;
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
      const double spent_ms = (glfwGetTime() - wall) * 1000.0;
      v.frame_ms = v.frame_ms > 0 ? 0.9 * v.frame_ms + 0.1 * spent_ms : spent_ms;
      // live, hold at least 15 frames per second: draw smaller (stretched to the window) while
      // frames take longer than that, back towards full size when there is room (a scripted run
      // keeps its scale: it repeats exactly)
      if (script.empty() && o.render_scale <= 0) {
        v.slow = v.frame_ms > 1000.0 / 15.0 ? v.slow + 1 : 0;
        v.fast = v.frame_ms < 1000.0 / 22.0 ? v.fast + 1 : 0;
        const float s = v.target->render_scale();
        if (v.slow >= 10 && s > 0.5f) {
          v.target->set_render_scale(std::max(0.5f, s * 0.9f));
          v.slow = 0;
        } else if (v.slow >= 10 && v.particles > 25000) {
          // at half size and still slow: the blood's cost does not shrink with the picture, so
          // fewer particles (seeded again from the legs' states)
          v.particles /= 2;
          seed_particles(*v.renderer, *v.session, v.particles);
          v.slow = 0;
        } else if (v.fast >= 30 && s < 1.0f) {
          v.target->set_render_scale(std::min(1.0f, s / 0.9f));
          v.fast = 0;
        }
      }
    }
    const double seconds = glfwGetTime() - started;
    if (v.renderer->validation_messages() > 0)
      fmt::print(stderr, "calfpump: {} Vulkan validation messages; the first: {}\n", v.renderer->validation_messages(),
                 v.renderer->first_validation_message());
    if (o.json) {
      nlohmann::json j{{"device", v.renderer->device_name()},
                       {"antialiasing", v.renderer->antialiasing()},
                       {"frames", v.frames},
                       {"seconds", seconds},
                       {"fps", seconds > 0 ? static_cast<double>(v.frames) / seconds : 0.0},
                       {"swapchain_recreated", v.recreated},
                       {"swapchain_images", v.target->image_count()},
                       {"size", {v.target->window_width(), v.target->window_height()}},
                       {"render_scale", v.target->render_scale()},
                       {"validation_messages", v.renderer->validation_messages()},
                       {"model_time_s", v.session->time()},
                       {"paused", v.paused},
                       {"time_scale", v.time_scale},
                       {"overlay", v.overlay},
                       {"panel", v.panel},
                       {"layers", v.layers},
                       {"particles_per_leg", v.particles},
                       {"fullscreen", v.fullscreen},
                       {"camera", {{"yaw_deg", v.orbit.yaw_deg}, {"pitch_deg", v.orbit.pitch_deg}, {"distance_m", v.orbit.distance}}},
                       {"screenshots", v.screenshots},
                       {"toggled", v.toggled},
                       {"picked", v.picked},
                       {"framed", v.framed},
                       {"hovered", v.hover_label}};
      j["camera"]["target"] = v.orbit.target;
      std::vector<double> ankle;
      for (std::size_t i = 0; i < v.session->size(); ++i) ankle.push_back(v.session->leg(i).history.back().ankle_mmHg);
      j["ankle_mmHg"] = ankle;
      fmt::print("{}\n", j.dump(2));
    }
    if (v.computing.valid()) v.computing.wait();
    v.target.reset();  // its Vulkan backend of the panel first, then the panel's context
    imgui.reset();
    v.stills.reset();
    v.renderer.reset();
    glfwDestroyWindow(window);
    return 0;
  });
}

}  // namespace calfpump::app
