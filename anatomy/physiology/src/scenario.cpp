#include "anatomy/scenario.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "anatomy/units.hpp"
#include "toml_reader.hpp"

namespace calfpump::anatomy {

using detail::TableReader;

Condition healthy_condition(const LegDescription& leg) {
  Condition c;
  c.valve_incompetence.assign(leg.valves.size(), 0.0);
  c.vessel_diameter_scale.assign(leg.vessels.size(), 1.0);
  c.vessel_residual_lumen.assign(leg.vessels.size(), 1.0);
  return c;
}

Schedule Scenario::schedule() const {
  Schedule s;
  s.legs_raised_deg = legs_raised_deg;
  const Activity still{};
  double t = 0;
  if (activity.kind != ActivityKind::Still && activity_start_s > 0) {
    s.phases.push_back({activity_start_s, posture, still, "still"});
    t = activity_start_s;
  }
  if (activity.kind == ActivityKind::Still) {
    s.phases.push_back({duration_s, posture, still, "still"});
    return s;
  }
  double active = duration_s - t;
  if (activity_count > 0) active = std::min(active, activity_count * activity.cycle_s());
  s.phases.push_back({active, posture, activity, activity_name(activity.kind)});
  t += active;
  if (duration_s - t > 1e-9) s.phases.push_back({duration_s - t, posture, still, "still"});
  return s;
}

std::filesystem::path scenario_dir() { return data_dir() / "scenarios"; }

std::vector<std::string> builtin_scenarios() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(scenario_dir(), ec))
    if (e.path().extension() == ".toml") names.push_back(e.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::filesystem::path resolve_scenario(const std::string& name_or_file) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(name_or_file, ec)) return name_or_file;
  const bool looks_like_path = name_or_file.find('/') != std::string::npos ||
                               name_or_file.ends_with(".toml");
  if (!looks_like_path) {
    auto p = scenario_dir() / (name_or_file + ".toml");
    if (std::filesystem::is_regular_file(p, ec)) return p;
  }
  std::string list;
  for (const auto& n : builtin_scenarios()) list += (list.empty() ? "" : ", ") + n;
  throw ConfigError(name_or_file, 0, 0, "",
                    looks_like_path ? "no such scenario file"
                                    : fmt::format("no such scenario; built-in scenarios are: {}", list));
}

