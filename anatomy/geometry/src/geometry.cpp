#include "anatomy/geometry.hpp"

#include <cmath>
#include <cstdlib>
#include <map>
#include <utility>

#include <glm/geometric.hpp>
#include <glm/vec3.hpp>
#include <meshoptimizer.h>

#ifndef CALFPUMP_LEG_MESH
#error "CALFPUMP_LEG_MESH must be defined by the build"
#endif

namespace calfpump::anatomy {

const char* structure_kind_name(StructureKind k) {
  switch (k) {
    case StructureKind::Bone: return "bone";
    case StructureKind::Muscle: return "muscle";
    case StructureKind::Tendon: return "tendon";
    case StructureKind::Skin: return "skin";
    case StructureKind::Vein: return "vein";
    case StructureKind::Valve: return "valve";
  }
  return "?";
}

TissueColour atlas_colour(StructureKind k) {
  switch (k) {
    case StructureKind::Bone: return {0.91f, 0.87f, 0.77f};
    case StructureKind::Muscle: return {0.76f, 0.38f, 0.34f};  // lighter than the blood, which must stand out on it
    case StructureKind::Tendon: return {0.88f, 0.84f, 0.74f};
    case StructureKind::Skin: return {0.93f, 0.76f, 0.66f};
    case StructureKind::Vein: return {0.35f, 0.50f, 0.95f};  // blue, as atlases draw veins
    case StructureKind::Valve: return {0.86f, 0.88f, 0.97f};
  }
  return {1, 1, 1};
}

std::vector<std::uint32_t> simplified_indices(const StructureMesh& s, float error_m, std::size_t reduction) {
  if (s.indices.size() < 3 * 200 || reduction <= 1) return s.indices;
  std::vector<std::uint32_t> out(s.indices.size());
  const float scale = meshopt_simplifyScale(s.positions.data(), s.vertex_count(), 3 * sizeof(float));
  float error = 0;
  const std::size_t n = meshopt_simplify(out.data(), s.indices.data(), s.indices.size(), s.positions.data(), s.vertex_count(),
                                         3 * sizeof(float), s.indices.size() / reduction, error_m / scale, meshopt_SimplifyLockBorder, &error);
  out.resize(n);
  return n >= 3 ? out : s.indices;
}

int LegGeometry::find(const std::string& name, StructureKind kind) const {
  for (std::size_t i = 0; i < structures.size(); ++i)
    if (structures[i].name == name && structures[i].kind == kind) return static_cast<int>(i);
  return -1;
}

std::size_t LegGeometry::triangle_count() const {
  std::size_t n = 0;
  for (const auto& s : structures) n += s.triangle_count();
  return n;
}

std::filesystem::path default_leg_mesh() {
  if (const char* env = std::getenv("CALFPUMP_LEG_MESH"); env && *env) return env;
  return CALFPUMP_LEG_MESH;
}

namespace {

struct V3 {
  double x, y, z;
};
V3 vat(const std::vector<float>& p, std::uint32_t i) { return {p[3 * i], p[3 * i + 1], p[3 * i + 2]}; }
V3 sub(V3 a, V3 b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
V3 cross(V3 a, V3 b) {
  const glm::dvec3 c = glm::cross(glm::dvec3(a.x, a.y, a.z), glm::dvec3(b.x, b.y, b.z));
  return {c.x, c.y, c.z};
}
double dot(V3 a, V3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }

}  // namespace

MeshReport check_mesh(const StructureMesh& m) {
  MeshReport r;
  for (float f : m.positions) r.finite &= std::isfinite(f);
  for (float f : m.normals) r.finite &= std::isfinite(f);
  std::map<std::pair<std::uint32_t, std::uint32_t>, int> edges;
  std::vector<V3> face_sum(m.vertex_count(), V3{0, 0, 0});
  for (std::size_t t = 0; t < m.triangle_count(); ++t) {
    const std::uint32_t a = m.indices[3 * t], b = m.indices[3 * t + 1], c = m.indices[3 * t + 2];
    const V3 pa = vat(m.positions, a), pb = vat(m.positions, b), pc = vat(m.positions, c);
    const V3 n = cross(sub(pb, pa), sub(pc, pa));
    // a triangle thinner than a micrometre squared is degenerate at these scales
    if (a == b || b == c || a == c || dot(n, n) < 1e-24) ++r.degenerate_triangles;
    // divergence theorem: volume = sum over faces of (a . (b x c)) / 6
    r.signed_volume_m3 += dot(pa, cross(pb, pc)) / 6.0;
    for (std::uint32_t v : {a, b, c}) {
      face_sum[v].x += n.x;
      face_sum[v].y += n.y;
      face_sum[v].z += n.z;
    }
    for (auto [p, q] : {std::pair{a, b}, std::pair{b, c}, std::pair{c, a}}) ++edges[{std::min(p, q), std::max(p, q)}];
  }
  for (const auto& [e, count] : edges) {
    if (count == 1) ++r.boundary_edges;
    if (count > 2) ++r.nonmanifold_edges;
  }
  r.volume_m3 = std::abs(r.signed_volume_m3);
  if (m.normals.size() == m.positions.size())
    for (std::size_t v = 0; v < m.vertex_count(); ++v)
      if (dot(face_sum[v], vat(m.normals, static_cast<std::uint32_t>(v))) < 0) ++r.inward_normals;
  return r;
}

void compute_normals(StructureMesh& m) {
  std::vector<V3> acc(m.vertex_count(), V3{0, 0, 0});
  for (std::size_t t = 0; t < m.triangle_count(); ++t) {
    const std::uint32_t a = m.indices[3 * t], b = m.indices[3 * t + 1], c = m.indices[3 * t + 2];
    const V3 n = cross(sub(vat(m.positions, b), vat(m.positions, a)), sub(vat(m.positions, c), vat(m.positions, a)));
    for (std::uint32_t v : {a, b, c}) {
      acc[v].x += n.x;
      acc[v].y += n.y;
      acc[v].z += n.z;
    }
  }
  m.normals.assign(m.positions.size(), 0.0f);
  for (std::size_t v = 0; v < acc.size(); ++v) {
    const double l = std::sqrt(dot(acc[v], acc[v]));
    const V3 n = l > 0 ? V3{acc[v].x / l, acc[v].y / l, acc[v].z / l} : V3{0, 0, 1};
    m.normals[3 * v] = static_cast<float>(n.x);
    m.normals[3 * v + 1] = static_cast<float>(n.y);
    m.normals[3 * v + 2] = static_cast<float>(n.z);
  }
}

}  // namespace calfpump::anatomy
