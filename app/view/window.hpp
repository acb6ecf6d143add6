#pragma once
// What the windowed front ends share (the viewer, the presenter, the kiosk): the window system's
// lifetime, window sizes, the antialiasing names. GLFW and Vulkan stay in the .cpp.

#include <string>
#include <utility>

#include "render/renderer.hpp"

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

/// auto, msaa, filter or none.
render::Antialiasing antialiasing_named(const std::string& name);

}  // namespace calfpump::app
