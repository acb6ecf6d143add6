#include "scene.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "anatomy/geometry_io.hpp"
#include "anatomy/units.hpp"
#include "render/renderer.hpp"

namespace calfpump::app {

using namespace calfpump::anatomy;

Scene::Scene(const std::vector<std::string>& scenarios) {
  for (const std::string& name : scenarios) {
    auto l = std::make_unique<LegRun>();
    l->leg = load_leg_description(default_leg_file());
    l->scenario = load_scenario(resolve_scenario(name), l->leg);
    l->model = std::make_unique<Model>(build_model(l->leg, l->scenario.condition));
    l->sim = std::make_unique<Simulation>(*l->model, l->scenario.schedule());
    l->paths = make_leg_paths(l->leg);
    record(*l);
    legs_.push_back(std::move(l));
  }
}

double Scene::time() const { return legs_.empty() ? 0.0 : legs_.front()->sim->state().time_s; }

double Scene::duration() const {
  double d = legs_.empty() ? 0.0 : legs_.front()->scenario.duration_s;
  for (const auto& l : legs_) d = std::min(d, l->scenario.duration_s);
  return d;
}

void Scene::attach(render::Renderer& renderer, const LegGeometry& rest) {
  for (std::size_t i = 0; i < legs_.size(); ++i) {
    check_leg_geometry(rest, legs_[i]->leg, default_leg_mesh().string());
    renderer.set_leg(*legs_[i]->model, rest, i);
  }
}

void Scene::seed_particles(render::Renderer& renderer, std::size_t count) {
  for (std::size_t i = 0; i < legs_.size(); ++i) renderer.set_particles(legs_[i]->sim->state(), count, i);
}

void Scene::record(LegRun& l) {
  const State& s = l.sim->state();
  const double due = static_cast<double>(l.history.size()) * kSampleInterval_s;
  if (s.time_s + 1e-9 < due) return;
  l.history.push_back({s.time_s, Pa_to_mmHg(s.metrics.ankle_pressure_Pa), s.metrics.calf_volume_m3 * 1e6});
}

void Scene::run_until(double t, render::Renderer* particles) {
  for (std::size_t i = 0; i < legs_.size(); ++i) {
    LegRun& l = *legs_[i];
    const auto target = static_cast<std::uint64_t>(std::llround(t / l.sim->dt()));
    while (l.sim->state().steps < target) {
      l.sim->step();
      record(l);
      if (particles && (l.sim->state().steps % kStepsPerParticleStep == 0 || l.sim->state().steps == target))
        particles->advance_particles(l.sim->state(), kStepsPerParticleStep * l.sim->dt(), i);
    }
  }
}

double Scene::frame_step(double fps, double time_scale) {
  if (!(fps > 0) || !(time_scale > 0) || time_scale > 10)
    throw std::invalid_argument("the time scale must be above 0 and at most 10, and the frame rate above 0");
  return time_scale / fps;
}

std::vector<const State*> Scene::states() const {
  std::vector<const State*> out;
  for (const auto& l : legs_) out.push_back(&l->sim->state());
  return out;
}

}  // namespace calfpump::app
