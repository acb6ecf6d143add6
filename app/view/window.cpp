#include "view/window.hpp"

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

render::Antialiasing antialiasing_named(const std::string& name) {
  if (name == "msaa") return render::Antialiasing::Multisample;
  if (name == "filter") return render::Antialiasing::EdgeFilter;
  if (name == "none") return render::Antialiasing::None;
  return render::Antialiasing::Automatic;
}

}  // namespace calfpump::app
