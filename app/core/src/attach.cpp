#include "app/attach.hpp"

#include <algorithm>

#include "anatomy/geometry_io.hpp"

namespace calfpump::app {

void attach(render::Renderer& renderer, const Session& session, const anatomy::LegGeometry& rest) {
  renderer.keep_legs(session.size());  // a session of one leg after one of two
  for (std::size_t i = 0; i < session.size(); ++i) {
    anatomy::check_leg_geometry(rest, session.leg(i).leg, anatomy::default_leg_mesh().string());
    renderer.set_leg(*session.leg(i).model, rest, i);
  }
}

void seed_particles(render::Renderer& renderer, const Session& session, std::size_t count) {
  for (std::size_t i = 0; i < session.size(); ++i) renderer.set_particles(session.leg(i).sim->state(), count, i);
}

void catch_up(Session& session, render::Renderer& renderer, double t) {
  session.run_until(t, [&](std::size_t i, const anatomy::State& s) {
    const LegRun& l = session.leg(i);
    const auto target = static_cast<std::uint64_t>(std::llround(t / l.sim->dt()));
    if (s.steps % kStepsPerParticleStep == 0 || s.steps == target)
      renderer.advance_particles(render::leg_frame(*l.model, l.paths, l.network, s), kStepsPerParticleStep * l.sim->dt(), i);
  });
}

void start_at(Session& session, render::Renderer& renderer, double t, std::size_t particles, double warmup_s) {
  session.run_until(std::max(session.time(), t - (particles > 0 ? warmup_s : 0.0)));
  seed_particles(renderer, session, particles);
  if (particles > 0) catch_up(session, renderer, t);
  else session.run_until(t);
}

}  // namespace calfpump::app
