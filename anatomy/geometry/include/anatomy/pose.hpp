#pragma once
// The leg's pose: the foot turned about the ankle and the thigh about the knee, with the shank as
// the frame the leg is drawn in (description.hpp JointDesc). A vertex turns about each joint by
// its weight times the joint's angle: bones rigidly (weight 0 or 1 by the part they belong to),
// soft tissue by a smooth weight of its rest height. Both joints' moving parts turn about one
// fixed axis each, so blending the shank's identity with a joint's turn by a weight is the turn by
// the weighted angle about the same axis: what dual-quaternion skinning gives for two bones, with
// no loss of volume where the weights blend (linear blending shrinks a bend). The CPU reference
// (Deformer) and the GPU (shaders/pose.glsl) apply the same rule.

#include <array>
#include <string>

#include "anatomy/description.hpp"

namespace calfpump::anatomy {

/// One joint's turn in a frame.
struct JointTurn {
  Point3 centre{};
  Point3 axis{};  ///< unit
  double angle = 0;  ///< rad, right-hand rule about the axis
  bool below = true;  ///< the moving part lies below the centre
  double from = 0, to = 0;  ///< the soft tissue's blend band, heights above the centre (m)
};

/// Both joints: [0] the ankle (the foot), [1] the knee (the thigh).
struct LegPose {
  std::array<JointTurn, 2> joints{};
  double lift = 0;  ///< then everything raised by this (m): a raise stands on the forefoot
  /// True when either joint is turned or the leg lifted (otherwise every point stays where it is).
  bool moving() const { return joints[0].angle != 0.0 || joints[1].angle != 0.0 || lift != 0.0; }
};

/// The pose of a leg for the given joint angles (rad) and lift (m); the rest pose for a leg
/// without joints.
LegPose leg_pose(const LegDescription& leg, double ankle_rad, double knee_rad, double lift_m = 0.0);

/// The part a bone turns with: 0 the shank (never turns), 1 the foot, 2 the thigh.
int bone_part(const LegDescription& leg, const std::string& body_name);

/// The weights (ankle, knee) of a bone of the given part.
std::array<double, 2> part_weights(int part);

/// The weights (ankle, knee) of soft tissue whose rest position is p.
std::array<double, 2> soft_weights(const LegPose& pose, const Point3& rest);

/// p turned by the pose with weights w (ankle's turn, then the knee's: their bands do not overlap),
/// then lifted.
Point3 pose_point(const LegPose& pose, const std::array<double, 2>& w, const Point3& p);

/// A direction turned the same way.
Point3 pose_vector(const LegPose& pose, const std::array<double, 2>& w, const Point3& v);

/// The range of each joint's angle over every activity the description drives (rad), and the
/// most the leg is lifted (m): {ankle min, ankle max, knee min, knee max, lift}; zeros for a leg
/// without joints.
std::array<double, 5> joint_range(const LegDescription& leg);

}  // namespace calfpump::anatomy
