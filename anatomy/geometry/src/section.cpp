#include "anatomy/section.hpp"

#include <cmath>
#include <cstdint>
#include <unordered_map>

namespace calfpump::anatomy {

namespace {

double dot(const Point3& a, const Point3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Point3 cross(const Point3& a, const Point3& b) { return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]}; }

// an undirected mesh edge as one key
std::uint64_t edge_key(std::uint32_t a, std::uint32_t b) {
  if (a > b) std::swap(a, b);
  return static_cast<std::uint64_t>(a) << 32 | b;
}

}  // namespace

std::array<Point3, 2> plane_axes(const Point3& normal) {
  const Point3 seed = std::abs(normal[0]) < 0.9 ? Point3{1, 0, 0} : Point3{0, 1, 0};
  const double along = dot(seed, normal);
  Point3 u{seed[0] - along * normal[0], seed[1] - along * normal[1], seed[2] - along * normal[2]};
  const double len = std::sqrt(dot(u, u));
  for (double& c : u) c /= len;
  return {u, cross(normal, u)};
}

std::vector<SectionLoop> section_loops(const StructureMesh& mesh, std::size_t structure, const SectionPlane& plane) {
  std::vector<SectionLoop> loops;
  if (!mesh.closed) return loops;
  const std::size_t n = mesh.vertex_count();
  std::vector<double> d(n);
  auto at = [&](std::uint32_t v) { return Point3{mesh.positions[3 * v], mesh.positions[3 * v + 1], mesh.positions[3 * v + 2]}; };
  for (std::uint32_t v = 0; v < n; ++v) {
    const Point3 p = at(v);
    d[v] = dot(plane.normal, {p[0] - plane.origin[0], p[1] - plane.origin[1], p[2] - plane.origin[2]});
  }
  // each crossed triangle is one segment of a loop, from the crossing on its edge that runs from
  // the cut-away side to the kept side (in the triangle's own order) to the one that runs back:
  // with outward winding that goes counter-clockwise around the inside, seen from the normal's side
  struct Segment {
    std::uint64_t to;
    Point3 from_point;
    bool used = false;
  };
  std::unordered_map<std::uint64_t, Segment> from_edge;
  auto crossing = [&](std::uint32_t a, std::uint32_t b) {  // a above, b kept
    const double t = d[a] / (d[a] - d[b]);
    const Point3 pa = at(a), pb = at(b);
    return Point3{pa[0] + t * (pb[0] - pa[0]), pa[1] + t * (pb[1] - pa[1]), pa[2] + t * (pb[2] - pa[2])};
  };
  for (std::size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
    const std::uint32_t v[3] = {mesh.indices[t], mesh.indices[t + 1], mesh.indices[t + 2]};
    int down = -1, up = -1;  // the edges (k -> k+1) going above -> kept and kept -> above
    for (int k = 0; k < 3; ++k) {
      const bool a = d[v[k]] > 0, b = d[v[(k + 1) % 3]] > 0;
      if (a && !b) down = k;
      if (!a && b) up = k;
    }
    if (down < 0 || up < 0) continue;
    const std::uint32_t da = v[down], db = v[(down + 1) % 3], ua = v[up], ub = v[(up + 1) % 3];
    from_edge[edge_key(da, db)] = Segment{edge_key(ua, ub), crossing(da, db)};
  }
  for (auto& [start, seg] : from_edge) {
    if (seg.used) continue;
    SectionLoop loop{structure, {}};
    std::uint64_t key = start;
    bool closed = false;
    while (true) {
      auto it = from_edge.find(key);
      if (it == from_edge.end() || it->second.used) {
        closed = it != from_edge.end() && key == start;
        break;
      }
      it->second.used = true;
      loop.points.push_back(it->second.from_point);
      key = it->second.to;
    }
    if (closed && loop.points.size() >= 3) loops.push_back(std::move(loop));
  }
  return loops;
}

std::vector<SectionLoop> section_loops(const LegGeometry& geometry, const SectionPlane& plane) {
  std::vector<SectionLoop> all;
  for (std::size_t s = 0; s < geometry.structures.size(); ++s) {
    auto loops = section_loops(geometry.structures[s], s, plane);
    for (SectionLoop& l : loops) all.push_back(std::move(l));
  }
  return all;
}

double loop_area(const SectionLoop& loop, const Point3& normal) {
  // shoelace over the polygon in the plane's (u, v): twice the area is the sum of u_i v_{i+1} - u_{i+1} v_i
  const auto [u, v] = plane_axes(normal);
  double twice = 0;
  const std::size_t n = loop.points.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Point3& a = loop.points[i];
    const Point3& b = loop.points[(i + 1) % n];
    twice += dot(a, u) * dot(b, v) - dot(b, u) * dot(a, v);
  }
  return 0.5 * twice;
}

double section_area(const std::vector<SectionLoop>& loops, std::size_t structure, const Point3& normal) {
  double area = 0;
  for (const SectionLoop& l : loops)
    if (l.structure == structure) area += loop_area(l, normal);
  return area;
}

Point3 loop_centroid(const SectionLoop& loop, const Point3& normal) {
  // the polygon's centroid from its fan of triangles about the first point
  const std::size_t n = loop.points.size();
  if (n == 0) return {};
  const Point3& o = loop.points[0];
  Point3 sum{0, 0, 0};
  double weight = 0;
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const Point3& a = loop.points[i];
    const Point3& b = loop.points[i + 1];
    const Point3 e1{a[0] - o[0], a[1] - o[1], a[2] - o[2]}, e2{b[0] - o[0], b[1] - o[1], b[2] - o[2]};
    const double w = 0.5 * dot(cross(e1, e2), normal);
    for (int k = 0; k < 3; ++k) sum[k] += w * (o[k] + a[k] + b[k]) / 3.0;
    weight += w;
  }
  if (std::abs(weight) < 1e-18) return o;
  return {sum[0] / weight, sum[1] / weight, sum[2] / weight};
}

}  // namespace calfpump::anatomy
