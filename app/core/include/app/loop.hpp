#pragma once
// Loops without a jump: a length of model time cut down to whole contraction cycles (gait or
// raise), all within the activity, so that the frame after the last shows the legs as the first
// does. Shared by the recorder (`record --loop`) and the glTF export (`export --gltf --loop`).

#include <string>
#include <vector>

namespace calfpump::anatomy {
struct Scenario;
}

namespace calfpump::app {

/// The longest whole number of the scenarios' common contraction cycle (s of model time) that fits
/// in `span_s` from `start_s` and within their activity. Throws ConfigError under `key` when a leg
/// stands still, the span starts before an activity, the legs' rhythms differ, or no whole cycle
/// fits.
double whole_cycles(const std::vector<const anatomy::Scenario*>& scenarios, double start_s, double span_s, const std::string& key);

}  // namespace calfpump::app
