#include "view/window.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <fmt/format.h>

#include "anatomy/error.hpp"

namespace calfpump::app {

namespace {

// GLFW's own errors, printed (a kiosk never shows a dialog)
void on_glfw_error(int code, const char* text) { fmt::print(stderr, "calfpump: GLFW: {} ({})\n", text ? text : "?", code); }

}  // namespace

Glfw::Glfw() {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) throw render::RenderError("no window system: GLFW could not start (is DISPLAY set? for a headless run use xvfb-run)");
  if (!glfwVulkanSupported()) {
    glfwTerminate();
    throw render::RenderError("GLFW finds no Vulkan loader for windows (Debian: libvulkan1, mesa-vulkan-drivers)");
  }
}

Glfw::~Glfw() { glfwTerminate(); }

std::pair<int, int> parse_window_size(const std::string& text) {
  int w = 0, h = 0;
  char x = 0;
  std::istringstream size(text);
  if (!(size >> w >> x >> h) || x != 'x' || !size.eof() || w < 160 || h < 120 || w > 8192 || h > 8192)
    throw anatomy::ConfigError("--size", 0, 0, "", fmt::format("'{}' is not a window size; expected WxH, 160x120 to 8192x8192", text));
  return {w, h};
}

std::vector<ScriptEvent> load_script(const std::string& file, const std::map<std::string, std::size_t>& arity,
                                     const std::map<std::string, int>& keys, const std::set<std::string>& numeric) {
  std::ifstream in(file);
  if (!in) throw anatomy::ConfigError(file, 0, 0, "--script", "cannot read the script");
  std::string names;
  for (const auto& [name, n] : arity) names += (names.empty() ? "" : ", ") + name;
  std::vector<ScriptEvent> events;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    if (const auto hash = text.find('#'); hash != std::string::npos) text.resize(hash);
    std::istringstream words(text);
    ScriptEvent e;
    e.line = line;
    if (!(words >> e.t)) {
      if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
      throw anatomy::ConfigError(file, line, 1, "time", "a line starts with the event's time in seconds");
    }
    if (!(e.t >= 0)) throw anatomy::ConfigError(file, line, 1, "time", "an event's time is 0 s or later");
    if (!(words >> e.what) || !arity.count(e.what)) throw anatomy::ConfigError(file, line, 0, e.what, fmt::format("expected an event: {}", names));
    for (std::string w; words >> w;) e.args.push_back(w);
    if (e.args.size() != arity.at(e.what))
      throw anatomy::ConfigError(file, line, 0, e.what, fmt::format("'{}' takes {} value(s)", e.what, arity.at(e.what)));
    if (e.what == "key" && !keys.count(e.args[0])) throw anatomy::ConfigError(file, line, 0, "key", fmt::format("'{}' is not a key known here", e.args[0]));
    if (numeric.count(e.what))
      for (const std::string& a : e.args) {
        char* end = nullptr;
        std::strtod(a.c_str(), &end);
        if (end == a.c_str() || *end != '\0') throw anatomy::ConfigError(file, line, 0, e.what, fmt::format("'{}' is not a number", a));
      }
    events.push_back(std::move(e));
  }
  std::stable_sort(events.begin(), events.end(), [](const ScriptEvent& a, const ScriptEvent& b) { return a.t < b.t; });
  return events;
}

std::unique_ptr<render::Renderer> window_renderer(const std::string& device, const std::string& antialiasing) {
  render::RenderOptions ro;
  ro.device = device;
  ro.antialiasing = antialiasing_named(antialiasing);
  const char* validation = std::getenv("CALFPUMP_VALIDATION");
  ro.validation = validation && std::string(validation) == "1";
  std::uint32_t n = 0;
  const char** extensions = glfwGetRequiredInstanceExtensions(&n);
  for (std::uint32_t i = 0; i < n; ++i) ro.surface_extensions.emplace_back(extensions[i]);
  return std::make_unique<render::Renderer>(ro);
}

std::uint64_t window_surface(GLFWwindow* window, const render::Renderer& renderer) {
  VkSurfaceKHR surface = VK_NULL_HANDLE;
  if (glfwCreateWindowSurface(static_cast<VkInstance>(renderer.instance_handle()), window, nullptr, &surface) != VK_SUCCESS)
    throw render::RenderError("no Vulkan surface for the window");
  return reinterpret_cast<std::uint64_t>(surface);
}

render::Antialiasing antialiasing_named(const std::string& name) {
  if (name == "msaa") return render::Antialiasing::Multisample;
  if (name == "filter") return render::Antialiasing::EdgeFilter;
  if (name == "none") return render::Antialiasing::None;
  return render::Antialiasing::Automatic;
}

}  // namespace calfpump::app
