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

double joint_weight(const JointDesc& j, double rest_z) {
  if (j.blend_to_m <= j.blend_from_m) return 0.0;
  const double u = std::clamp((rest_z - j.centre[2] - j.blend_from_m) / (j.blend_to_m - j.blend_from_m), 0.0, 1.0);
  const double s = u * u * (3.0 - 2.0 * u);
  return j.moves_below ? 1.0 - s : s;
}

double ankle_height_change(const JointMotionDesc& j, double ankle_rad, const Point3& rest) {
  if (!j.present || ankle_rad == 0.0) return 0.0;
  const double w = joint_weight(j.ankle, rest[2]);
  if (w == 0.0) return 0.0;
  const Point3& c = j.ankle.centre;
  const Point3 r{rest[0] - c[0], rest[1] - c[1], rest[2] - c[2]};
  return turn_about(r, j.ankle.axis, w * ankle_rad)[2] - r[2];
}

double forefoot_lift(const JointMotionDesc& j, double ankle_rad) {
  const Point3& c = j.ankle.centre;
  const Point3 r{j.forefoot_contact[0] - c[0], j.forefoot_contact[1] - c[1], j.forefoot_contact[2] - c[2]};
  return std::max(0.0, r[2] - turn_about(r, j.ankle.axis, ankle_rad)[2]);
}

Point3 turn_about(const Point3& v, const Point3& k, double angle) {
  const double c = std::cos(angle), s = std::sin(angle);
  const double d = k[0] * v[0] + k[1] * v[1] + k[2] * v[2];
  const Point3 x{k[1] * v[2] - k[2] * v[1], k[2] * v[0] - k[0] * v[2], k[0] * v[1] - k[1] * v[0]};
  Point3 r{};
  for (std::size_t i = 0; i < 3; ++i) r[i] = v[i] * c + x[i] * s + k[i] * d * (1.0 - c);
  return r;
}

double gait_curve(const std::vector<double>& samples, double phase) {
  const int n = static_cast<int>(samples.size()) - 1;  // the last sample repeats the first
  if (n < 1) return samples.empty() ? 0.0 : samples[0];
  const double x = (phase - std::floor(phase)) * n;
  const int i = std::min(static_cast<int>(x), n - 1);
  const double u = x - i;
  auto at = [&](int k) { return samples[static_cast<std::size_t>(((k % n) + n) % n)]; };
  const double p0 = at(i - 1), p1 = at(i), p2 = at(i + 1), p3 = at(i + 2);
  return 0.5 * ((2 * p1) + (-p0 + p2) * u + (2 * p0 - 5 * p1 + 4 * p2 - p3) * u * u + (-p0 + 3 * p1 - 3 * p2 + p3) * u * u * u);
}

JointAngles joint_angles(const JointMotionDesc& j, const Schedule& s, double t) {
  JointAngles out;
  if (!j.present || s.phases.empty()) return out;
  const std::size_t i = s.phase_at(t);
  const Phase& ph = s.phases[i];
  const Activity& a = ph.activity;
  const double local = t - s.phase_start(i);
  const double cycle = a.cycle_s();
  if (a.kind == ActivityKind::Still || cycle <= 0 || local < 0 || local >= ph.duration_s) return out;
  const double phase = std::fmod(local / cycle, 1.0);
  constexpr double kDeg = std::numbers::pi / 180.0;
  switch (a.kind) {
    case ActivityKind::Walking: {
      double fade = 1.0;
      if (j.ramp_s > 0) {
        const double u = std::clamp(std::min(local, ph.duration_s - local) / j.ramp_s, 0.0, 1.0);
        fade = u * u * (3.0 - 2.0 * u);
      }
      out.ankle_rad = fade * gait_curve(j.gait_ankle_deg, phase) * kDeg;
      out.knee_rad = fade * gait_curve(j.gait_knee_deg, phase) * kDeg;
      break;
    }
    case ActivityKind::Tiptoe: {
      out.ankle_rad = a.intensity * j.raise_ankle_deg * plateau(phase, 0.0, 0.7, 0.3) * kDeg;
      out.lift_m = forefoot_lift(j, out.ankle_rad);
      break;
    }
    case ActivityKind::AnklePumps:
      out.ankle_rad = a.intensity * (j.pump_plantar_deg * plateau(phase, 0.0, 0.5, 0.3) + j.pump_dorsi_deg * plateau(phase, 0.5, 1.0, 0.3)) * kDeg;
      break;
    case ActivityKind::Still: break;
  }
  return out;
}

}  // namespace calfpump::anatomy
