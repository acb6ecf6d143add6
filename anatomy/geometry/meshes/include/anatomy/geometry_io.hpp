#pragma once
// Reading and writing the leg's meshes: glTF 2.0 binary, written by gltf.hpp and read through
// Assimp (one node per structure, named "<kind>:<name>", under a root node that turns the leg's
// +Z up to glTF's +Y up; one material per tissue kind; deformation attributes in TEXCOORD_0..3),
// and OBJ, STL and VTK .vtp exports through VTK for Blender and ParaView. Loading checks what it
// reads and refuses unreadable, empty, oversized or non-finite meshes with a ConfigError.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "anatomy/description.hpp"
#include "anatomy/geometry.hpp"

namespace calfpump::anatomy {

/// Limits on what a mesh file may hold.
struct MeshLimits {
  std::uintmax_t max_file_bytes = 256ull << 20;  ///< 256 MiB
  std::size_t max_vertices = 8'000'000;
};

/// Writes the leg as glTF binary; the file appears only when complete.
void write_leg_glb(const LegGeometry& g, const std::filesystem::path& file);

/// Reads a leg written by write_leg_glb; throws ConfigError for unreadable or invalid files.
LegGeometry read_leg_glb(const std::filesystem::path& file, const MeshLimits& limits = {});

/// Checks that a loaded leg has every structure the model needs (each body, each vein of the leg,
/// each valve) with its attributes; throws ConfigError naming what is missing.
void check_leg_geometry(const LegGeometry& g, const LegDescription& leg, const std::string& file);

/// How landmarks placed an atlas mesh (load_user_leg): the fitted similarity's scale and the
/// distance left at each landmark.
struct MappingFit {
  bool fitted = false;  ///< the mapping gave [landmarks]
  double scale = 1;     ///< the fit's own scale, on top of [mesh] scale
  double rms_m = 0, worst_m = 0;
  std::string worst;
  std::vector<std::pair<std::string, double>> residuals;  ///< per landmark (m)
};

/// Landmarks fitting worse than this (RMS) are refused: a wrong name, axis or unit, not a
/// different person's shape.
inline constexpr double kMaxLandmarkRms_m = 0.015;
/// Landmarks must lie at least this far (RMS) from one plane, or a mirrored mesh would fit as well.
inline constexpr double kMinLandmarkSpread_m = 0.005;

/// Builds a leg from a user's meshes (glTF, OBJ, STL, PLY, FBX, COLLADA, OFF or 3DS, read as their extension says) and a
/// mapping file (TOML) that binds their mesh names to CalfPump structures:
///   [mesh]
///   file = "atlas.fbx"           # relative to the mapping file; `mesh_file` overrides it when not empty
///   scale = 0.001                # file units to metres
///   axes = ["-x", "+z", "+y"]    # the file's axes along the leg's lateral, anterior and up (default: the same)
///   mirror = true                # a left leg's mesh onto this right leg (default false)
///   [placement]                  # then either an explicit transform (metres, after scale and axes)
///   transform = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]
///   [landmarks]                  # or four or more of the description's landmark_points (not in one plane), where
///   medial-malleolus = [x, y, z] # the file has them (its own units and axes): fitted by a
///                                # similarity transform, whose residual goes into *fit
///   [structures]
///   soleus = "Soleus_R"          # structure = mesh or node name in the file
/// Mapped bodies and veins replace the generated ones, with their deformation attributes computed
/// from the description's axes and centerlines; the rest comes from `generated`. Throws
/// ConfigError naming the mapping file, line and key, or the mesh, for anything it cannot use
/// (landmarks that fit worse than kMaxLandmarkRms_m included).
LegGeometry load_user_leg(const std::filesystem::path& mapping_file, const std::filesystem::path& mesh_file,
                          const LegDescription& leg, const LegGeometry& generated, const MeshLimits& limits = {},
                          MappingFit* fit = nullptr);

/// Gives every skin vertex the muscle surface point it follows (see geometry.hpp).
void assign_skin_attributes(LegGeometry& g, const LegDescription& leg);

/// Gives every muscle vertex its local coordinates on the muscle's sweeps.
void assign_muscle_attributes(StructureMesh& m, const LegDescription& leg);

/// Writes the leg by extension: .glb, .obj, .stl or .vtp; the file appears only when complete.
void export_leg(const LegGeometry& g, const std::filesystem::path& file);

}  // namespace calfpump::anatomy
