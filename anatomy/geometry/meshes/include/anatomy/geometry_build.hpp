#pragma once
// Building the leg's meshes from its description with VTK (calfpump_meshes, at build time:
// anatomy/tools/build_leg.cpp writes them to build/<preset>/data/leg.glb).

#include "anatomy/description.hpp"
#include "anatomy/geometry.hpp"

namespace calfpump::anatomy {

/// Options of the builder.
struct BuildOptions {
  double grid_spacing_m = 0.002;  ///< implicit-surface sampling step for bones and muscles
  double skin_spacing_m = 0.003;  ///< for the skin
  double vein_step_m = 0.004;     ///< between vein rings
};

/// Builds the leg's meshes from the description (VTK implicit modelling, contouring, smoothing,
/// decimation, normals; veins and valves directly from the centerlines).
LegGeometry build_leg_geometry(const LegDescription& leg, const BuildOptions& options = {});

}  // namespace calfpump::anatomy
