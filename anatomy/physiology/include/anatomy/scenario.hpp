#pragma once
// Scenarios (data/scenarios/*.toml): a leg condition (valve competence, compression), a posture, an
// activity and a duration. Loaded against a leg description so that every valve or vessel name is
// checked at load time.

#include <filesystem>
#include <string>
#include <vector>

#include "anatomy/activity.hpp"
#include "anatomy/description.hpp"

namespace calfpump::anatomy {

/// The state of the leg's tissues that a scenario sets; the model is built from description + this.
struct Condition {
  std::vector<double> valve_incompetence;  ///< per valve of the description: A_min/A_max in [0, 1]
  std::vector<double> vessel_diameter_scale;  ///< per vessel: varicose dilation (> 1), post-thrombotic narrowing (< 1)
  double compression_ankle_Pa = 0;         ///< graduated compression at the ankle (0 = none)
  double compression_calf_Pa = 0;          ///< at the calf's widest point
  /// per vessel: residual lumen of a narrowed or recanalised segment as a share of its area
  /// (1 = none); adds the Young-Tsai stenosis loss at the vessel's outlet (model.hpp)
  std::vector<double> vessel_residual_lumen;
  /// an above-knee tourniquet on the superficial veins (0 = none): AVP's test of superficial
  /// against deep reflux
  double tourniquet_Pa = 0;
};

/// A loaded scenario.
struct Scenario {
  std::filesystem::path file;
  std::string name;
  std::string title;
  std::string description;
  double duration_s = 0;
  Posture posture = Posture::Standing;
  double legs_raised_deg = 45;
  Activity activity;
  double activity_start_s = 0;  ///< stand (or lie) still before the activity starts
  int activity_count = 0;       ///< contraction cycles, 0 = until the end
  Condition condition;

  /// The schedule this scenario runs: still, then the activity, then still again if counted.
  Schedule schedule() const;
};

/// Loads a scenario file, checked against the leg; throws ConfigError naming file, line and key.
Scenario load_scenario(const std::filesystem::path& file, const LegDescription& leg);

/// The folder of built-in scenarios (data/scenarios).
std::filesystem::path scenario_dir();

/// Names of the built-in scenarios, sorted.
std::vector<std::string> builtin_scenarios();

/// A file path for a name or path: an existing path, or data/scenarios/<name>.toml; throws
/// ConfigError listing the built-in names when neither exists.
std::filesystem::path resolve_scenario(const std::string& name_or_file);

/// A healthy condition for the leg: every valve competent, no compression.
Condition healthy_condition(const LegDescription& leg);

}  // namespace calfpump::anatomy
