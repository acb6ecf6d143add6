// Fuzzes the leg description reader, anatomy::load_leg_description, and the model built from a
// description it accepted: a description that passes the reader's checks must build a model or be
// refused with a ConfigError, never crash it.

#include "anatomy/model.hpp"
#include "anatomy/scenario.hpp"
#include "fuzz_common.hpp"

namespace anatomy = calfpump::anatomy;
namespace fuzz = calfpump::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > fuzz::kMaxInputBytes) return 0;
  const auto file = fuzz::temp_dir().write("leg.toml", data, size);
  try {
    const anatomy::LegDescription leg = anatomy::load_leg_description(file);
    if (leg.muscles.empty() || leg.vessels.empty() || leg.valves.empty() || leg.bodies.empty())
      fuzz::broken("an accepted description lacks muscles, vessels, valves or bodies");
    for (const auto& v : leg.valves)
      if (leg.vessel_index(v.vessel) < 0) fuzz::broken("a valve on an unknown vessel");
    (void)anatomy::build_model(leg, anatomy::healthy_condition(leg));
  } catch (const anatomy::ConfigError& e) { fuzz::refused(e); }
  return 0;
}
