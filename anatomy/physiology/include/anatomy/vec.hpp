#pragma once
// Leg-coordinate points (anatomy::Point3, plain arrays in the data structures) as GLM vectors for
// the arithmetic on them.

#include <array>

#include <glm/geometric.hpp>
#include <glm/vec3.hpp>

namespace calfpump::anatomy {

/// A point or direction as a GLM vector (double precision, as stored).
inline glm::dvec3 to_glm(const std::array<double, 3>& p) { return {p[0], p[1], p[2]}; }
/// A GLM vector back into the arrays the data structures hold.
inline std::array<double, 3> from_glm(const glm::dvec3& v) { return {v.x, v.y, v.z}; }
/// Distance between two points (m).
inline double distance(const std::array<double, 3>& a, const std::array<double, 3>& b) { return glm::distance(to_glm(a), to_glm(b)); }

}  // namespace calfpump::anatomy
