#pragma once
// Clinical read-outs run on the model, as a vascular lab would: a run summary, the ambulatory venous
// pressure test (AVP) and air plethysmography (APG). Definitions follow the clinical protocols (AVP: Nicolaides
// and Zukowski 1986; APG: Christopoulos et al. 1987; data/CALIBRATION.md); figures are
// reported in mmHg, ml, ml/s and percent (the units a lab reports).

#include <cstdint>
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
  std::uint64_t newton_unconverged_steps = 0;  ///< steps accepted above the solver's tolerance
  double newton_worst_mismatch_mmHg = 0;
};

/// Runs a scenario on a model and summarises it; the observer sees every step.
RunSummary run_scenario(const Model& model, const Scenario& scenario, double dt = kAnimationStep_s,
                        const StepObserver& observer = {});

/// How the ambulatory venous pressure test is run.
struct AvpOptions {
  /// an above-knee tourniquet occluding the superficial veins throughout the test: the clinic's
  /// test of whether superficial reflux explains a short refill time (Nicolaides & Zukowski 1986)
  bool tourniquet = false;
  double tourniquet_mmHg = 80.0;  ///< cuff pressure; enough to occlude a thigh vein at ~50 mmHg standing
};

/// Ambulatory venous pressure test result. Pressure in a dorsal foot vein (Metrics::foot_pressure_Pa).
struct AvpResult {
  std::string exercise;                 ///< "10 tiptoe raises at 1/s"
  bool tourniquet = false;
  double standing_pressure_mmHg = 0;    ///< mean over the last 5 s of standing still
  double ambulatory_pressure_mmHg = 0;  ///< lowest cycle-mean pressure during the exercise
  double pressure_drop_percent = 0;
  double refill_time_s = 0;             ///< RT90: to recover 90% of the drop after the exercise
  bool refilled = true;                 ///< false when the pressure did not recover 90% in time
  double refill_time_baseline_s = 0;    ///< RT: back within 2 mmHg of the standing pressure
  bool returned = true;                 ///< false when it did not in the recovery time
  std::uint64_t newton_unconverged_steps = 0;
  double newton_worst_mismatch_mmHg = 0;
};

/// Runs the AVP protocol with the scenario's leg condition (compression included) as the clinic
/// runs it, whatever the scenario's own activity: standing still 60 s, ten tiptoe raises at one per
/// second, standing still 120 s.
AvpResult run_avp(const LegDescription& leg, const Scenario& scenario, double dt = kAnimationStep_s,
                  const StepObserver& observer = {}, const AvpOptions& options = {});

/// How the walking protocol is run.
struct WalkOptions {
  /// Pollack et al. 1949 walked their subjects on a level treadmill at 1.7 miles per hour
  /// (0.76 m/s); at a step length of about 0.5 m that is about 90 steps per minute (stated choice)
  double cadence_steps_per_min = 90.0;
  double walk_s = 60.0;  ///< long enough for the pressure's plateau (reached within 10-20 s)
};

/// Walking (treadmill) protocol result, read where Pollack et al. read it: the great saphenous vein
/// at the ankle (Metrics::ankle_pressure_Pa).
struct WalkResult {
  double cadence_steps_per_min = 0;
  double standing_pressure_mmHg = 0;  ///< mean over the last 5 s of standing still
  double walking_pressure_mmHg = 0;   ///< mean over the last 10 gait cycles of the walk
  double pressure_drop_mmHg = 0;      ///< standing minus walking (Pollack's "decrease in mean pressure")
  double pressure_drop_percent = 0;
  double return_time_s = 0;           ///< after the walk, back within 2 mmHg of the standing pressure
  bool returned = true;
  double refill_time_s = 0;           ///< RT90 after the walk
  std::uint64_t newton_unconverged_steps = 0;
  double newton_worst_mismatch_mmHg = 0;
};

/// Runs the walking protocol with the scenario's leg condition: standing still 60 s, walking, standing 120 s.
WalkResult run_walk(const LegDescription& leg, const Scenario& scenario, double dt = kAnimationStep_s,
                    const StepObserver& observer = {}, const WalkOptions& options = {});

/// Air plethysmography result.
struct ApgResult {
  double venous_volume_ml = 0;             ///< VV: calf volume rise from legs raised to standing
  double venous_filling_index_ml_s = 0;    ///< VFI: 90% of VV over the time to reach it
  double filling_time_s = 0;               ///< time to 90% of VV
  double ejection_volume_ml = 0;           ///< EV: one tiptoe raise
  double ejection_fraction_percent = 0;    ///< EF = EV / VV
  double residual_volume_ml = 0;           ///< RV: above baseline after ten raises
  double residual_volume_fraction_percent = 0;  ///< RVF = RV / VV
  std::uint64_t newton_unconverged_steps = 0;
  double newton_worst_mismatch_mmHg = 0;
};

/// Runs the APG protocol with the scenario's leg condition (Christopoulos et al. 1987): supine
/// with the leg raised 45 degrees, standing (VV, VFI), one tiptoe raise (EV, EF), standing to
/// refill, ten tiptoe raises (RV, RVF).
ApgResult run_apg(const LegDescription& leg, const Scenario& scenario, double dt = kAnimationStep_s,
                  const StepObserver& observer = {});

/// The AVP schedule (exposed for plotting and tests): the same for every scenario.
Schedule avp_schedule();
/// The walking protocol's schedule.
Schedule walk_schedule(const WalkOptions& options = {});
/// The APG schedule.
Schedule apg_schedule();

/// The condition with an above-knee tourniquet of p_mmHg added.
Condition with_tourniquet(Condition c, double p_mmHg);

}  // namespace calfpump::anatomy
