#include "app/loop.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "anatomy/error.hpp"
#include "anatomy/scenario.hpp"

namespace calfpump::app {

double whole_cycles(const std::vector<const anatomy::Scenario*>& scenarios, double start_s, double span_s, const std::string& key) {
  using anatomy::ConfigError;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const anatomy::Scenario& sc = *scenarios[i];
    if (sc.activity.kind == anatomy::ActivityKind::Still)
      throw ConfigError(key, 0, 0, "", fmt::format("{} stands still: there is no cycle to loop", sc.name));
    if (start_s + 1e-9 < sc.activity_start_s)
      throw ConfigError(key, 0, 0, "",
                        fmt::format("the clip starts at {} s, before {}'s activity (from {} s): give --start {} or later", start_s, sc.name,
                                    sc.activity_start_s, sc.activity_start_s));
    if (i > 0 && std::abs(sc.activity.cycle_s() - scenarios[0]->activity.cycle_s()) > 1e-9)
      throw ConfigError(key, 0, 0, "", "the two legs move in different rhythms: no length loops both");
  }
  const anatomy::Scenario& sc = *scenarios.front();
  double end = sc.duration_s;
  if (sc.activity_count > 0) end = std::min(end, sc.activity_start_s + sc.activity_count * sc.activity.cycle_s());
  const double cycle = sc.activity.cycle_s();
  const double span = std::min(span_s, end - start_s);
  const double cycles = std::floor(span / cycle + 1e-9);
  if (cycles < 1)
    throw ConfigError(key, 0, 0, "", fmt::format("{:.2f} s of the activity from {} s hold no whole cycle ({:.2f} s)", span, start_s, cycle));
  return cycles * cycle;
}

}  // namespace calfpump::app
