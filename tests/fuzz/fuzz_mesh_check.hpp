#pragma once
// What a mesh reader promises when it returns (geometry_io.hpp: it refuses unreadable, empty,
// oversized or non-finite meshes): consistent array sizes, triangles whose indices name vertices
// of their own mesh, finite values. The renderer uploads these arrays as they are, so a broken
// promise here is an out-of-bounds read on the GPU later.

#include <cmath>

#include "anatomy/geometry.hpp"
#include "anatomy/geometry_io.hpp"
#include "fuzz_common.hpp"

namespace calfpump::fuzz {

/// Mesh files above 1 MiB are refused, as fuzz inputs are.
inline const anatomy::MeshLimits kMeshLimits{kMaxInputBytes, 200'000};

inline void check_geometry(const anatomy::LegGeometry& g) {
  for (const anatomy::StructureMesh& s : g.structures) {
    if (s.positions.size() % 3 != 0) broken("positions are not xyz triples");
    if (s.normals.size() != s.positions.size()) broken("not one normal per vertex");
    if (s.attributes.size() != s.vertex_count() * anatomy::kAttributeCount) broken("not one attribute set per vertex");
    if (s.indices.size() % 3 != 0 || s.indices.empty()) broken("no triangles, or indices that are not triangles");
    for (std::uint32_t i : s.indices)
      if (i >= s.vertex_count()) broken("a triangle index past the mesh's vertices");
    for (float x : s.positions)
      if (!std::isfinite(x)) broken("a non-finite position");
    for (float x : s.normals)
      if (!std::isfinite(x)) broken("a non-finite normal");
    for (float x : s.attributes)
      if (!std::isfinite(x)) broken("a non-finite deformation attribute");
  }
}

}  // namespace calfpump::fuzz
