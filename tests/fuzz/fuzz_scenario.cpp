// Fuzzes the scenario reader, anatomy::load_scenario, against the default leg description, and the
// schedule and model a loaded scenario makes (what `calfpump run` does with a user's scenario).

#include "anatomy/model.hpp"
#include "anatomy/scenario.hpp"
#include "fuzz_common.hpp"

namespace anatomy = calfpump::anatomy;
namespace fuzz = calfpump::fuzz;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fuzz::default_leg();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > fuzz::kMaxInputBytes) return 0;
  const auto file = fuzz::temp_dir().write("scenario.toml", data, size);
  const anatomy::LegDescription& leg = fuzz::default_leg();
  try {
    const anatomy::Scenario sc = anatomy::load_scenario(file, leg);
    if (sc.condition.valve_incompetence.size() != leg.valves.size() || sc.condition.vessel_diameter_scale.size() != leg.vessels.size())
      fuzz::broken("the condition does not match the leg");
    const anatomy::Schedule schedule = sc.schedule();
    double total = 0;
    for (const auto& phase : schedule.phases) {
      if (!(phase.duration_s >= 0)) fuzz::broken("a phase of negative or NaN duration");
      total += phase.duration_s;
    }
    if (std::abs(total - sc.duration_s) > 1e-6 * sc.duration_s) fuzz::broken("the phases do not add up to the duration");
    (void)anatomy::build_model(leg, sc.condition);
  } catch (const anatomy::ConfigError& e) { fuzz::refused(e); }
  return 0;
}
