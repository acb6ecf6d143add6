#include "app/frame_pump.hpp"

#include <cmath>
#include <stdexcept>

namespace calfpump::app {

FramePump::FramePump(double fps, double time_scale, double start_s) : fps_(fps), time_scale_(time_scale), start_s_(start_s) {
  if (!(fps > 0) || fps > 1000 || !(time_scale > 0) || time_scale > 10 || !(start_s >= 0))
    throw std::invalid_argument("the time scale must be above 0 and at most 10, the frame rate above 0 and at most 1000, the start at 0 s or later");
  step_ = time_scale / fps;
}

double FramePump::time(std::uint64_t index) const { return start_s_ + static_cast<double>(index) * time_scale_ / fps_; }

std::uint64_t FramePump::frames_until(double t) const {
  if (t <= start_s_) return 0;
  const auto n = static_cast<std::uint64_t>(std::ceil((t - start_s_) * fps_ / time_scale_ - 1e-9));
  return n;
}

}  // namespace calfpump::app
