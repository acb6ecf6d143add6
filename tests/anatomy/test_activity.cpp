// Activation patterns and posture heights.

#include <catch2/catch.hpp>

#include "anatomy/activity.hpp"
#include "anatomy/description.hpp"

using namespace calfpump::anatomy;

TEST_CASE("walking activates the calf in stance and the tibialis anterior in swing", "[activity]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const MuscleDesc& soleus = leg.muscles[std::size_t(leg.muscle_index("soleus"))];
  const MuscleDesc& ta = leg.muscles[std::size_t(leg.muscle_index("tibialis-anterior"))];
  Schedule s;
  Activity walk;
  walk.kind = ActivityKind::Walking;
  walk.cadence_steps_per_min = 100;
  s.phases.push_back({12.0, Posture::Standing, walk, "walk"});
  const double cycle = walk.cycle_s();
  CHECK(cycle == Approx(1.2));
  // mid-late stance (~30% of the cycle): soleus high, tibialis anterior quiet
  CHECK(muscle_activation(soleus, s, 2 * cycle + 0.3 * cycle) > 0.5);
  CHECK(muscle_activation(ta, s, 2 * cycle + 0.3 * cycle) < 0.05);
  // mid swing (~80%): the reverse
  CHECK(muscle_activation(soleus, s, 2 * cycle + 0.8 * cycle) < 0.05);
  CHECK(muscle_activation(ta, s, 2 * cycle + 0.8 * cycle) > 0.3);
}

TEST_CASE("tiptoe raises stop after their count", "[activity]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const MuscleDesc& soleus = leg.muscles[std::size_t(leg.muscle_index("soleus"))];
  Schedule s;
  Activity raise;
  raise.kind = ActivityKind::Tiptoe;
  s.phases.push_back({10.0, Posture::Standing, raise, "raises"});
  s.phases.push_back({10.0, Posture::Standing, Activity{}, "still"});
  CHECK(muscle_activation(soleus, s, 9.35) > 0.8);
  CHECK(muscle_activation(soleus, s, 12.35) == Approx(soleus.standing_activation));
}

TEST_CASE("heights above the heart follow the posture", "[activity]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  CHECK(height_above_heart(leg, Posture::Standing, 0.1, 45) == Approx(0.1 - leg.heart_z_standing));
  CHECK(height_above_heart(leg, Posture::Supine, 0.1, 45) == 0.0);
  CHECK(height_above_heart(leg, Posture::SupineLegsRaised, 0.0, 45) > 0.5);  // the foot well above the heart
  CHECK(height_above_heart(leg, Posture::Sitting, 0.1, 45) == Approx(0.1 - leg.heart_z_sitting));
  // sitting: the thigh lies horizontal at knee height
  CHECK(height_above_heart(leg, Posture::Sitting, 0.7, 45) == Approx(leg.knee_z - leg.heart_z_sitting));
}

namespace {

constexpr double kDeg = 180.0 / 3.14159265358979323846;

Schedule one_phase(ActivityKind kind, double duration_s) {
  Schedule s;
  Activity a;
  a.kind = kind;
  a.cadence_steps_per_min = 100;
  s.phases.push_back({duration_s, Posture::Standing, a, "moving"});
  s.phases.push_back({10.0, Posture::Standing, Activity{}, "still"});
  return s;
}

// extremes of a curve over a cycle: {value, phase} of its minimum and maximum within [from, to)
std::array<double, 4> extremes(const std::vector<double>& curve, double from, double to) {
  std::array<double, 4> e{1e9, 0, -1e9, 0};
  for (int i = 0; i <= 1000; ++i) {
    const double ph = from + (to - from) * i / 1000.0;
    const double v = gait_curve(curve, ph);
    if (v < e[0]) e = {v, ph, e[2], e[3]};
    if (v > e[2]) e = {e[0], e[1], v, ph};
  }
  return e;
}

}  // namespace

TEST_CASE("the joints follow the description's gait curves, through every sample", "[activity][pose]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const JointMotionDesc& j = leg.joints;
  REQUIRE(j.present);
  const Schedule s = one_phase(ActivityKind::Walking, 12.0);
  const double cycle = s.phases[0].activity.cycle_s();
  const std::size_t n = j.gait_ankle_deg.size() - 1;
  for (std::size_t i = 0; i < n; ++i) {
    // the fourth stride, away from the fade-in
    const double t = 3 * cycle + cycle * double(i) / double(n);
    const JointAngles a = joint_angles(j, s, t);
    INFO("sample " << i);
    CHECK(a.ankle_rad * kDeg == Approx(j.gait_ankle_deg[i]).margin(1e-6));
    CHECK(a.knee_rad * kDeg == Approx(j.gait_knee_deg[i]).margin(1e-6));
  }
  // walking fades in and out: no jump from standing still
  CHECK(joint_angles(j, s, 0.0).knee_rad == Approx(0.0).margin(1e-9));
  CHECK(std::abs(joint_angles(j, s, 0.05).knee_rad - joint_angles(j, s, 0.0).knee_rad) < 0.5 / kDeg);
  CHECK(joint_angles(j, s, 11.999).knee_rad == Approx(0.0).margin(1e-3));
  CHECK(joint_angles(j, s, 15.0).ankle_rad == 0.0);  // standing still afterwards
}

