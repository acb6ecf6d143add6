#pragma once
// A cut through the leg: where a plane crosses each closed surface, as closed polygons in the
// plane, and their areas. The cross-section view draws these (the textbook figure of the calf
// pump, live), and tests hold its areas against the simulation's and published anatomy's.
// Pure geometry on deformed meshes: no VTK or Vulkan here.

#include <cstddef>
#include <vector>

#include "anatomy/description.hpp"
#include "anatomy/geometry.hpp"

namespace calfpump::anatomy {

/// A plane through `origin` with unit `normal`; the cut keeps what lies on the normal's far side
/// (n . (p - origin) <= 0), and the section is seen from the near side, looking against n.
struct SectionPlane {
  Point3 origin{};
  Point3 normal{0, 0, 1};
};

/// One closed polygon where a plane crosses a closed surface: its points in order on the plane,
/// counter-clockwise seen from the normal's side around the inside of the surface (a hole in a
/// surface, clockwise).
struct SectionLoop {
  std::size_t structure = 0;  ///< index in the geometry's structures
  std::vector<Point3> points;
};

/// The loops where `plane` crosses the closed surfaces of `geometry` (open sheets such as valve
/// leaflets have no inside and give none). A vertex exactly on the plane counts as kept, so no
/// loop passes through a vertex and every crossing lies inside an edge. Loops are closed: a mesh
/// edge used by one triangle only ends its loop, which is then dropped (the cut of an open rim).
std::vector<SectionLoop> section_loops(const LegGeometry& geometry, const SectionPlane& plane);

/// The loops of one structure (as section_loops, for that structure alone).
std::vector<SectionLoop> section_loops(const StructureMesh& mesh, std::size_t structure, const SectionPlane& plane);

/// The signed area (m^2) a loop encloses in its plane: positive counter-clockwise seen from the
/// normal's side (the outline of a surface's inside), negative for a hole.
double loop_area(const SectionLoop& loop, const Point3& normal);

/// The area of structure `structure`'s section (m^2): its loops' signed areas summed, so holes
/// count against the outlines around them.
double section_area(const std::vector<SectionLoop>& loops, std::size_t structure, const Point3& normal);

/// A loop's centroid (the area-weighted centre of its polygon), on the plane.
Point3 loop_centroid(const SectionLoop& loop, const Point3& normal);

/// Two unit vectors spanning the plane, (u, v, normal) right-handed: u along world x where it
/// can be (for a horizontal plane, the leg's lateral direction), v = normal x u.
std::array<Point3, 2> plane_axes(const Point3& normal);

}  // namespace calfpump::anatomy
