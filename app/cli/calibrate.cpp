#include "calibrate.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "anatomy/calibration.hpp"
#include "anatomy/error.hpp"
#include "anatomy/protocols.hpp"

namespace calfpump::app {

using namespace calfpump::anatomy;
using nlohmann::json;

namespace {


json finite_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

const char* verdict(const CalibrationRow& r) {
  if (r.in_band) return r.published.known_failure.empty() ? "in" : "in (listed as known failure)";
  return r.published.known_failure.empty() ? "OUT" : "out (known failure)";
}

}  // namespace

int cmd_calibrate(const CalibrateOptions& o) {
  return guarded([&] {
    const LegDescription leg = load_leg_description(default_leg_file());
    const PublishedTable table = load_published_figures(o.table.empty() ? default_published_figures_file() : std::filesystem::path(o.table));
    const Calibration full = calibrate(leg, table, true);
    Calibration c = full;
    c.rows.resize(table.figures.size());
    int out = 0, known = 0;
    for (const auto& r : c.rows) {
      out += !r.in_band && r.published.known_failure.empty();
      known += !r.published.known_failure.empty();
    }
    if (o.json) {
      json rows = json::array();
      for (const auto& r : c.rows)
        rows.push_back({{"quantity", r.published.quantity},
                        {"condition", r.published.condition},
                        {"scenario", r.scenario},
                        {"model", finite_or_null(r.model)},
                        {"low", finite_or_null(r.published.low)},
                        {"high", finite_or_null(r.published.high)},
                        {"published_value", finite_or_null(r.published.value)},
                        {"source", r.published.source},
                        {"where", r.published.where},
                        {"read", r.published.read},
                        {"in_band", r.in_band},
                        {"known_failure", r.published.known_failure}});
      json figures = json::object();
      for (const auto& [cond, f] : c.figures) {
        json j = json::object();
        for (const auto& [k, v] : f) j[k] = finite_or_null(v);
        figures[cond] = j;
      }
      fmt::print("{}\n", json{{"table", table.file.string()},
                              {"rows", rows},
                              {"figures", figures},
                              {"out_of_band", out},
                              {"known_failures", known},
                              {"newton_unconverged_steps", c.newton_unconverged_steps}}
                             .dump(2));
      return 0;
    }
    if (o.markdown) {
      fmt::print("{}", markdown_tables(full, table));
      return 0;
    }
    if (!o.reference_csv.empty()) {
      const auto ref = reference_results(leg);
      std::FILE* f = std::fopen((o.reference_csv + ".partial").c_str(), "w");
      if (!f) throw std::runtime_error("cannot write " + o.reference_csv);
      fmt::print(f, "# reference results: calfpump calibrate --reference-csv (every built-in scenario's protocols)\n");
      fmt::print(f, "scenario,quantity,value\n");
      for (const auto& [sc, q] : ref)
        for (const auto& [k, v] : q) fmt::print(f, "{},{},{:.9g}\n", sc, k, v);
      std::fclose(f);
      std::filesystem::rename(o.reference_csv + ".partial", o.reference_csv);
      fmt::print("wrote {}\n", o.reference_csv);
      return 0;
    }
    fmt::print("Calibration against {} ({} figures)\n\n", table.file.string(), c.rows.size());
    fmt::print("{:<24} {:<30} {:>8}  {:<22} {:<26} {}\n", "figure", "condition", "model", "published", "verdict", "source");
    for (const auto& r : c.rows)
      fmt::print("{:<24} {:<30} {:>8.3g}  {:<22} {:<26} {}\n", r.published.quantity, r.published.condition, r.model,
                 band_text(r.published), verdict(r), r.published.source);
    fmt::print("\n{} of {} figures in band; {} out of band not listed; {} known failures:\n",
               c.rows.size() - static_cast<std::size_t>(out) - static_cast<std::size_t>(known), c.rows.size(), out, known);
    for (const auto& r : c.rows)
      if (!r.published.known_failure.empty())
        fmt::print("  KNOWN FAILURE {} / {}: {}\n", r.published.quantity, r.published.condition, r.published.known_failure);
    fmt::print("solver: {:.0f} steps accepted above the Newton tolerance over all protocol runs\n", c.newton_unconverged_steps);
    return 0;
  });
}

int cmd_protocol_extra(const ProtocolOptions& o, bool tourniquet) {
  return guarded([&] {
    const LegDescription leg = load_leg_description(default_leg_file());
    const Scenario sc = load_scenario(resolve_scenario(o.scenario), leg);
    if (o.protocol == "walk") {
      const WalkResult r = run_walk(leg, sc);
      if (o.json) {
        fmt::print("{}\n", json{{"scenario", sc.name},
                                {"protocol", "walk"},
                                {"cadence_steps_per_min", r.cadence_steps_per_min},
                                {"standing_pressure_mmHg", r.standing_pressure_mmHg},
                                {"walking_pressure_mmHg", r.walking_pressure_mmHg},
                                {"pressure_drop_mmHg", r.pressure_drop_mmHg},
                                {"pressure_drop_percent", r.pressure_drop_percent},
                                {"return_time_s", r.return_time_s},
                                {"returned", r.returned},
                                {"refill_time_s", r.refill_time_s},
                                {"newton_unconverged_steps", r.newton_unconverged_steps}}
                               .dump(2));
        return 0;
      }
      fmt::print("Walking (treadmill, Pollack et al. 1949): {} ({})\n", sc.title, sc.name);
      fmt::print("  cadence                  {:6.0f} steps/min, great saphenous vein at the ankle\n", r.cadence_steps_per_min);
      fmt::print("  standing pressure        {:6.1f} mmHg\n", r.standing_pressure_mmHg);
      fmt::print("  walking pressure         {:6.1f} mmHg\n", r.walking_pressure_mmHg);
      fmt::print("  pressure drop            {:6.1f} mmHg ({:.0f} %)\n", r.pressure_drop_mmHg, r.pressure_drop_percent);
      fmt::print("  return to standing       {:6.1f} s{}\n", r.return_time_s, r.returned ? "" : " (not returned)");
      fmt::print("  refill time (90%)        {:6.1f} s\n", r.refill_time_s);
      if (r.newton_unconverged_steps) fmt::print("  solver: {} steps above the Newton tolerance\n", r.newton_unconverged_steps);
      return 0;
    }
    AvpOptions ao;
    ao.tourniquet = tourniquet;
    const AvpResult r = run_avp(leg, sc, kAnimationStep_s, {}, ao);
    if (o.json) {
      fmt::print("{}\n", json{{"scenario", sc.name},
                              {"protocol", "avp"},
                              {"exercise", r.exercise},
                              {"tourniquet", r.tourniquet},
                              {"standing_pressure_mmHg", r.standing_pressure_mmHg},
                              {"ambulatory_pressure_mmHg", r.ambulatory_pressure_mmHg},
                              {"pressure_drop_percent", r.pressure_drop_percent},
                              {"refill_time_s", r.refill_time_s},
                              {"refilled", r.refilled},
                              {"refill_time_baseline_s", r.refill_time_baseline_s},
                              {"newton_unconverged_steps", r.newton_unconverged_steps}}
                             .dump(2));
      return 0;
    }
    fmt::print("Ambulatory venous pressure with an above-knee tourniquet: {} ({})\n", sc.title, sc.name);
    fmt::print("  exercise                 {}, dorsal foot vein\n", r.exercise);
    fmt::print("  standing pressure        {:6.1f} mmHg\n", r.standing_pressure_mmHg);
    fmt::print("  ambulatory pressure      {:6.1f} mmHg\n", r.ambulatory_pressure_mmHg);
    fmt::print("  pressure drop            {:6.1f} %\n", r.pressure_drop_percent);
    fmt::print("  refill time (90%)        {:6.1f} s{}\n", r.refill_time_s, r.refilled ? "" : " (not refilled)");
    fmt::print("  back to standing         {:6.1f} s\n", r.refill_time_baseline_s);
    return 0;
  });
}

}  // namespace calfpump::app
