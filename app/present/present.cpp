// The presenter and the kiosk: a storyboard's frames, by index, in a window. The presenter steps
// through the shots with the keys a presenter's remote sends (Right, Page Down, Space forward;
// Left, Page Up back; Home to the start; B or . blanks), may orbit, zoom, pause and slow down in
// a shot, and R gives the shot its camera back; each shot's notes are printed as it starts. The
// kiosk loops without chrome or cursor, a language a loop, and rebuilds what fails: a swapchain
// out of date or resized, a lost device (a new renderer, surface and player, the story going on
// at the same frame); a watchdog ends the process when frames stop, for its service to start it
// again (README: a systemd unit).

#include "present/present.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "anatomy/error.hpp"
#include "anatomy/geometry_io.hpp"
#include "app/compose.hpp"
#include "app/frame_overlay.hpp"
#include "app/story_player.hpp"
#include "app/storyboard.hpp"
#include "commands.hpp"
#include "render/renderer.hpp"
#include "render/target.hpp"
#include "view/viewer.hpp"
#include "view/window.hpp"

namespace calfpump::app {

namespace {

constexpr double kFps = 30;  // the storyboard's frames per second, and the script clock's

using Event = ScriptEvent;

const std::map<std::string, int>& keys() {
  static const std::map<std::string, int> k{
      {"RIGHT", GLFW_KEY_RIGHT},   {"LEFT", GLFW_KEY_LEFT}, {"PAGE_DOWN", GLFW_KEY_PAGE_DOWN}, {"PAGE_UP", GLFW_KEY_PAGE_UP},
      {"SPACE", GLFW_KEY_SPACE},   {"HOME", GLFW_KEY_HOME}, {"B", GLFW_KEY_B},                 {"PERIOD", GLFW_KEY_PERIOD},
      {"R", GLFW_KEY_R},           {"P", GLFW_KEY_P},       {"PLUS", GLFW_KEY_EQUAL},          {"MINUS", GLFW_KEY_MINUS},
      {"UP", GLFW_KEY_UP},         {"DOWN", GLFW_KEY_DOWN}, {"ESCAPE", GLFW_KEY_ESCAPE},       {"F11", GLFW_KEY_F11}};
  return k;
}

std::vector<Event> load_events(const std::string& file) {
  std::vector<Event> events = load_script(file, {{"key", 1}, {"drag", 2}, {"scroll", 1}, {"resize", 2}, {"screenshot", 1}, {"quit", 0}, {"fault", 1}},
                                          keys(), {"drag", "scroll", "resize"});
  for (const Event& e : events)
    if (e.what == "fault" && e.args[0] != "out-of-date" && e.args[0] != "device-lost" && e.args[0] != "resize-storm")
      throw anatomy::ConfigError(file, e.line, 0, "fault", fmt::format("'{}' is not a fault; expected out-of-date, device-lost or resize-storm", e.args[0]));
  return events;
}

std::vector<std::string> split_languages(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string l; std::getline(in, l, ',');)
    if (!l.empty()) out.push_back(l);
  return out;
}

// resident memory (KiB), for the kiosk's account of itself
std::size_t resident_kib() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE)) / 1024;
}

void log_line(const std::string& what) {
  // one line each, with the local time: the journal (or a redirected file) keeps them
  const std::time_t now = std::time(nullptr);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", std::localtime(&now));
  fmt::print(stderr, "{} calfpump kiosk: {}\n", stamp, what);
}

struct State {
  std::vector<int> pressed;  // keys since the last frame, in order
  bool dragging = false;
  double last_x = 0, last_y = 0, drag_x = 0, drag_y = 0, scrolled = 0;
};

void on_key(GLFWwindow* w, int key, int, int action, int) {
  if (action == GLFW_PRESS || action == GLFW_REPEAT) static_cast<State*>(glfwGetWindowUserPointer(w))->pressed.push_back(key);
}
void on_button(GLFWwindow* w, int button, int action, int) {
  auto& s = *static_cast<State*>(glfwGetWindowUserPointer(w));
  if (button == GLFW_MOUSE_BUTTON_LEFT) s.dragging = action == GLFW_PRESS;
  glfwGetCursorPos(w, &s.last_x, &s.last_y);
}
void on_cursor(GLFWwindow* w, double x, double y) {
  auto& s = *static_cast<State*>(glfwGetWindowUserPointer(w));
  if (s.dragging) {
    s.drag_x += x - s.last_x;
    s.drag_y += y - s.last_y;
  }
  s.last_x = x;
  s.last_y = y;
}
void on_scroll(GLFWwindow* w, double, double dy) { static_cast<State*>(glfwGetWindowUserPointer(w))->scrolled += dy; }

}  // namespace

