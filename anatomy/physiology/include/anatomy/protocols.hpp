#pragma once
// Clinical read-outs run on the model, as a vascular lab would: a run summary, the ambulatory venous
// pressure test (AVP) and air plethysmography (APG). Definitions follow the clinical protocols (AVP: Nicolaides
// and Zukowski 1986; APG: Christopoulos et al. 1987; data/CALIBRATION.md); figures are
// reported in mmHg, ml, ml/s and percent (the units a lab reports).

#include <functional>
#include <string>

#include "anatomy/model.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/simulation.hpp"

namespace calfpump::anatomy {

/// Called with the state after every step of a run.
using StepObserver = std::function<void(const State&)>;

/// Summary of a scenario run.
struct RunSummary {
  double duration_s = 0;
  double dt_s = 0;
  double window_start_s = 0;  ///< averages are taken over [window_start_s, window_end_s]
  double window_end_s = 0;
  int window_cycles = 0;      ///< contraction cycles in the window (0 when still)
  double ankle_pressure_mmHg = 0;         ///< mean over the window
  double ankle_pressure_min_mmHg = 0;
  double ankle_pressure_max_mmHg = 0;
  double calf_venous_volume_ml = 0;       ///< mean over the window
  double ejected_volume_per_contraction_ml = 0;  ///< mean (max - min) calf volume per cycle
  double calf_muscle_perfusion_ml_min = 0;       ///< mean over the window
  double inflow_ml_min = 0;
  double outflow_ml_min = 0;
  double mass_balance_error = 0;          ///< relative, over the whole run
};

/// Runs a scenario on a model and summarises it; the observer sees every step.
RunSummary run_scenario(const Model& model, const Scenario& scenario, double dt = kAnimationStep_s,
                        const StepObserver& observer = {});

/// Ambulatory venous pressure test result.
struct AvpResult {
  std::string exercise;                 ///< e.g. "10 tiptoe raises at 1/s"
  double standing_pressure_mmHg = 0;    ///< mean over the last 5 s of standing still
  double ambulatory_pressure_mmHg = 0;  ///< lowest cycle-mean pressure during the exercise
  double pressure_drop_percent = 0;
  double refill_time_s = 0;             ///< to recover 90% of the drop after the exercise
  bool refilled = true;                 ///< false when the pressure did not recover in time
};

/// Runs the AVP protocol with the scenario's leg condition (standing; 10 raises, or 10 gait cycles
/// when the scenario walks; then standing still).
AvpResult run_avp(const LegDescription& leg, const Scenario& scenario, double dt = kAnimationStep_s,
                  const StepObserver& observer = {});

/// Air plethysmography result.
struct ApgResult {
  double venous_volume_ml = 0;             ///< VV: calf volume rise from legs raised to standing
  double venous_filling_index_ml_s = 0;    ///< VFI: 90% of VV over the time to reach it
  double filling_time_s = 0;               ///< time to 90% of VV
  double ejection_volume_ml = 0;           ///< EV: one tiptoe raise
  double ejection_fraction_percent = 0;    ///< EF = EV / VV
  double residual_volume_ml = 0;           ///< RV: above baseline after ten raises
  double residual_volume_fraction_percent = 0;  ///< RVF = RV / VV
};

/// Runs the APG protocol with the scenario's leg condition.
ApgResult run_apg(const LegDescription& leg, const Scenario& scenario, double dt = kAnimationStep_s,
                  const StepObserver& observer = {});

/// The AVP schedule (exposed for plotting and tests).
Schedule avp_schedule(const Scenario& scenario);
/// The APG schedule.
Schedule apg_schedule();

}  // namespace calfpump::anatomy
