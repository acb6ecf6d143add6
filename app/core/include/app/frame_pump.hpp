#pragma once
// The frame pump: a frame is a function of its index. It turns frame numbers into model time at
// a frame rate and a time scale (slow motion below 1), never wall-clock time, so that a recording
// is the same on any machine and a render farm can start anywhere.

#include <cstdint>

namespace calfpump::app {

class FramePump {
 public:
  /// Frames at `fps` showing `time_scale` model seconds per second (0.25: four times slower),
  /// frame 0 at model time `start_s`. Throws std::invalid_argument outside 0 < time_scale <= 10,
  /// fps above 0 and at most 1000, or a negative start.
  FramePump(double fps, double time_scale = 1.0, double start_s = 0.0);
  /// The model time of frame `index` (s): start + index * step, computed from the index (no
  /// accumulated rounding).
  double time(std::uint64_t index) const;
  /// The model time one frame advances (s): time_scale / fps. The simulation and the particles
  /// move by this same model time, so the blood keeps pace with the muscles at any speed.
  double step() const { return step_; }
  double fps() const { return fps_; }
  double time_scale() const { return time_scale_; }
  /// Frames before model time t (s): the first index whose time is at or after t.
  std::uint64_t frames_until(double t) const;

 private:
  double fps_, time_scale_, start_s_, step_;
};

}  // namespace calfpump::app
