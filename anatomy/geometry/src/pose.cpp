#include "anatomy/pose.hpp"

#include "anatomy/activity.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace calfpump::anatomy {

namespace {


JointTurn turn_of(const JointDesc& j, double angle) {
  return {j.centre, j.axis, angle, j.moves_below, j.blend_from_m, j.blend_to_m};
}

}  // namespace

LegPose leg_pose(const LegDescription& leg, double ankle_rad, double knee_rad, double lift_m) {
  LegPose p;
  if (!leg.joints.present) return p;
  p.joints[0] = turn_of(leg.joints.ankle, ankle_rad);
  p.joints[1] = turn_of(leg.joints.knee, knee_rad);
  p.lift = lift_m;
  return p;
}

int bone_part(const LegDescription& leg, const std::string& body_name) {
  const auto& a = leg.joints.ankle.bones;
  const auto& k = leg.joints.knee.bones;
  if (std::find(a.begin(), a.end(), body_name) != a.end()) return 1;
  if (std::find(k.begin(), k.end(), body_name) != k.end()) return 2;
  return 0;
}

std::array<double, 2> part_weights(int part) { return {part == 1 ? 1.0 : 0.0, part == 2 ? 1.0 : 0.0}; }

std::array<double, 2> soft_weights(const LegPose& pose, const Point3& rest) {
  std::array<double, 2> w{};
  for (std::size_t j = 0; j < 2; ++j) {
    const JointTurn& t = pose.joints[j];
    JointDesc d;
    d.centre = t.centre;
    d.moves_below = t.below;
    d.blend_from_m = t.from;
    d.blend_to_m = t.to;
    w[j] = joint_weight(d, rest[2]);
  }
  return w;
}

Point3 pose_point(const LegPose& pose, const std::array<double, 2>& w, const Point3& p) {
  Point3 q = p;
  for (std::size_t j = 0; j < 2; ++j) {
    const JointTurn& t = pose.joints[j];
    const double a = w[j] * t.angle;
    if (a == 0.0) continue;
    const Point3 r = turn_about({q[0] - t.centre[0], q[1] - t.centre[1], q[2] - t.centre[2]}, t.axis, a);
    q = {t.centre[0] + r[0], t.centre[1] + r[1], t.centre[2] + r[2]};
  }
  q[2] += pose.lift;
  return q;
}

Point3 pose_vector(const LegPose& pose, const std::array<double, 2>& w, const Point3& v) {
  Point3 q = v;
  for (std::size_t j = 0; j < 2; ++j) {
    const double a = w[j] * pose.joints[j].angle;
    if (a != 0.0) q = turn_about(q, pose.joints[j].axis, a);
  }
  return q;
}

std::array<double, 5> joint_range(const LegDescription& leg) {
  const JointMotionDesc& j = leg.joints;
  if (!j.present) return {0, 0, 0, 0, 0};
  constexpr double kDeg = std::numbers::pi / 180.0;
  double a0 = std::min({0.0, j.raise_ankle_deg, j.pump_plantar_deg}), a1 = std::max(0.0, j.pump_dorsi_deg);
  double k0 = 0.0, k1 = 0.0;
  // the cubic between the gait samples can overshoot them a little: sample it finely
  for (int i = 0; i <= 400; ++i) {
    const double ph = i / 400.0;
    a0 = std::min(a0, gait_curve(j.gait_ankle_deg, ph));
    a1 = std::max(a1, gait_curve(j.gait_ankle_deg, ph));
    k0 = std::min(k0, gait_curve(j.gait_knee_deg, ph));
    k1 = std::max(k1, gait_curve(j.gait_knee_deg, ph));
  }
  return {a0 * kDeg, a1 * kDeg, k0 * kDeg, k1 * kDeg, forefoot_lift(j, j.raise_ankle_deg * kDeg)};
}

}  // namespace calfpump::anatomy
