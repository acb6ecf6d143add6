#pragma once
// Picking: which structure lies under a point of a frame, by an exact ray cast against the legs'
// deformed meshes (the CPU reference of the deformation, anatomy::Deformer, at the legs' current
// states): the same surfaces the GPU draws, to within the 0.5 mm the tests hold them to.

#include <string>

#include "anatomy/geometry.hpp"
#include "app/session.hpp"
#include "render/frame.hpp"

namespace calfpump::app {

/// What a ray hit.
struct Pick {
  int leg = -1;          ///< -1: nothing
  std::string structure; ///< the description's name ("gsv-knee", "soleus")
  anatomy::StructureKind kind = anatomy::StructureKind::Bone;
  int valve = -1;        ///< the model's valve index when a valve's leaflet was hit
  float distance_m = 0;  ///< from the eye
};

/// The nearest structure under pixel (x, y) of `frame` (composed from `session`), among those the
/// frame shows: see-through layers below half opacity (the skin) are looked through, except the
/// veins and the valves in them, which are what a lecturer points at.
Pick pick(const Session& session, const anatomy::LegGeometry& rest, const render::FrameDesc& frame, float x, float y);

}  // namespace calfpump::app
