#pragma once
// The similarity transform (rotation, uniform scale, translation) that best maps one set of points
// onto another in the least-squares sense: Horn's closed form with unit quaternions (Horn 1987, J
// Opt Soc Am A 4:629), the rotation from the largest eigenvector of a symmetric 4x4 matrix, the
// scale from the rotated spreads. Used to place an atlas mesh on the description's landmarks.

#include <array>
#include <vector>

#include "anatomy/description.hpp"

namespace calfpump::anatomy {

/// x' = scale * R x + t.
struct Similarity {
  std::array<std::array<double, 3>, 3> rotation{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  double scale = 1;
  Point3 translation{};

  Point3 apply(const Point3& p) const;
};

/// How far points lie from their best-fitting plane: the root-mean-square distance (m; 0 for
/// fewer than four points, which always lie in one plane). A rotation cannot tell points in one
/// plane from their mirror image, so a fit that must catch a mirrored mesh needs this above zero.
double off_plane_rms(const std::vector<Point3>& points);

/// The similarity taking `from` onto `to` (the same number of points, at least three, not all on
/// one line). Throws std::invalid_argument when the points cannot fix one.
Similarity fit_similarity(const std::vector<Point3>& from, const std::vector<Point3>& to);

}  // namespace calfpump::anatomy
