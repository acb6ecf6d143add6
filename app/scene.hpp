#pragma once
// What the pictures show: one or two legs, each a scenario's model and simulation on one clock,
// their recent history for the live plots, and their blood particles in the renderer.

#include <memory>
#include <string>
#include <vector>

#include "anatomy/deform.hpp"
#include "anatomy/description.hpp"
#include "anatomy/geometry.hpp"
#include "anatomy/model.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/simulation.hpp"

namespace calfpump::render {
class Renderer;
}

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
  anatomy::LegPaths paths;      ///< the swept paths of bodies and vessels, for placing labels and close-ups
  std::vector<Sample> history;  ///< every kSampleInterval_s from the start
};

/// Legs on one clock.
class Scene {
 public:
  /// History is sampled at 30 per second of model time: a plot point per video frame.
  static constexpr double kSampleInterval_s = 1.0 / 30.0;
  /// Particles move every eighth simulation step while catching up: 30 steps per second of model
  /// time, as in a video at 30 frames per second.
  static constexpr int kStepsPerParticleStep = 8;

  /// Loads each scenario (a built-in name or a file) against the leg description; ConfigError on bad input.
  explicit Scene(const std::vector<std::string>& scenarios);
  std::size_t size() const { return legs_.size(); }
  LegRun& leg(std::size_t i) { return *legs_[i]; }
  const LegRun& leg(std::size_t i) const { return *legs_[i]; }
  double time() const;
  /// The shortest scenario's duration: the clock's end.
  double duration() const;

  /// Puts every leg into the renderer's slots (mesh `rest`, checked against the description).
  void attach(render::Renderer& renderer, const anatomy::LegGeometry& rest);
  /// Seeds `count` particles per leg from the legs' current states.
  void seed_particles(render::Renderer& renderer, std::size_t count);
  /// Advances every leg to time t in whole steps, recording history; with a renderer, the
  /// particles move along (one GPU submission per particle step: for catching up, not for frames).
  void run_until(double t, render::Renderer* particles = nullptr);
  /// The model time one video frame advances: time_scale / fps (time_scale < 1: slow motion).
  /// The simulation and the particles move by this same model time, so the blood keeps pace with
  /// the muscles at any speed. Throws std::invalid_argument outside 0 < time_scale <= 10.
  static double frame_step(double fps, double time_scale);

  /// The current states, one per leg, in slot order.
  std::vector<const anatomy::State*> states() const;

 private:
  void record(LegRun& l);
  std::vector<std::unique_ptr<LegRun>> legs_;
};

}  // namespace calfpump::app
