#include "app/session.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "anatomy/units.hpp"

namespace calfpump::app {

using namespace calfpump::anatomy;

Session::Session(const std::vector<std::string>& scenarios) {
  for (const std::string& name : scenarios) {
    auto l = std::make_unique<LegRun>();
    l->leg = load_leg_description(default_leg_file());
    l->scenario = load_scenario(resolve_scenario(name), l->leg);
    l->model = std::make_unique<Model>(build_model(l->leg, l->scenario.condition));
    l->sim = std::make_unique<Simulation>(*l->model, l->scenario.schedule());
    l->paths = make_leg_paths(l->leg);
    l->network = make_particle_network(*l->model);
    record(*l);
    legs_.push_back(std::move(l));
  }
}

double Session::time() const { return legs_.empty() ? 0.0 : legs_.front()->sim->state().time_s; }

double Session::duration() const {
  double d = legs_.empty() ? 0.0 : legs_.front()->scenario.duration_s;
  for (const auto& l : legs_) d = std::min(d, l->scenario.duration_s);
  return d;
}

void Session::record(LegRun& l) {
  const State& s = l.sim->state();
  const double due = static_cast<double>(l.history.size()) * kSampleInterval_s;
  if (s.time_s + 1e-9 < due) return;
  l.history.push_back({s.time_s, Pa_to_mmHg(s.metrics.ankle_pressure_Pa), s.metrics.calf_volume_m3 * 1e6});
}

void Session::run_until(double t, const StepObserver& observer) {
  for (std::size_t i = 0; i < legs_.size(); ++i) {
    LegRun& l = *legs_[i];
    const auto target = static_cast<std::uint64_t>(std::llround(t / l.sim->dt()));
    if (target < l.sim->state().steps)
      throw std::invalid_argument(fmt::format("the session is at {:.3f} s and cannot go back to {:.3f} s", l.sim->state().time_s, t));
    while (l.sim->state().steps < target) {
      l.sim->step();
      record(l);
      if (observer) observer(i, l.sim->state());
    }
  }
}

void Session::set_condition(std::size_t i, const Condition& condition) {
  LegRun& l = *legs_.at(i);
  auto model = std::make_unique<Model>(build_model(l.leg, condition));
  auto sim = std::make_unique<Simulation>(*model, l.scenario.schedule(), l.sim->state(), l.sim->dt());
  l.scenario.condition = condition;
  l.sim = std::move(sim);  // the old simulation refers to the old model: it goes first
  l.model = std::move(model);
  l.network = make_particle_network(*l.model);
}

void Session::set_activity(std::size_t i, const Activity& activity) {
  LegRun& l = *legs_.at(i);
  l.scenario.activity = activity;
  l.scenario.activity_start_s = l.sim->state().time_s;
  l.scenario.activity_count = 0;
  l.sim = std::make_unique<Simulation>(*l.model, l.scenario.schedule(), l.sim->state(), l.sim->dt());
}

std::vector<const State*> Session::states() const {
  std::vector<const State*> out;
  for (const auto& l : legs_) out.push_back(&l->sim->state());
  return out;
}

}  // namespace calfpump::app
