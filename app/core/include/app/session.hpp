#pragma once
// A session: one or two legs on one clock, each a scenario's model and simulation, with their
// recent history for the live plots. Plain CPU state: the session never touches the GPU (the front
// ends attach its legs to a renderer; compose_frame turns it into a frame description).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "anatomy/deform.hpp"
#include "anatomy/description.hpp"
#include "anatomy/model.hpp"
#include "anatomy/particles.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/simulation.hpp"

namespace calfpump::app {

/// One point of a leg's live plots.
struct Sample {
  double t_s = 0;
  double ankle_mmHg = 0;
  double calf_ml = 0;
};

/// One leg: its scenario, model, simulation and history.
struct LegRun {
  anatomy::LegDescription leg;
  anatomy::Scenario scenario;
  std::unique_ptr<anatomy::Model> model;
  std::unique_ptr<anatomy::Simulation> sim;
  anatomy::LegPaths paths;              ///< the swept paths of bodies and vessels (labels, close-ups, deformation)
  anatomy::ParticleNetwork network;     ///< the particle transport's view of the model's network
  std::vector<Sample> history;          ///< every Session::kSampleInterval_s from the start
};

/// Legs on one clock.
class Session {
 public:
  /// History is sampled at 30 per second of model time: a plot point per video frame.
  static constexpr double kSampleInterval_s = 1.0 / 30.0;

  /// Loads each scenario (a built-in name or a file) against the leg description; ConfigError on bad input.
  explicit Session(const std::vector<std::string>& scenarios);
  std::size_t size() const { return legs_.size(); }
  LegRun& leg(std::size_t i) { return *legs_[i]; }
  const LegRun& leg(std::size_t i) const { return *legs_[i]; }
  /// Model time (s) of the first leg (all legs step together).
  double time() const;
  /// The shortest scenario's duration: the clock's end.
  double duration() const;

  /// Called after each simulation step of a leg (leg index, its state): for observers that follow
  /// every step, e.g. particles catching up before a first frame.
  using StepObserver = std::function<void(std::size_t, const anatomy::State&)>;
  /// Advances every leg to time t in whole steps, recording history. A time before the current
  /// one is an error (std::invalid_argument): a session runs forward; make a new one to go back.
  void run_until(double t, const StepObserver& observer = {});

  /// Changes a leg's condition (valve competence, diameters, compression) while it runs: the model
  /// is built again and the simulation continues from the current state, so the consequence shows
  /// over the next steps. The leg's previous model is gone afterwards: a renderer holding it must
  /// be given the new one (Renderer::replace_model) before its next frame.
  void set_condition(std::size_t leg, const anatomy::Condition& condition);

  /// Changes what a leg does from now on (standing still, walking at a cadence, tiptoe raises),
  /// continuing from its current state; its scenario then runs that activity to the end.
  void set_activity(std::size_t leg, const anatomy::Activity& activity);

  /// The current states, one per leg, in leg order.
  std::vector<const anatomy::State*> states() const;

 private:
  void record(LegRun& l);
  std::vector<std::unique_ptr<LegRun>> legs_;
};

}  // namespace calfpump::app
