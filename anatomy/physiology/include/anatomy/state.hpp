#pragma once
// The simulation state: a plain value that step() advances and that the renderer, the recorder and
// the exporters all read (the MuJoCo mjData role). SI units throughout.

#include <cstdint>
#include <vector>

namespace calfpump::anatomy {

/// Derived figures of one instant.
struct Metrics {
  double ankle_pressure_Pa = 0;           ///< at the ankle site (great saphenous, medial malleolus)
  double foot_pressure_Pa = 0;            ///< in a dorsal foot vein (the "dorsal-foot" site; the ankle's when absent)
  double calf_volume_m3 = 0;              ///< venous blood between ankle and knee
  double calf_muscle_perfusion_m3_s = 0;  ///< inflow of the calf muscle beds
  double stored_volume_m3 = 0;            ///< all venous blood in the network
};

/// Time-varying values of the network.
struct State {
  double time_s = 0;
  std::uint64_t steps = 0;

  // per segment
  std::vector<double> volume_m3;
  std::vector<double> pressure_Pa;  ///< gauge pressure at the segment's centre
  std::vector<double> area_m2;
  std::vector<double> flow_m3_s;    ///< through the segment toward the heart (its outlet edge)
  std::vector<double> external_pressure_Pa;

  // per edge and per valve
  std::vector<double> edge_flow_m3_s;  ///< positive from Edge::a to Edge::b
  std::vector<double> valve_state;     ///< zeta in [0, 1]
  std::vector<double> valve_flow_m3_s; ///< positive forward

  // per muscle and per bed
  std::vector<double> muscle_activation;
  std::vector<double> muscle_pressure_Pa;
  std::vector<double> bed_inflow_m3_s;
  std::vector<double> bed_var;         ///< venoarteriolar reflex activation in [0, 1] (1: standing still)
  std::vector<double> bed_hyperaemia;  ///< exercise hyperaemia: conductance rise over resting, >= 0

  // the leg's pose (activity.hpp joint_angles): ankle dorsiflexion and knee flexion (rad), and
  // the whole leg's rise onto the forefoot (m)
  double ankle_rad = 0;
  double knee_rad = 0;
  double lift_m = 0;

  double inflow_m3_s = 0;   ///< arterial inflow into the veins
  double outflow_m3_s = 0;  ///< to the right atrium

  // mass balance bookkeeping
  double initial_volume_m3 = 0;
  double inflow_total_m3 = 0;
  double outflow_total_m3 = 0;

  Metrics metrics;

  // the solver's own account: steps whose Newton iterations ended above the pressure tolerance
  // (accepted with the last iterate; counted so that a run can report them), and the worst
  // remaining mismatch
  std::uint64_t newton_unconverged_steps = 0;
  double newton_worst_mismatch_Pa = 0;

  /// |stored - initial - (in - out)| / max(in, out): relative mass-balance error so far.
  double mass_balance_error() const;
};

}  // namespace calfpump::anatomy