TEST_CASE("the gait curves have the normal adult's cardinal values", "[activity][pose]") {
  // Perry & Burnfield 2010, Gait Analysis (2nd ed.): knee about 5 deg at initial contact, 15-20 deg
  // in loading response (about 15% of the cycle), near extension in terminal stance, about 60 deg
  // peak in swing (70-75%); ankle about 5 deg of plantar flexion in loading response, about 10 deg
  // of dorsiflexion late in stance (45-50%), 15-20 deg of plantar flexion just after toe-off (62%)
  const LegDescription leg = load_leg_description(default_leg_file());
  const JointMotionDesc& j = leg.joints;
  const auto knee_load = extremes(j.gait_knee_deg, 0.0, 0.3), knee_swing = extremes(j.gait_knee_deg, 0.5, 1.0);
  const auto knee_stance = extremes(j.gait_knee_deg, 0.3, 0.5);
  CHECK(gait_curve(j.gait_knee_deg, 0.0) == Approx(5).margin(5));
  CHECK(knee_load[2] == Approx(17.5).margin(3.5));
  CHECK(knee_load[3] == Approx(0.14).margin(0.04));
  CHECK(knee_stance[0] < 8);
  CHECK(knee_swing[2] == Approx(60).margin(5));
  CHECK(knee_swing[3] == Approx(0.725).margin(0.04));
  const auto ankle_load = extremes(j.gait_ankle_deg, 0.0, 0.2), ankle_stance = extremes(j.gait_ankle_deg, 0.2, 0.55);
  const auto ankle_off = extremes(j.gait_ankle_deg, 0.55, 0.8);
  CHECK(ankle_load[0] == Approx(-5).margin(2.5));
  CHECK(ankle_stance[2] == Approx(10).margin(3));
  CHECK(ankle_stance[3] == Approx(0.47).margin(0.05));
  CHECK(ankle_off[0] == Approx(-17.5).margin(3.5));
  CHECK(ankle_off[1] == Approx(0.64).margin(0.04));
}

TEST_CASE("a raise lifts the heel and an ankle pump turns the ankle both ways, standing keeps the rest pose", "[activity][pose]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const JointMotionDesc& j = leg.joints;
  const Schedule raise = one_phase(ActivityKind::Tiptoe, 10.0);
  // the top of the third raise (hold between 0.21 and 0.49 s of each 1 s cycle)
  CHECK(joint_angles(j, raise, 2.35).ankle_rad * kDeg == Approx(j.raise_ankle_deg).margin(1e-6));
  CHECK(joint_angles(j, raise, 2.35).knee_rad == 0.0);
  CHECK(joint_angles(j, raise, 2.85).ankle_rad == 0.0);  // back on the heels
  // its angle rises and falls with the calf's activation
  const MuscleDesc& soleus = leg.muscles[std::size_t(leg.muscle_index("soleus"))];
  for (double t : {2.05, 2.1, 2.15, 2.6, 2.65}) {
    const double a = muscle_activation(soleus, raise, t), top = soleus.raise_activation;
    const double shape = (a - soleus.standing_activation) / (top - soleus.standing_activation);
    CHECK(joint_angles(j, raise, t).ankle_rad * kDeg == Approx(j.raise_ankle_deg * shape).margin(0.01));
  }
  const Schedule pumps = one_phase(ActivityKind::AnklePumps, 10.0);
  CHECK(joint_angles(j, pumps, 2.25).ankle_rad * kDeg == Approx(j.pump_plantar_deg).margin(1e-6));
  CHECK(joint_angles(j, pumps, 2.75).ankle_rad * kDeg == Approx(j.pump_dorsi_deg).margin(1e-6));
  const Schedule still = one_phase(ActivityKind::Still, 10.0);
  CHECK(joint_angles(j, still, 3.0).ankle_rad == 0.0);
  CHECK(joint_angles(j, still, 3.0).knee_rad == 0.0);
}

TEST_CASE("standing on the turned foot, the heights gravity uses follow it", "[activity][pose]") {
  // nothing above the ankle's blend band moves, and nothing at all at rest; the forefoot goes down
  // and the heel up (the sites' own figures: tests/anatomy/test_deform.cpp, "at a raise's top the
  // pressure sites move")
  const LegDescription leg = load_leg_description(default_leg_file());
  const JointMotionDesc& j = leg.joints;
  const double top = j.raise_ankle_deg / kDeg;
  CHECK(ankle_height_change(j, 0.0, {0.0, 0.1, 0.03}) == 0.0);
  CHECK(ankle_height_change(j, top, {0.0, 0.0, 0.3}) == 0.0);
  CHECK(ankle_height_change(j, top, {0.0, 0.12, 0.03}) < -0.05);  // the forefoot, 12 cm ahead of the heel
  CHECK(ankle_height_change(j, top, {0.0, -0.03, 0.03}) > 0.0);   // the heel rises about the ankle
}
