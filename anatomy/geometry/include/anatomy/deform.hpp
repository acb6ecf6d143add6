#pragma once
// The CPU reference of the deformation: given a State, where every vertex of the leg goes.
//   muscle  shortens toward its origin by shortening * activation and thickens by 1/sqrt of that
//           factor, so that the map is volume-preserving (exactly so on a straight axis)
//   vein    each ring takes the simulated area where it lies (interpolated between segment
//           centres): a circle when distended, a flattened and then dumbbell-shaped section below
//           the reference area, scaled so that the ring's polygon has the simulated area exactly
//   valve   the leaflets' free edges move from the coaptation line (closed) to the wall (open)
//           with the valve state zeta; an incompetent valve's edges stop short of each other,
//           leaving the regurgitant gap (gap width 2 * incompetence * radius)
//   skin    moves with the muscle surface point beneath it, weighted by its distance
//   tendon  its proximal end moves with the distal ends of the muscles it joins, tapering to
//           nothing at its distal end
//   bone    stays
// and then the pose (pose.hpp): the foot turns about the ankle and the thigh about the knee, bones
// rigidly with their part, everything else by its smooth weight of rest height (a vein's ring and
// a valve's leaflets by that of their centre, so that they turn whole).
// The GPU deformation must agree with this within 0.5 mm. No VTK or Vulkan here.

#include <array>
#include <optional>
#include <vector>

#include "anatomy/description.hpp"
#include "anatomy/geometry.hpp"
#include "anatomy/model.hpp"
#include "anatomy/particles.hpp"
#include "anatomy/pose.hpp"
#include "anatomy/state.hpp"
#include "anatomy/sweep.hpp"

namespace calfpump::anatomy {

/// Offsets (along n, b) of a vein wall point at angle theta for a tube of the given area, whose
/// circular reference area is area_ref; the ring of `ring` points has exactly this area.
std::array<double, 2> vein_section(double theta, double area, double area_ref, int ring);

/// A leaflet point: valve frame f (at the valve, n toward one commissure), vein radius, leaflet 0
/// or 1, u along the attachment, v from the wall to the free edge.
Point3 leaflet_point(const PathFrame& f, double radius, int leaflet, double u, double v, double zeta,
                     double incompetence);

/// Where along its vessel (fraction) a valve's leaflets are drawn: at its site, or just inside the
/// vessel for a valve at the outlet junction.
double valve_draw_t(double vessel_length_m, double at);

/// Centre of tube `tube` of `count` veins running together along a centerline frame: one on the
/// line, two side by side along n (venae comitantes flanking their artery), three in a triangle.
Point3 tube_center(const PathFrame& f, int count, int tube);

/// The swept paths of every body and vessel of a description (shared by builder and deformer).
struct LegPaths {
  std::vector<std::vector<SweepPath>> bodies;  ///< per body, per sweep
  std::vector<SweepPath> vessels;              ///< per vessel (radius = one vein's reference radius)
};

/// Builds the paths.
LegPaths make_leg_paths(const LegDescription& leg);

/// What a GPU needs each frame to deform the leg for a state: plain numbers (the abstract scene
/// between the simulation and the renderer).
struct DeformFrame {
  std::vector<std::array<float, 8>> bodies;    ///< per body: (shortening factor, first path index, 0, 0,
                                               ///< tendon pull x, y, z (m), 0)
  std::vector<std::array<float, 4>> segments;  ///< per model segment: (centre t, area per vein, reference area per vein, 0)
  std::vector<std::array<float, 4>> valves;    ///< per valve: (zeta, incompetence, draw t, vessel)
  /// The pose, per joint (ankle, knee) 3 texels: (centre xyz, angle), (axis xyz, 1 when the moving
  /// part lies below), (blend from, blend to, the ankle's: the lift, 0); all zero for a leg
  /// without joints.
  std::array<std::array<float, 4>, 6> joints{};
};

/// The frame's pose texels for a pose (DeformFrame::joints).
std::array<std::array<float, 4>, 6> pose_texels(const LegPose& pose);

/// A state whose drawn movement is `emphasis` times larger, for teaching where true scale hides it:
/// each muscle's activation (so its shortening and thickening) and each vein's change of radius
/// from its reference radius, times emphasis (areas kept above 5% of the reference). Only for
/// drawing (deform_frame, Deformer::apply); the blood's transport keeps the true state. 1 gives
/// the state back unchanged.
State emphasized(const Model& model, const State& state, double emphasis);

/// How far the proximal end of tendon body b is pulled (m) for the given shortening factors.
Point3 tendon_pull(const LegDescription& leg, const LegPaths& paths, const std::vector<double>& lambda, std::size_t b);

/// The frame inputs for a state. Path indices number the bodies' sweeps first, then the vessels.
DeformFrame deform_frame(const Model& model, const LegPaths& paths, const State& state);

/// Deforms the rest geometry into `out` for a state of a model built from the same description.
class Deformer {
 public:
  Deformer(const Model& model, const LegGeometry& rest);

  /// Writes deformed positions (and normals) into out, which must have the rest geometry's layout.
  void apply(const State& state, LegGeometry& out) const;
  /// As apply, for the structures whose `only` entry is true (by index; others are left as they
  /// are, so `out` needs only those structures' storage, e.g. for a cut through the calf).
  void apply(const State& state, LegGeometry& out, const std::vector<bool>& only) const;

  /// Area (m^2, all parallel veins together) and reference area of vessel vi at fraction t.
  std::array<double, 2> vessel_area(const State& state, int vi, double t) const;

  const LegPaths& paths() const { return paths_; }

  /// The pose of a state (its joint angles).
  LegPose pose(const State& state) const;

  /// The point whose pose weights turn vertex v of rest structure r: a vein wall's ring centre on
  /// its centerline (the ring turns whole and keeps its area), a leaflet's valve centre, and for
  /// every other tissue the vertex's own rest position.
  Point3 weight_point(const StructureMesh& r, std::size_t v) const;

  /// Where a particle is drawn (leg coordinates, m), by shaders/particles.comp's rule: on its
  /// vessel's centerline at its fraction, in its own one of the parallel veins (id mod count),
  /// spread over the vein's section there (angle and radius from particle_hash of its id), turned
  /// by the pose with its ring. A waiting particle (segment -1) has no place: the result is empty.
  std::optional<Point3> particle_place(const State& state, const Particle& p) const;

 private:
  const Model& model_;
  const LegGeometry& rest_;
  LegPaths paths_;
  std::vector<std::vector<int>> vessel_segments_;  // ordered from distal
  std::vector<int> bone_parts_;                    // per structure: the part a bone turns with
};

}  // namespace calfpump::anatomy
