#pragma once
// `calfpump present` and `calfpump kiosk`: a storyboard played in a window, for a lecture hall
// (a presenter's remote steps through the shots) and for a waiting room (an unattended loop that
// recovers from what goes wrong). The same storyboard player, compose_frame and renderer as the
// recorder, drawn into a swapchain target.

#include <cstdint>
#include <string>

namespace calfpump::app {

struct PresentOptions {
  std::string storyboard;
  std::string lang = "en";   ///< present: one language; kiosk: a comma-separated list, one per loop
  std::string size;          ///< a window of this size (WxH) instead of full screen
  std::string device;
  std::string antialiasing = "auto";
  std::size_t particles = 200000;  ///< per leg
  /// Timed events that drive it (the clock is then the frame count at 30 per second, so a run
  /// repeats): key NAME, drag DX DY, scroll STEPS, resize W H, screenshot FILE, quit, and for the
  /// kiosk's tests fault out-of-date | device-lost | resize-storm.
  std::string script;
  std::uint64_t frames = 0;  ///< stop after this many frames (0: on Esc or when the window closes)
  bool json = false;         ///< a JSON summary at the end
  bool kiosk = false;
  double watchdog_s = 20;    ///< kiosk: no frame for this long ends the process (exit 75) for its service to restart it
};

int cmd_present(const PresentOptions& o);

}  // namespace calfpump::app
