#include "anatomy/similarity.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace calfpump::anatomy {

Point3 Similarity::apply(const Point3& p) const {
  Point3 q{};
  for (std::size_t i = 0; i < 3; ++i)
    q[i] = scale * (rotation[i][0] * p[0] + rotation[i][1] * p[1] + rotation[i][2] * p[2]) + translation[i];
  return q;
}

namespace {

// eigen decomposition of a symmetric NxN matrix by cyclic Jacobi rotations: a becomes diagonal
// (the eigenvalues), v's columns the unit eigenvectors
template <std::size_t N>
void jacobi(std::array<std::array<double, N>, N>& a, std::array<std::array<double, N>, N>& v) {
  v = {};
  for (std::size_t i = 0; i < N; ++i) v[i][i] = 1;
  for (int sweep = 0; sweep < 64; ++sweep) {
    double off = 0;
    for (std::size_t p = 0; p < N; ++p)
      for (std::size_t q = p + 1; q < N; ++q) off += a[p][q] * a[p][q];
    if (off < 1e-30) break;
    for (std::size_t p = 0; p < N; ++p)
      for (std::size_t q = p + 1; q < N; ++q) {
        if (std::abs(a[p][q]) < 1e-300) continue;
        const double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (std::size_t k = 0; k < N; ++k) {  // columns p, q
          const double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (std::size_t k = 0; k < N; ++k) {  // rows p, q
          const double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (std::size_t k = 0; k < N; ++k) {
          const double vkp = v[k][p], vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
  }
}

// the unit eigenvector of a symmetric 4x4 matrix's largest eigenvalue
std::array<double, 4> largest_eigenvector(std::array<std::array<double, 4>, 4> a) {
  std::array<std::array<double, 4>, 4> v{};
  jacobi(a, v);
  std::size_t best = 0;
  for (std::size_t i = 1; i < 4; ++i)
    if (a[i][i] > a[best][best]) best = i;
  return {v[0][best], v[1][best], v[2][best], v[3][best]};
}

}  // namespace

Similarity fit_similarity(const std::vector<Point3>& from, const std::vector<Point3>& to) {
  const std::size_t n = from.size();
  if (n != to.size()) throw std::invalid_argument("fit_similarity: the two point sets differ in size");
  if (n < 3) throw std::invalid_argument("fit_similarity: at least three points are needed");
  Point3 ca{}, cb{};
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < 3; ++k) {
      ca[k] += from[i][k] / double(n);
      cb[k] += to[i][k] / double(n);
    }
  // the cross-covariance S[j][k] = sum a_j b_k of the centred points, and the spreads
  double s[3][3] = {};
  double spread_a = 0, spread_b = 0;
  for (std::size_t i = 0; i < n; ++i) {
    Point3 a{}, b{};
    for (std::size_t k = 0; k < 3; ++k) {
      a[k] = from[i][k] - ca[k];
      b[k] = to[i][k] - cb[k];
      spread_a += a[k] * a[k];
      spread_b += b[k] * b[k];
    }
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t k = 0; k < 3; ++k) s[j][k] += a[j] * b[k];
  }
  if (!(spread_a > 1e-18) || !(spread_b > 1e-18)) throw std::invalid_argument("fit_similarity: the points all coincide");
  // not all on one line: the spread's second principal direction must not vanish
  {
    double c[3][3] = {};
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < 3; ++j)
        for (std::size_t k = 0; k < 3; ++k) c[j][k] += (from[i][j] - ca[j]) * (from[i][k] - ca[k]);
    // the sum of the 2x2 principal minors is the sum of the products of eigenvalue pairs: ~0 when
    // at most one eigenvalue is non-zero (collinear points)
    const double minors = c[0][0] * c[1][1] - c[0][1] * c[1][0] + c[0][0] * c[2][2] - c[0][2] * c[2][0] + c[1][1] * c[2][2] - c[1][2] * c[2][1];
    if (minors < 1e-6 * spread_a * spread_a) throw std::invalid_argument("fit_similarity: the points lie on one line");
  }
  const double sxx = s[0][0], sxy = s[0][1], sxz = s[0][2], syx = s[1][0], syy = s[1][1], syz = s[1][2], szx = s[2][0], szy = s[2][1], szz = s[2][2];
  const std::array<std::array<double, 4>, 4> nm{{
      {sxx + syy + szz, syz - szy, szx - sxz, sxy - syx},
      {syz - szy, sxx - syy - szz, sxy + syx, szx + sxz},
      {szx - sxz, sxy + syx, -sxx + syy - szz, syz + szy},
      {sxy - syx, szx + sxz, syz + szy, -sxx - syy + szz},
  }};
  const auto q = largest_eigenvector(nm);  // (w, x, y, z)
  const double w = q[0], x = q[1], y = q[2], z = q[3];
  Similarity r;
  r.rotation = {{{w * w + x * x - y * y - z * z, 2 * (x * y - w * z), 2 * (x * z + w * y)},
                 {2 * (x * y + w * z), w * w - x * x + y * y - z * z, 2 * (y * z - w * x)},
                 {2 * (x * z - w * y), 2 * (y * z + w * x), w * w - x * x - y * y + z * z}}};
  // scale: the rotated source's projection on the target (Horn's asymmetric form, the least-squares
  // scale for mapping `from` onto `to`)
  double dot = 0;
  for (std::size_t i = 0; i < n; ++i) {
    Point3 a{};
    for (std::size_t k = 0; k < 3; ++k) a[k] = from[i][k] - ca[k];
    for (std::size_t j = 0; j < 3; ++j)
      dot += (to[i][j] - cb[j]) * (r.rotation[j][0] * a[0] + r.rotation[j][1] * a[1] + r.rotation[j][2] * a[2]);
  }
  r.scale = dot / spread_a;
  if (!(r.scale > 0)) throw std::invalid_argument("fit_similarity: no positive scale maps the points (mirrored?)");
  const Point3 rc = [&] {
    Point3 p{};
    for (std::size_t j = 0; j < 3; ++j) p[j] = r.scale * (r.rotation[j][0] * ca[0] + r.rotation[j][1] * ca[1] + r.rotation[j][2] * ca[2]);
    return p;
  }();
  for (std::size_t k = 0; k < 3; ++k) r.translation[k] = cb[k] - rc[k];
  return r;
}

double off_plane_rms(const std::vector<Point3>& points) {
  if (points.size() < 4) return 0.0;
  Point3 c{};
  for (const Point3& p : points)
    for (std::size_t k = 0; k < 3; ++k) c[k] += p[k] / double(points.size());
  std::array<std::array<double, 3>, 3> cov{};
  for (const Point3& p : points)
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t k = 0; k < 3; ++k) cov[j][k] += (p[j] - c[j]) * (p[k] - c[k]) / double(points.size());
  std::array<std::array<double, 3>, 3> v{};
  jacobi(cov, v);
  return std::sqrt(std::max(0.0, std::min({cov[0][0], cov[1][1], cov[2][2]})));
}

}  // namespace calfpump::anatomy
