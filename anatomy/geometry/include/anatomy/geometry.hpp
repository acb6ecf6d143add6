#pragma once
// The leg in 3D: one triangle mesh per structure (bone, muscle, tendon, skin, vein, valve), built
// from the leg description, with the per-vertex attributes the deformation needs. Plain data with
// no VTK or Assimp types, so the renderer and the tests read it without those headers.
//
// Attributes, kAttributeCount floats per vertex, by kind:
//   muscle:       body, sweep, s (arc fraction from the origin), u, v, w (m, offsets in the frame)
//   skin:         the nearest muscle surface point's body, sweep, s, u, v, w, and a weight in [0, 1]
//   vein:         segment, t (fraction along the vessel), theta (rad), tube (0 or 1 of a pair),
//                 radial fraction (1 on the wall, < 1 on the end caps), vessel
//   valve:        valve, leaflet (0 or 1), u (along the attachment), v (wall -> free edge), tube, vessel
//   tendon:       as a muscle (its own axis): its proximal end follows the muscles it joins
//   bone:         none (bones do not deform)

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace calfpump::anatomy {

struct LegDescription;
struct Model;
struct State;

/// Floats of deformation attributes per vertex.
inline constexpr int kAttributeCount = 8;
/// Vertices around a vein.
inline constexpr int kVeinRing = 16;

/// What a structure is.
enum class StructureKind { Bone, Muscle, Tendon, Skin, Vein, Valve };

/// The spelling used in files and node names ("muscle", ...), which is also the material name.
const char* structure_kind_name(StructureKind k);

/// A kind's colour as anatomy atlases paint it: display (sRGB-encoded) RGB in [0, 1]. The one
/// table that the renderer and the glTF files both use.
struct TissueColour {
  float r, g, b;
};
TissueColour atlas_colour(StructureKind k);

/// One named structure's mesh.
struct StructureMesh {
  std::string name;   ///< the description's name: "soleus", "gsv", "ptv-1", "skin"
  StructureKind kind = StructureKind::Bone;
  bool closed = true;  ///< a closed surface (valve leaflets are open sheets)
  std::vector<float> positions;       ///< xyz, leg coordinates (m)
  std::vector<float> normals;         ///< xyz, unit, outward on closed surfaces
  std::vector<std::uint32_t> indices; ///< triangles, counter-clockwise seen from outside
  std::vector<float> attributes;      ///< kAttributeCount per vertex

  std::size_t vertex_count() const { return positions.size() / 3; }
  std::size_t triangle_count() const { return indices.size() / 3; }
};

/// The whole leg.
struct LegGeometry {
  std::vector<StructureMesh> structures;

  /// Index of the structure with this name and kind, or -1.
  int find(const std::string& name, StructureKind kind) const;
  std::size_t triangle_count() const;
};

/// Quality of one mesh.
struct MeshReport {
  std::size_t degenerate_triangles = 0;  ///< repeated vertices or zero area
  std::size_t boundary_edges = 0;        ///< edges used by one triangle
  std::size_t nonmanifold_edges = 0;     ///< edges used by more than two triangles
  double signed_volume_m3 = 0;           ///< > 0 when the winding faces outward (closed meshes)
  double volume_m3 = 0;                  ///< |signed volume|
  std::size_t inward_normals = 0;        ///< vertex normals pointing against the faces around them
  bool finite = true;
};

/// Checks a mesh: degenerate triangles, open or non-manifold edges, orientation, finite values.
MeshReport check_mesh(const StructureMesh& mesh);

/// A structure's surface with fewer triangles (indices into the same vertices, so the same
/// deformation moves it), for views where a millimetre is under a pixel and for files a web page
/// carries: meshoptimizer's edge collapses, each within error_m of the surface, borders kept (the
/// vein ends, the leaflets' attached and free edges), down to at most 1/reduction of the
/// triangles. Meshes under 200 triangles are kept whole.
std::vector<std::uint32_t> simplified_indices(const StructureMesh& mesh, float error_m, std::size_t reduction);

/// Recomputes smooth vertex normals from the triangles (area-weighted).
void compute_normals(StructureMesh& mesh);

/// The default leg file written by the build (build tree), or $CALFPUMP_LEG_MESH when set.
std::filesystem::path default_leg_mesh();

}  // namespace calfpump::anatomy
