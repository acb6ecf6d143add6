#pragma once
// What the windowed front ends share (the viewer, the presenter, the kiosk): the window system's
// lifetime, window sizes, the antialiasing names. GLFW and Vulkan stay in the .cpp.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "render/renderer.hpp"

struct GLFWwindow;

namespace calfpump::app {

/// GLFW started (with its errors printed, never a dialog) and a Vulkan loader for windows found;
/// RenderError otherwise (exit code 2: no window system). First made, last gone.
struct Glfw {
  Glfw();
  ~Glfw();
  Glfw(const Glfw&) = delete;
  Glfw& operator=(const Glfw&) = delete;
};

/// "WxH" within 160x120 to 8192x8192; ConfigError naming --size otherwise.
std::pair<int, int> parse_window_size(const std::string& text);

/// One timed event of a script that drives a window: "TIME_S WHAT ARGS..." per line.
struct ScriptEvent {
  double t = 0;
  std::string what;
  std::vector<std::string> args;
  int line = 0;
};

/// Reads a script: a line is a time (s, from 0), an event named in `arity` with that many values,
/// '#' starts a comment; a `key` event names one of `keys`; the values of the events in `numeric`
/// are numbers. ConfigError naming the file, line and what is wrong; events in time order.
std::vector<ScriptEvent> load_script(const std::string& file, const std::map<std::string, std::size_t>& arity,
                                     const std::map<std::string, int>& keys, const std::set<std::string>& numeric);

/// A renderer for a window's frames: the device and antialiasing asked for, the validation layer
/// when CALFPUMP_VALIDATION=1, and the instance extensions the window system needs.
std::unique_ptr<render::Renderer> window_renderer(const std::string& device, const std::string& antialiasing);

/// The window's Vulkan surface on `renderer`'s instance (a VkSurfaceKHR as an integer, for a
/// SwapchainTarget to own); RenderError when there is none.
std::uint64_t window_surface(GLFWwindow* window, const render::Renderer& renderer);

/// auto, msaa, filter or none.
render::Antialiasing antialiasing_named(const std::string& name);

}  // namespace calfpump::app
