#pragma once
// Stepping the network: a fixed-step, linearly implicit (backward Euler with Newton iterations on
// the tube law, conductances and valve states frozen over the step) integrator that stays stable at
// valve closure and vein collapse. Mass balance closes to rounding: every step updates each volume
// with exactly the flows it reports.

#include "anatomy/activity.hpp"
#include "anatomy/model.hpp"
#include "anatomy/state.hpp"

namespace calfpump::anatomy {

/// The step the animation uses: 1/240 s divides frames at 24, 30, 60 and 120 fps evenly.
inline constexpr double kAnimationStep_s = 1.0 / 240.0;

/// Scratch space and per-schedule constants of a run (not state: never read by observers).
struct Workspace {
  std::vector<std::vector<double>> segment_height;  ///< [posture][segment]: height above heart (m)
  std::vector<std::vector<double>> site_height;     ///< [posture][site]
  std::vector<double> height, site_h, p_ext, conductance, source, rhs, v_iter, v_new;
  std::vector<double> zeta, edge_flow, inflow;
  std::vector<double> compliance, piezo;
  std::vector<char> inflow_linear;
  std::vector<double> inflow_const;
  std::vector<double> inflow_g;  ///< per inflow link: its conductance over the step
  SparseLdl solver;              ///< factorised each Newton iteration
  SparseLdl base;                ///< the step's network part, copied into solver per iteration
  std::vector<double> rhs_base;
  int max_newton = 16;  ///< iterations allowed per step; a step still above tolerance is counted in the State
  double bed_dt = -1, var_decay = 0, rise_decay = 0, fall_decay = 0;  ///< the microcirculation's relaxation per step
};

/// A bed's conductance relative to its resting (standing-still) one, for a reflex activation var
/// in [0, 1] and an exercise hyperaemia h: (1 - r var) (1 + h), r its reflex reduction.
double bed_conductance_factor(const Bed& bed, double var, double hyperaemia);

/// Prepares a workspace for a model and schedule.
Workspace make_workspace(const Model& model, const Schedule& schedule);

/// The state at t = 0: the hydrostatic equilibrium of the first phase's posture (no flow, all
/// veins in the column to the right atrium), valves open.
State initial_state(const Model& model, const Schedule& schedule, Workspace& ws);

/// Advances the state by dt (s). Deterministic: the result depends only on the inputs. Throws
/// SimulationError, naming the segment and time, when a step produces a non-finite or
/// non-physical value.
void step(const Model& model, const Schedule& schedule, Workspace& ws, State& state, double dt);

/// A model, a schedule and a state together, for callers that just want to run.
class Simulation {
 public:
  Simulation(const Model& model, Schedule schedule, double dt = kAnimationStep_s);
  /// Continues from `state` of a model with the same network (the same leg with other valves,
  /// diameters or compression): a setting changed while running, not a restart. Throws
  /// std::invalid_argument when the state does not fit the model.
  Simulation(const Model& model, Schedule schedule, const State& state, double dt = kAnimationStep_s);

  /// Advances one step.
  void step();
  /// Advances until time t (s), in whole steps.
  void run_until(double t);

  const State& state() const { return state_; }
  const Model& model() const { return model_; }
  const Schedule& schedule() const { return schedule_; }
  double dt() const { return dt_; }

 private:
  const Model& model_;
  Schedule schedule_;
  double dt_;
  Workspace ws_;
  State state_;
};

}  // namespace calfpump::anatomy