int cmd_present(const PresentOptions& o) {
  return guarded([&]() -> int {
    const char* who = o.kiosk ? "kiosk" : "present";
    const anatomy::LegDescription leg = anatomy::load_leg_description(anatomy::default_leg_file());
    const Storyboard board = load_storyboard(resolve_storyboard(o.storyboard), leg);
    const std::vector<std::string> langs = split_languages(o.lang);
    if (langs.empty() || (!o.kiosk && langs.size() != 1))
      throw anatomy::ConfigError("--lang", 0, 0, "", o.kiosk ? "one language or more, comma-separated" : "one language");
    for (const std::string& l : langs)
      if (std::find(board.languages.begin(), board.languages.end(), l) == board.languages.end())
        throw anatomy::ConfigError("--lang", 0, 0, "", fmt::format("'{}' is not among the storyboard's languages", l));
    const std::vector<Event> script = o.script.empty() ? std::vector<Event>{} : load_events(o.script);
    const bool scripted = !o.script.empty();  // the clock: frames drawn (accelerated, repeatable), else the wall
    int ww = 0, wh = 0;
    if (!o.size.empty()) std::tie(ww, wh) = parse_window_size(o.size);

    // every language's captions and words baked once, shaped
    std::vector<OverlayText> words;
    std::vector<std::string> shaped;
    for (const std::string& l : langs) {
      words.push_back(OverlayText::load(l));
      for (const std::string& t : caption_texts(board, l)) shaped.push_back(t);
      for (const std::string& t : words.back().texts()) shaped.push_back(t);
    }
    const std::unique_ptr<Fonts> fonts = load_fonts(shaped);
    const anatomy::LegGeometry rest = anatomy::read_leg_glb(anatomy::default_leg_mesh());

    const Glfw glfw;
    glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
    glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);
    GLFWmonitor* monitor = o.size.empty() ? glfwGetPrimaryMonitor() : nullptr;
    if (monitor) {
      const GLFWvidmode* mode = glfwGetVideoMode(monitor);
      ww = mode->width;
      wh = mode->height;
    }
    if (ww == 0) std::tie(ww, wh) = std::pair{1280, 720};
    GLFWwindow* window = glfwCreateWindow(ww, wh, o.kiosk ? "CalfPump kiosk" : "CalfPump", monitor, nullptr);
    if (!window) throw render::RenderError("the window could not be opened");
    struct Destroy {
      GLFWwindow* w;
      ~Destroy() { glfwDestroyWindow(w); }
    } destroy{window};
    State input;
    glfwSetWindowUserPointer(window, &input);
    glfwSetKeyCallback(window, on_key);
    glfwSetMouseButtonCallback(window, on_button);
    glfwSetCursorPosCallback(window, on_cursor);
    glfwSetScrollCallback(window, on_scroll);
    if (o.kiosk) glfwSetInputMode(window, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);

    // the GPU side: made again after a lost device
    std::unique_ptr<render::Renderer> renderer;
    std::unique_ptr<render::SwapchainTarget> target;
    std::unique_ptr<StoryPlayer> player;
    auto build = [&] {
      player.reset();
      target.reset();
      renderer.reset();
      renderer = window_renderer(o.device, o.antialiasing);
      const std::uint64_t surface = window_surface(window, *renderer);
      int fw = 0, fh = 0;
      glfwGetFramebufferSize(window, &fw, &fh);
      target = std::make_unique<render::SwapchainTarget>(*renderer, surface, std::max(fw, 1), std::max(fh, 1), true);
      renderer->set_fonts(fonts->regular, fonts->bold);
      player = std::make_unique<StoryPlayer>(board, kFps, *renderer, rest, o.particles);
    };
    build();

    const Timeline timeline(board, kFps);  // the player's, which a rebuilt player has again
    const auto count = timeline.frame_count();
    double position = 0;  // frames (fractional while slowed down)
    bool paused = false, blank = false, quit = false, override_camera = false;
    double speed = 1.0;
    viewer::Orbit orbit;
    std::size_t lang = 0, loops = 0, shown_shot = static_cast<std::size_t>(-1);
    std::uint64_t frames = 0, swapchain_recreated = 0, device_recovered = 0, validation = 0;
    std::vector<std::size_t> shots_visited;
    std::vector<std::string> languages_played{langs[0]};
    std::size_t rss_start = 0, rss_first_loop = 0;
    std::vector<std::size_t> rss_loops;  // at the end of each loop
    render::FrameDesc last;
    int storm = 0;  // frames of a resize storm left

    // the watchdog: frames that stop for watchdog_s end the process (its service starts it again)
    std::atomic<double> last_frame{0.0};
    std::atomic<bool> done{false};
    const auto clock_s = [] { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); };
    last_frame = clock_s();
    std::thread watchdog;
    if (o.kiosk)
      watchdog = std::thread([&] {
        while (!done) {
          std::this_thread::sleep_for(std::chrono::milliseconds(250));
          if (!done && clock_s() - last_frame > o.watchdog_s) {
            log_line(fmt::format("no frame for {:.0f} s: ending, for the service to start the kiosk again", o.watchdog_s));
            std::_Exit(75);
          }
        }
      });
    struct Join {
      std::atomic<bool>& done;
      std::thread& t;
      ~Join() {
        done = true;
        if (t.joinable()) t.join();
      }
    } join{done, watchdog};

    auto go_to_shot = [&](std::size_t k) {
      position = static_cast<double>(timeline.first_frame(std::min(k, board.shots.size() - 1)));
      override_camera = false;
    };
    auto key = [&](int k) {
      const std::size_t shot = timeline.at(static_cast<std::uint64_t>(position)).shot;
      switch (k) {
        case GLFW_KEY_RIGHT: case GLFW_KEY_PAGE_DOWN: case GLFW_KEY_SPACE:
          if (o.kiosk || shot + 1 < board.shots.size()) go_to_shot(shot + 1 < board.shots.size() ? shot + 1 : 0);
          break;
        case GLFW_KEY_LEFT: case GLFW_KEY_PAGE_UP: go_to_shot(shot > 0 ? shot - 1 : 0); break;
        case GLFW_KEY_HOME: go_to_shot(0); break;
        case GLFW_KEY_B: case GLFW_KEY_PERIOD: if (!o.kiosk) blank = !blank; break;
        case GLFW_KEY_R: override_camera = false; break;
        case GLFW_KEY_P: if (!o.kiosk) paused = !paused; break;
        case GLFW_KEY_EQUAL: speed = std::min(1.0, speed * 2); break;
        case GLFW_KEY_MINUS: if (!o.kiosk) speed = std::max(1.0 / 16, speed / 2); break;
        case GLFW_KEY_UP: case GLFW_KEY_DOWN:
          if (!o.kiosk) {
            if (!override_camera) orbit = viewer::Orbit::from(last.camera);
            override_camera = true;
            orbit.turn(0, k == GLFW_KEY_UP ? 10 : -10);
          }
          break;
        case GLFW_KEY_ESCAPE: if (!o.kiosk || scripted) quit = true; break;  // a kiosk is not left from its keyboard
        default: break;
      }
    };

    std::size_t next_event = 0;
    double last_wall = glfwGetTime();
    const double started = last_wall;
    while (!quit && !glfwWindowShouldClose(window) && (o.frames == 0 || frames < o.frames)) {
      glfwPollEvents();
      const double now_script = static_cast<double>(frames) / kFps;
      while (next_event < script.size() && script[next_event].t <= now_script + 1e-9) {
        const Event& e = script[next_event++];
        if (e.what == "key") key(keys().at(e.args[0]));
        else if (e.what == "drag") { input.drag_x += std::stod(e.args[0]); input.drag_y += std::stod(e.args[1]); }
        else if (e.what == "scroll") input.scrolled += std::stod(e.args[0]);
        else if (e.what == "resize") glfwSetWindowSize(window, std::stoi(e.args[0]), std::stoi(e.args[1]));
        else if (e.what == "quit") quit = true;
        else if (e.what == "fault" && e.args[0] == "device-lost") renderer->simulate_device_loss();
        else if (e.what == "fault" && e.args[0] == "out-of-date") {
          target->resize(target->window_width(), target->window_height());  // a new swapchain, as after VK_ERROR_OUT_OF_DATE_KHR
          ++swapchain_recreated;
        } else if (e.what == "fault" && e.args[0] == "resize-storm") storm = 24;
        else if (e.what == "screenshot" && !last.legs.empty()) {
          render::OffscreenTarget still(*renderer, last.width, last.height);
          render::FrameDesc f = last;
          f.particle_dt = 0;
          render::Image image;
          if (render::render_image(*renderer, still, f, image)) render::write_png(image, e.args[0]);
        }
      }
      if (quit) break;
      for (int k : input.pressed) key(k);
      input.pressed.clear();
      if (storm > 0) {  // a window resized every frame, larger and smaller in turn
        --storm;
        glfwSetWindowSize(window, storm % 2 ? 640 : 560, storm % 2 ? 360 : 320);
      }
      if (!o.kiosk && (input.drag_x != 0 || input.drag_y != 0 || input.scrolled != 0)) {
        if (!override_camera) orbit = viewer::Orbit::from(last.camera);
        override_camera = true;
        orbit.turn(-input.drag_x * viewer::kDegreesPerPixel, input.drag_y * viewer::kDegreesPerPixel);
        orbit.zoom(input.scrolled);
      }
      input.drag_x = input.drag_y = input.scrolled = 0;

      int fw = 0, fh = 0;
      glfwGetFramebufferSize(window, &fw, &fh);
      if (fw == 0 || fh == 0 || glfwGetWindowAttrib(window, GLFW_ICONIFIED)) {
        if (!scripted) glfwWaitEventsTimeout(0.1);
        else ++frames;
        last_frame = clock_s();
        continue;
      }
      if (fw != target->window_width() || fh != target->window_height()) {
        target->resize(fw, fh);
        ++swapchain_recreated;
      }
      // the story's clock: with a script one frame per frame drawn (a run repeats), live the wall
      // clock's (at most 3 frames a step, so that a stall does not jump the story)
      const double wall = glfwGetTime();
      if (!paused) position += !scripted ? std::min((wall - last_wall) * kFps, 3.0) * speed : speed;
      last_wall = wall;
      if (position >= static_cast<double>(count)) {
        if (o.kiosk || board.loop) {
          position = std::fmod(position, static_cast<double>(count));
          ++loops;
          rss_loops.push_back(resident_kib());
          if (loops == 1) rss_first_loop = rss_loops.back();  // every shot seen once: what a loop needs is made
          if (o.kiosk) {
            lang = (lang + 1) % langs.size();
            languages_played.push_back(langs[lang]);
          }
        } else {
          position = static_cast<double>(count - 1);  // the last frame held
        }
      }
      const auto index = static_cast<std::uint64_t>(position);
      const ShotTime st = timeline.at(index);
      if (st.shot != shown_shot) {
        shown_shot = st.shot;
        shots_visited.push_back(st.shot);
        const Shot& s = board.shots[st.shot];
        if (!o.kiosk) fmt::print("shot {}/{}: {}{}\n", st.shot + 1, board.shots.size(), s.name, s.notes.empty() ? "" : "\n  " + s.notes);
      }
      FrameView base;
      base.fonts = fonts.get();
      base.parts.text = langs[lang] == "en" ? nullptr : &words[lang];
      base.parts.blank = blank;
      const render::Camera camera = orbit.camera();
      last = player->frame(index, base, target->width(), target->height(), langs[lang], override_camera ? &camera : nullptr);
      const render::FrameStatus status = renderer->render(last, *target);
      if (status.code == render::FrameStatus::Code::OutOfDate) {
        glfwGetFramebufferSize(window, &fw, &fh);
        target->resize(std::max(fw, 1), std::max(fh, 1));
        ++swapchain_recreated;
        continue;
      }
      if (status.code == render::FrameStatus::Code::DeviceLost || (!status && o.kiosk)) {
        if (!o.kiosk) throw render::RenderError(status.message);
        // the kiosk rebuilds the renderer, its surface and the player, and goes on at this frame
        log_line(fmt::format("{} at frame {}: rebuilding the renderer", status.message, index));
        validation += renderer->validation_messages();
        build();
        ++device_recovered;
        log_line("rebuilt; playing on");
        continue;
      }
      if (!status) throw render::RenderError(status.message);
      ++frames;
      last_frame = clock_s();
      if (frames == 100) rss_start = resident_kib();
    }
    validation += renderer->validation_messages();
    if (renderer->validation_messages() > 0)
      fmt::print(stderr, "calfpump: {} Vulkan validation messages; the first: {}\n", renderer->validation_messages(),
                 renderer->first_validation_message());
    if (o.json) {
      const ShotTime st = timeline.at(static_cast<std::uint64_t>(position));
      nlohmann::json j{{"mode", who},
                       {"device", renderer->device_name()},
                       {"frames", frames},
                       {"seconds", glfwGetTime() - started},
                       {"frame_index", static_cast<std::uint64_t>(position)},
                       {"shot", st.shot},
                       {"shots_visited", shots_visited},
                       {"blank", blank},
                       {"paused", paused},
                       {"speed", speed},
                       {"camera_override", override_camera},
                       {"camera_eye", last.camera.eye},
                       {"shot_camera_eye", player->session() ? shot_camera(board.shots[st.shot], st.local_s, *player->session()).eye : last.camera.eye},
                       {"loops", loops},
                       {"languages_played", languages_played},
                       {"swapchain_recreated", swapchain_recreated},
                       {"device_recovered", device_recovered},
                       {"validation_messages", validation},
                       {"rss_kib_after_100_frames", rss_start},
                       {"rss_kib_after_first_loop", rss_first_loop},
                       {"rss_kib_each_loop", rss_loops},
                       {"rss_kib_end", resident_kib()}};
      fmt::print("{}\n", j.dump(2));
    }
    player.reset();
    target.reset();
    renderer.reset();
    return 0;
  });
}

}  // namespace calfpump::app
