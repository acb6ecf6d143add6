#include "anatomy/sweep.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "anatomy/vec.hpp"

namespace calfpump::anatomy {

namespace {

Point3 add(const Point3& a, const Point3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
Point3 sub(const Point3& a, const Point3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
Point3 mul(const Point3& a, double k) { return {a[0] * k, a[1] * k, a[2] * k}; }
double dot(const Point3& a, const Point3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
Point3 cross(const Point3& a, const Point3& b) { return from_glm(glm::cross(to_glm(a), to_glm(b))); }
// a unit vector along a; straight up for a zero vector (GLM's would be NaN)
Point3 normalize(const Point3& a) { return dot(a, a) > 0 ? from_glm(glm::normalize(to_glm(a))) : Point3{0, 0, 1}; }
Point3 lerp(const Point3& a, const Point3& b, double u) { return add(a, mul(sub(b, a), u)); }

// uniform Catmull-Rom between p1 and p2
Point3 catmull_rom(const Point3& p0, const Point3& p1, const Point3& p2, const Point3& p3, double u) {
  const double u2 = u * u, u3 = u2 * u;
  Point3 r{};
  for (int k = 0; k < 3; ++k)
    r[std::size_t(k)] = 0.5 * (2 * p1[std::size_t(k)] + (-p0[std::size_t(k)] + p2[std::size_t(k)]) * u +
                               (2 * p0[std::size_t(k)] - 5 * p1[std::size_t(k)] + 4 * p2[std::size_t(k)] - p3[std::size_t(k)]) * u2 +
                               (-p0[std::size_t(k)] + 3 * p1[std::size_t(k)] - 3 * p2[std::size_t(k)] + p3[std::size_t(k)]) * u3);
  return r;
}

}  // namespace

PathFrame SweepPath::at(double s) const {
  const double x = std::clamp(s, 0.0, 1.0) * static_cast<double>(frames.size() - 1);
  const auto i = std::min(static_cast<std::size_t>(x), frames.size() - 2);
  const double u = x - static_cast<double>(i);
  const PathFrame &a = frames[i], &b = frames[i + 1];
  PathFrame f;
  f.c = lerp(a.c, b.c, u);
  f.t = normalize(lerp(a.t, b.t, u));
  f.n = normalize(lerp(a.n, b.n, u));
  f.n = normalize(sub(f.n, mul(f.t, dot(f.n, f.t))));
  f.b = cross(f.t, f.n);
  f.rx = a.rx + (b.rx - a.rx) * u;
  f.ry = a.ry + (b.ry - a.ry) * u;
  return f;
}

SweepPath make_path(const std::vector<Point3>& pts, const std::vector<std::array<double, 2>>& radii, int samples) {
  // dense spline samples with their radii (linear in the spline parameter)
  std::vector<Point3> dense;
  std::vector<std::array<double, 2>> dense_r;
  const std::size_t n = pts.size();
  constexpr int kPerSpan = 32;
  for (std::size_t i = 0; i + 1 < n; ++i) {
    const Point3& p0 = pts[i == 0 ? 0 : i - 1];
    const Point3& p3 = pts[std::min(i + 2, n - 1)];
    for (int k = 0; k < kPerSpan; ++k) {
      const double u = static_cast<double>(k) / kPerSpan;
      dense.push_back(catmull_rom(p0, pts[i], pts[i + 1], p3, u));
      dense_r.push_back({radii[i][0] + (radii[i + 1][0] - radii[i][0]) * u, radii[i][1] + (radii[i + 1][1] - radii[i][1]) * u});
    }
  }
  dense.push_back(pts.back());
  dense_r.push_back(radii.back());
  std::vector<double> arc(dense.size(), 0.0);
  for (std::size_t i = 1; i < dense.size(); ++i) arc[i] = arc[i - 1] + distance(dense[i], dense[i - 1]);

  SweepPath path;
  path.length = arc.back();
  const int m = std::max(samples, 2);
  std::size_t j = 0;
  for (int k = 0; k < m; ++k) {
    const double target = path.length * k / (m - 1);
    while (j + 2 < dense.size() && arc[j + 1] < target) ++j;
    const double span = arc[j + 1] - arc[j];
    const double u = span > 0 ? std::clamp((target - arc[j]) / span, 0.0, 1.0) : 0.0;
    PathFrame f;
    f.c = lerp(dense[j], dense[j + 1], u);
    f.rx = dense_r[j][0] + (dense_r[j + 1][0] - dense_r[j][0]) * u;
    f.ry = dense_r[j][1] + (dense_r[j + 1][1] - dense_r[j][1]) * u;
    path.frames.push_back(f);
  }
  // tangents by central differences; frames by parallel transport from a lateral-leaning start
  const std::size_t fm = path.frames.size();
  for (std::size_t i = 0; i < fm; ++i) {
    const Point3& a = path.frames[i == 0 ? 0 : i - 1].c;
    const Point3& b = path.frames[std::min(i + 1, fm - 1)].c;
    path.frames[i].t = normalize(sub(b, a));
  }
  const Point3 t0 = path.frames[0].t;
  const Point3 ref = std::abs(t0[0]) < 0.9 ? Point3{1, 0, 0} : Point3{0, 1, 0};
  Point3 nn = normalize(sub(ref, mul(t0, dot(ref, t0))));
  for (std::size_t i = 0; i < fm; ++i) {
    const Point3& t = path.frames[i].t;
    nn = normalize(sub(nn, mul(t, dot(nn, t))));
    path.frames[i].n = nn;
    path.frames[i].b = cross(t, nn);
  }
  return path;
}

PathCoords path_coords(const SweepPath& path, const Point3& p) {
  // nearest point on the polyline of samples
  const std::size_t fm = path.frames.size();
  double best = std::numeric_limits<double>::max();
  double best_s = 0;
  for (std::size_t i = 0; i + 1 < fm; ++i) {
    const Point3 a = path.frames[i].c, ab = sub(path.frames[i + 1].c, a);
    const double l2 = dot(ab, ab);
    const double u = l2 > 0 ? std::clamp(dot(sub(p, a), ab) / l2, 0.0, 1.0) : 0.0;
    const Point3 q = add(a, mul(ab, u));
    const double d2 = dot(sub(p, q), sub(p, q));
    if (d2 < best) {
      best = d2;
      best_s = (static_cast<double>(i) + u) / static_cast<double>(fm - 1);
    }
  }
  PathCoords c;
  c.s = best_s;
  const PathFrame f = path.at(best_s);
  const Point3 d = sub(p, f.c);
  c.u = dot(d, f.n);
  c.v = dot(d, f.b);
  c.w = dot(d, f.t);
  // beyond an end the axial offset counts, with an end cap as deep as the smaller half-axis
  const bool end = best_s <= 0.0 || best_s >= 1.0;
  const double rz = std::min(f.rx, f.ry);
  const double axial = end ? ((best_s <= 0.0 && c.w < 0) || (best_s >= 1.0 && c.w > 0) ? c.w / rz : 0.0) : 0.0;
  c.rho = std::sqrt((c.u / f.rx) * (c.u / f.rx) + (c.v / f.ry) * (c.v / f.ry) + axial * axial);
  return c;
}

Point3 path_point(const SweepPath& path, double s, double u, double v, double w) {
  const PathFrame f = path.at(s);
  return add(add(f.c, mul(f.n, u)), add(mul(f.b, v), mul(f.t, w)));
}

double sweep_distance(const SweepPath& path, const Point3& p) {
  const PathCoords c = path_coords(path, p);
  const PathFrame f = path.at(c.s);
  return (c.rho - 1.0) * std::min(f.rx, f.ry);
}

}  // namespace calfpump::anatomy
