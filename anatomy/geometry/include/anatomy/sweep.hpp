#pragma once
// Swept paths: a smooth curve through axis or centerline points, resampled by arc length, with a
// parallel-transport frame (t along the curve; n lateral-leaning, b = t x n) and an elliptical
// cross-section. The geometry builder makes surfaces from them; the deformation maps a point's
// local coordinates (s, u, v, w) back to space with the same frames, so both agree exactly.

#include <array>
#include <vector>

#include "anatomy/description.hpp"

namespace calfpump::anatomy {

/// A point with its frame and cross-section at one place along a path.
struct PathFrame {
  Point3 c{}, t{}, n{}, b{};
  double rx = 0, ry = 0;  ///< half-width along n, half-depth along b (m)
};

/// A resampled path: uniform in arc length.
struct SweepPath {
  std::vector<PathFrame> frames;
  double length = 0;

  /// Frame at arc fraction s in [0, 1] (linear between samples; s is clamped).
  PathFrame at(double s) const;
};

/// Builds a path through the points (Catmull-Rom) with cross-sections interpolated from radii
/// (one [half-width, half-depth] per point), sampled at about `samples` places.
SweepPath make_path(const std::vector<Point3>& points, const std::vector<std::array<double, 2>>& radii,
                    int samples = 96);

/// Local coordinates of a point relative to a path.
struct PathCoords {
  double s = 0;           ///< arc fraction of the nearest axis point, in [0, 1]
  double u = 0, v = 0;    ///< offset along n and b there (m)
  double w = 0;           ///< offset along t (m): non-zero beyond the ends
  double rho = 0;         ///< normalised elliptic radius (< 1 inside, ends rounded)
};

/// Local coordinates of p (nearest point on the polyline of samples).
PathCoords path_coords(const SweepPath& path, const Point3& p);

/// The point with local coordinates (s, u, v, w) on a path.
Point3 path_point(const SweepPath& path, double s, double u, double v, double w);

/// Approximate signed distance (m) of p to the swept solid: negative inside.
double sweep_distance(const SweepPath& path, const Point3& p);

}  // namespace calfpump::anatomy
