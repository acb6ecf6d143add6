#pragma once
// Posture and activity over time: the inputs that drive the model. A schedule is a list of phases;
// muscle activations and the heights of the leg follow from it as pure functions of time, so a
// frame's inputs depend only on its time, never on the wall clock.
//
// Activation timing (fractions of the gait cycle, heel strike = 0) comes from the muscles' entries
// in the leg description; the shapes are smooth sin^2 bumps so that pressures rise and fall without
// steps.

#include <string>
#include <vector>

#include "anatomy/description.hpp"

namespace calfpump::anatomy {

/// Body position, which sets the hydrostatic heights of the leg relative to the heart.
enum class Posture { Standing, Sitting, Supine, SupineLegsRaised };

/// What the leg does.
enum class ActivityKind { Still, Walking, Tiptoe, AnklePumps };

/// The file spelling of a posture ("supine-legs-raised", ...).
const char* posture_name(Posture p);
/// The file spelling of an activity ("ankle-pumps", ...).
const char* activity_name(ActivityKind a);

/// An activity and its parameters.
struct Activity {
  ActivityKind kind = ActivityKind::Still;
  double cadence_steps_per_min = 100;  ///< walking: steps per minute (both legs; a stride is two steps)
  double rate_per_s = 1.0;             ///< tiptoe raises or ankle pumps per second
  double intensity = 1.0;              ///< scales peak activations, in (0, 1]

  /// Duration of one contraction cycle of the right calf (s), or 0 when still.
  double cycle_s() const;
};

/// A stretch of time with one posture and one activity.
struct Phase {
  double duration_s = 0;
  Posture posture = Posture::Standing;
  Activity activity;
  std::string label;  ///< e.g. "stand still", "10 tiptoe raises"
};

/// A sequence of phases; posture changes are ramped over transition_s at the start of a phase.
struct Schedule {
  std::vector<Phase> phases;
  double legs_raised_deg = 45;  ///< leg elevation for SupineLegsRaised (APG uses 45 degrees)
  double transition_s = 2.0;    ///< time to change posture, e.g. to stand up (s)

  /// Total duration (s).
  double duration_s() const;
  /// Index of the phase active at time t (the last one past the end).
  std::size_t phase_at(double t) const;
  /// Start time of phase i (s).
  double phase_start(std::size_t i) const;
};

/// Height of a leg point above the heart (m) in a posture; z is in leg coordinates.
double height_above_heart(const LegDescription& leg, Posture p, double z, double legs_raised_deg);

/// Blend of postures at time t: heights are (1 - weight) * from + weight * to.
struct PostureBlend {
  Posture from = Posture::Standing;
  Posture to = Posture::Standing;
  double weight = 1.0;
};

/// The posture blend at time t.
PostureBlend posture_at(const Schedule& s, double t);

/// Activation in [0, 1] of muscle m at time t.
double muscle_activation(const MuscleDesc& m, const Schedule& s, double t);

/// Sagittal joint angles (rad) of the leg at time t: the ankle's (dorsiflexion positive) and the
/// knee's flexion. Walking follows the description's gait curves (periodic cubic between its
/// samples), faded in and out over ramp_s at the phase's ends; a tiptoe raise turns the ankle to
/// raise_ankle_deg with the same rise, hold and lowering as the calf's activation; an ankle pump
/// plantar-flexes in its first half and dorsiflexes in its second; standing still keeps the rest
/// pose. Intensity scales the raise and the pump. A raise stands on the forefoot: the leg rises by
/// as much as the ankle's turn would lower the forefoot's contact below the floor (lift_m). A leg
/// without joints stays at zero.
struct JointAngles {
  double ankle_rad = 0;
  double knee_rad = 0;
  double lift_m = 0;  ///< the whole leg raised (+z) so that the forefoot stays on the floor (a raise)
};
JointAngles joint_angles(const JointMotionDesc& j, const Schedule& s, double t);

/// How far a raise lifts the leg at this ankle angle: the drop of the forefoot's contact below the
/// floor that the ankle's turn alone would give (m, >= 0).
double forefoot_lift(const JointMotionDesc& j, double ankle_rad);

/// The share of joint j's turn that soft tissue of rest height z takes (description.hpp JointDesc:
/// 1 on the moving side of the blend band, 0 on the shank's, smoothstep between).
double joint_weight(const JointDesc& j, double rest_z);

/// How far the ankle's turn moves a point of the upright leg up (m, negative: down): the change
/// of its height below the heart in a raise or an ankle pump when standing. The lift onto the
/// forefoot raises the heart as much as the leg, so only the turn counts.
double ankle_height_change(const JointMotionDesc& j, double ankle_rad, const Point3& rest);

/// v turned about the unit axis by angle (rad, right-hand rule): Rodrigues' formula.
Point3 turn_about(const Point3& v, const Point3& axis, double angle);

/// The gait curve's value (deg) at a phase in [0, 1): periodic Catmull-Rom through the samples.
double gait_curve(const std::vector<double>& samples, double phase);

}  // namespace calfpump::anatomy
