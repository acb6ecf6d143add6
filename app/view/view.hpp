#pragma once
// `calfpump view`: the live window. The same session, compose_frame and renderer as every other
// front end, drawn into a swapchain target; what differs is what drives the frames (the clock and
// the keyboard and mouse, or a script of timed events) and where they go (a GLFW window).

#include <cstddef>
#include <string>

namespace calfpump::app {

/// Options of `view`.
struct ViewOptions {
  std::string scenario = "healthy-walking";
  std::string compare;                 ///< a second leg beside the first; empty: one leg
  std::string size = "1280x720";       ///< the window's size in screen coordinates
  std::string device;
  std::string antialiasing = "auto";   ///< animation frames: the edge filter on CPU devices
  std::size_t particles = 200000;      ///< per leg
  double time_scale = 1.0;             ///< model seconds per second (0.25: four times slower)
  double start_s = 0.0;                ///< model time of the first frame
  /// A file of timed events (keys, drags, scrolls, resizes, iconify, full screen, quit) that drive
  /// the viewer; with a script the clock is the frame count (30 per second), so runs repeat.
  std::string script;
  int frames = 0;       ///< stop after this many frames (0: when the window closes or on quit)
  bool vsync = true;
  double render_scale = 0;  ///< frames at this share of the window's size; 0: adapt to hold 15 fps
  bool json = false;    ///< print a JSON summary at the end (frames, recoveries, camera, time)
};

int cmd_view(const ViewOptions& o);

}  // namespace calfpump::app
