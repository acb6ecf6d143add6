#include "anatomy/activity.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace calfpump::anatomy {

const char* posture_name(Posture p) {
  switch (p) {
    case Posture::Standing: return "standing";
    case Posture::Sitting: return "sitting";
    case Posture::Supine: return "supine";
    case Posture::SupineLegsRaised: return "supine-legs-raised";
  }
  return "?";
}

const char* activity_name(ActivityKind a) {
  switch (a) {
    case ActivityKind::Still: return "still";
    case ActivityKind::Walking: return "walking";
    case ActivityKind::Tiptoe: return "tiptoe";
    case ActivityKind::AnklePumps: return "ankle-pumps";
  }
  return "?";
}

double Activity::cycle_s() const {
  switch (kind) {
    case ActivityKind::Walking: return 120.0 / cadence_steps_per_min;  // a stride is two steps
    case ActivityKind::Tiptoe:
    case ActivityKind::AnklePumps: return 1.0 / rate_per_s;
    case ActivityKind::Still: return 0.0;
  }
  return 0.0;
}

double Schedule::duration_s() const {
  double t = 0;
  for (const auto& p : phases) t += p.duration_s;
  return t;
}

std::size_t Schedule::phase_at(double t) const {
  double start = 0;
  for (std::size_t i = 0; i < phases.size(); ++i) {
    start += phases[i].duration_s;
    if (t < start) return i;
  }
  return phases.empty() ? 0 : phases.size() - 1;
}

double Schedule::phase_start(std::size_t i) const {
  double start = 0;
  for (std::size_t k = 0; k < i && k < phases.size(); ++k) start += phases[k].duration_s;
  return start;
}

double height_above_heart(const LegDescription& leg, Posture p, double z, double legs_raised_deg) {
  switch (p) {
    case Posture::Standing: return z - leg.heart_z_standing;
    case Posture::Sitting:
      // lower leg vertical with the foot on the floor, thigh horizontal at knee height,
      // trunk upright: points above the knee sit at knee height up to the hip
      if (z <= leg.knee_z) return z - leg.heart_z_sitting;
      if (z <= leg.hip_z) return leg.knee_z - leg.heart_z_sitting;
      return leg.knee_z - leg.heart_z_sitting + (z - leg.hip_z);
    case Posture::Supine: return 0.0;  // legs and trunk at heart level
    case Posture::SupineLegsRaised: {
      // leg straight, raised about the hip, trunk horizontal at heart level
      if (z >= leg.hip_z) return 0.0;
      const double s = std::sin(legs_raised_deg * std::numbers::pi / 180.0);
      return (leg.hip_z - z) * s;
    }
  }
  return 0.0;
}

PostureBlend posture_at(const Schedule& s, double t) {
  PostureBlend b;
  if (s.phases.empty()) return b;
  const std::size_t i = s.phase_at(t);
  b.to = s.phases[i].posture;
  b.from = i > 0 ? s.phases[i - 1].posture : b.to;
  if (b.from == b.to || s.transition_s <= 0) {
    b.from = b.to;
    b.weight = 1.0;
    return b;
  }
  const double u = std::clamp((t - s.phase_start(i)) / s.transition_s, 0.0, 1.0);
  b.weight = u * u * (3.0 - 2.0 * u);  // smoothstep: no jump in the rate of change of height
  return b;
}

namespace {

// a smooth bump: 0 outside [on, off], sin^2 inside, 1 at the middle
double bump(double phase, double on, double off) {
  if (phase <= on || phase >= off) return 0.0;
  const double s = std::sin(std::numbers::pi * (phase - on) / (off - on));
  return s * s;
}

// a smooth plateau: rises over the first ramp fraction of [on, off], holds, and falls over the
// last (raised-cosine ramps), the shape of a rise onto the toes, a hold and a lowering
double plateau(double phase, double on, double off, double ramp) {
  if (phase <= on || phase >= off) return 0.0;
  const double u = (phase - on) / (off - on);
  if (u < ramp) return 0.5 - 0.5 * std::cos(std::numbers::pi * u / ramp);
  if (u > 1.0 - ramp) return 0.5 - 0.5 * std::cos(std::numbers::pi * (1.0 - u) / ramp);
  return 1.0;
}

}  // namespace

double muscle_activation(const MuscleDesc& m, const Schedule& s, double t) {
  if (s.phases.empty()) return 0.0;
  const std::size_t i = s.phase_at(t);
  const Phase& ph = s.phases[i];
  // postural tone only while standing (and a little less sitting is ignored: stated simplification)
  const double tone = ph.posture == Posture::Standing ? m.standing_activation : 0.0;
  const Activity& a = ph.activity;
  const double local = t - s.phase_start(i);
  const double cycle = a.cycle_s();
  if (a.kind == ActivityKind::Still || cycle <= 0 || local >= ph.duration_s) return tone;
  const double phase = std::fmod(local / cycle, 1.0);
  double peak = 0.0, shape = 0.0;
  switch (a.kind) {
    case ActivityKind::Walking:
      peak = m.gait_peak_activation;
      for (const auto& w : m.gait_windows) shape = std::max(shape, bump(phase, w[0], w[1]));
      break;
    case ActivityKind::Tiptoe:
      // rise (0.2 s at one raise per second), hold, lower, all in the first 70% of the cycle;
      // rest on the heels for the remainder
      peak = m.plantar_flexor ? m.raise_activation : 0.0;
      shape = plateau(phase, 0.0, 0.7, 0.3);
      break;
    case ActivityKind::AnklePumps:
      peak = m.raise_activation;
      if (m.plantar_flexor) shape = plateau(phase, 0.0, 0.5, 0.3);
      if (m.dorsiflexor) shape = plateau(phase, 0.5, 1.0, 0.3);
      break;
    case ActivityKind::Still: break;
  }
  const double top = std::max(tone, peak * a.intensity);
  return tone + (top - tone) * shape;
}

}  // namespace calfpump::anatomy
