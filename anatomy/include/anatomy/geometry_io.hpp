#pragma once
// Reading and writing the leg's meshes: glTF 2.0 binary through Assimp (one node per structure,
// named "<kind>:<name>", one material per tissue kind, deformation attributes in TEXCOORD_0..3),
// and OBJ, STL and VTK .vtp exports through VTK for Blender and ParaView. Loading checks what it
// reads and refuses unreadable, empty, oversized or non-finite meshes with a ConfigError.

#include <filesystem>
#include <string>

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

/// Writes the leg by extension: .glb, .obj, .stl or .vtp; the file appears only when complete.
void export_leg(const LegGeometry& g, const std::filesystem::path& file);

}  // namespace calfpump::anatomy