namespace {

Posture parse_posture(const std::string& s) {
  if (s == "sitting") return Posture::Sitting;
  if (s == "supine") return Posture::Supine;
  if (s == "supine-legs-raised") return Posture::SupineLegsRaised;
  return Posture::Standing;
}

ActivityKind parse_activity(const std::string& s) {
  if (s == "walking") return ActivityKind::Walking;
  if (s == "tiptoe") return ActivityKind::Tiptoe;
  if (s == "ankle-pumps") return ActivityKind::AnklePumps;
  return ActivityKind::Still;
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& path, const LegDescription& leg) {
  const std::string file = path.string();
  toml::table root = detail::parse_toml_file(file);
  TableReader top(root, file, "");
  Scenario sc;
  sc.file = path;
  sc.condition = healthy_condition(leg);

  {
    TableReader r(*top.table("scenario", true), file, "scenario");
    sc.name = r.string("name");
    sc.title = r.string("title", sc.name);
    sc.description = r.string("description", std::string());
    sc.duration_s = r.number("duration_s", 1.0, 3600.0);
    r.finish();
  }
  {
    TableReader r(*top.table("posture", true), file, "posture");
    sc.posture = parse_posture(
        r.choice("kind", {"standing", "sitting", "supine", "supine-legs-raised"}));
    sc.legs_raised_deg = r.number("legs_raised_deg", 0.0, 90.0, 45.0);
    r.finish();
  }
  if (const toml::table* t = top.table("activity", false)) {
    TableReader r(*t, file, "activity");
    sc.activity.kind = parse_activity(r.choice("kind", {"still", "walking", "tiptoe", "ankle-pumps"}));
    // ranges: cadence of slow to brisk walking; raise and pump rates a person can perform
    sc.activity.cadence_steps_per_min = r.number("cadence_steps_per_min", 40.0, 160.0, 100.0);
    sc.activity.rate_per_s = r.number("rate_per_s", 0.2, 2.0, 1.0);
    sc.activity.intensity = r.number("intensity", 0.05, 1.0, 1.0);
    sc.activity_start_s = r.number("start_s", 0.0, 3600.0, 0.0);
    sc.activity_count = static_cast<int>(r.integer("count", 0, 10000, 0));
    r.finish();
    if (sc.activity_start_s >= sc.duration_s && sc.activity.kind != ActivityKind::Still)
      r.fail("start_s", fmt::format("the activity starts at {} s, after the scenario ends ({} s)",
                                    sc.activity_start_s, sc.duration_s));
  }
  for (const toml::table* t : top.tables("valves", false)) {
    TableReader r(*t, file, "valves");
    const double inc = r.number("incompetence", 0.0, 1.0);
    const int selectors = int(r.has("valve")) + int(r.has("vessel")) + int(r.has("compartment"));
    if (selectors != 1)
      r.fail("incompetence", "expected exactly one of 'valve', 'vessel' or 'compartment' to select valves");
    std::vector<std::size_t> hit;
    if (r.has("valve")) {
      const std::string name = r.string("valve");
      for (std::size_t i = 0; i < leg.valves.size(); ++i)
        if (leg.valves[i].name == name) hit.push_back(i);
      if (hit.empty()) r.fail("valve", fmt::format("unknown valve '{}'", name));
    } else if (r.has("vessel")) {
      const std::string name = r.string("vessel");
      if (leg.vessel_index(name) < 0) r.fail("vessel", fmt::format("unknown vessel '{}'", name));
      for (std::size_t i = 0; i < leg.valves.size(); ++i)
        if (leg.valves[i].vessel == name) hit.push_back(i);
      if (hit.empty()) r.fail("vessel", fmt::format("vessel '{}' has no valves", name));
    } else {
      const std::string c = r.choice("compartment", {"intramuscular", "deep-intermuscular",
                                                     "superficial", "perforator", "central"});
      for (std::size_t i = 0; i < leg.valves.size(); ++i) {
        const auto& v = leg.vessels[static_cast<std::size_t>(leg.vessel_index(leg.valves[i].vessel))];
        if (c == compartment_name(v.compartment)) hit.push_back(i);
      }
      if (hit.empty()) r.fail("compartment", fmt::format("no valves lie in compartment '{}'", c));
    }
    r.finish();
    for (std::size_t i : hit) sc.condition.valve_incompetence[i] = inc;
  }
  for (const toml::table* t : top.tables("vessels", false)) {
    TableReader r(*t, file, "vessels");
    const std::string name = r.string("vessel");
    const int vi = leg.vessel_index(name);
    if (vi < 0) r.fail("vessel", fmt::format("unknown vessel '{}'", name));
    // varicose veins reach about twice, and up to three times, their normal diameter; a
    // recanalised post-thrombotic vein keeps about half of its lumen at worst
    if (r.has("diameter_scale"))
      sc.condition.vessel_diameter_scale[static_cast<std::size_t>(vi)] = r.number("diameter_scale", 0.5, 3.0);
    // residual lumen of a recanalised or stenosed vein: from an occlusion bypassed by collaterals
    // (a few percent) to none (1); below 0.02 the loss would stand for an occlusion, which a vessel
    // left out of the network represents better
    if (r.has("residual_lumen"))
      sc.condition.vessel_residual_lumen[static_cast<std::size_t>(vi)] = r.number("residual_lumen", 0.02, 1.0);
    if (!r.has("diameter_scale") && !r.has("residual_lumen"))
      r.fail("vessel", "expected 'diameter_scale' or 'residual_lumen'");
    r.finish();
  }
  if (const toml::table* t = top.table("compression", false)) {
    TableReader r(*t, file, "compression");
    // medical compression classes reach about 50 mmHg at the ankle; beyond 60 is not used
    sc.condition.compression_ankle_Pa = mmHg_to_Pa(r.number("ankle_mmHg", 0.0, 60.0));
    sc.condition.compression_calf_Pa = mmHg_to_Pa(r.number("calf_mmHg", 0.0, 60.0));
    r.finish();
    if (sc.condition.compression_calf_Pa > sc.condition.compression_ankle_Pa)
      r.fail("calf_mmHg", "graduated compression must not be higher at the calf than at the ankle");
  }
  top.finish();
  return sc;
}

}  // namespace calfpump::anatomy
