#include "anatomy/deform.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace calfpump::anatomy {

namespace {

constexpr double kPi = std::numbers::pi;

Point3 add(const Point3& a, const Point3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
Point3 mul(const Point3& a, double k) { return {a[0] * k, a[1] * k, a[2] * k}; }
Point3 lerp(const Point3& a, const Point3& b, double u) {
  return {a[0] + (b[0] - a[0]) * u, a[1] + (b[1] - a[1]) * u, a[2] + (b[2] - a[2]) * u};
}

// unscaled collapse shape: flattened ellipse, pinched in the middle below half the reference area
std::array<double, 2> collapse_shape(double theta, double alpha) {
  const double widen = 1.0 + 0.45 * (1.0 - alpha);          // the wall keeps its length: wider when flatter
  const double pinch = std::clamp((0.5 - alpha) / 0.5, 0.0, 0.85);  // dumbbell below half the area
  const double c = std::cos(theta), s = std::sin(theta);
  return {widen * c, s * (1.0 - pinch * (1.0 - c * c))};
}

double polygon_area(int ring, double alpha) {
  double a = 0;
  for (int k = 0; k < ring; ++k) {
    const auto p = collapse_shape(2 * kPi * k / ring, alpha);
    const auto q = collapse_shape(2 * kPi * (k + 1) / ring, alpha);
    a += 0.5 * (p[0] * q[1] - q[0] * p[1]);
  }
  return a;
}

}  // namespace

std::array<double, 2> vein_section(double theta, double area, double area_ref, int ring) {
  const double alpha = area / area_ref;
  const double r0 = std::sqrt(area_ref / kPi);
  if (alpha >= 1.0) {
    // a circle whose inscribed ring polygon has the area exactly
    const double poly = 0.5 * ring * std::sin(2 * kPi / ring);  // area of the unit-radius polygon
    const double r = std::sqrt(area / poly);
    return {r * std::cos(theta), r * std::sin(theta)};
  }
  // shape in units of r0, with the depth scaled so that the polygon area is the target
  const auto p = collapse_shape(theta, alpha);
  const double depth = area / (r0 * r0 * polygon_area(ring, alpha));
  return {r0 * p[0], r0 * depth * p[1]};
}

Point3 leaflet_point(const PathFrame& f, double radius, int leaflet, double u, double v, double zeta, double incompetence) {
  const double theta = (leaflet == 0 ? 0.0 : kPi) + kPi * u;
  const double c = std::cos(theta), s = std::sin(theta);
  const double side = leaflet == 0 ? 1.0 : -1.0;  // the leaflet's own half: +b for leaflet 0
  // attachment: a U-shaped line on the wall, deepest (most upstream) mid-leaflet
  const Point3 wall = add(f.c, add(add(mul(f.n, radius * c), mul(f.b, radius * s)), mul(f.t, -0.8 * radius * std::sin(kPi * u))));
  // free edge: on the coaptation line when closed, less the regurgitant gap; against the wall when open
  const double gap_half = incompetence * radius;
  const double edge_arc = std::sin(kPi * u);  // zero at the commissures, where the edges meet the wall
  const Point3 closed = add(f.c, add(add(mul(f.n, radius * c), mul(f.b, side * gap_half * edge_arc)), mul(f.t, 0.2 * radius)));
  const Point3 open = add(f.c, add(add(mul(f.n, 0.92 * radius * c), mul(f.b, 0.92 * radius * s)), mul(f.t, 0.9 * radius)));
  const Point3 edge = lerp(closed, open, std::clamp(zeta, 0.0, 1.0));
  // the cusp bellies upstream when closed
  const double belly = 0.25 * radius * std::sin(kPi * v) * edge_arc * (1.0 - zeta);
  return add(lerp(wall, edge, v), mul(f.t, -belly));
}

Point3 tube_center(const PathFrame& f, int count, int tube) {
  if (count <= 1) return f.c;
  // tubes sit around the centerline, 1.25 (two) or 1.35 (three or more) radii from it
  const double r = f.rx * (count == 2 ? 1.25 : 1.35);
  const double phi = 2 * kPi * tube / count;
  return add(f.c, add(mul(f.n, r * std::cos(phi)), mul(f.b, r * std::sin(phi))));
}

double valve_draw_t(double vessel_length_m, double at) {
  const double inset = vessel_length_m > 0 ? 0.006 / vessel_length_m : 0.0;
  return std::min(at, 1.0 - inset);
}

LegPaths make_leg_paths(const LegDescription& leg) {
  LegPaths p;
  for (const auto& b : leg.bodies) {
    std::vector<SweepPath> sweeps;
    for (const auto& s : b.sweeps) sweeps.push_back(make_path(s.axis, s.radius_m));
    p.bodies.push_back(std::move(sweeps));
  }
  for (const auto& v : leg.vessels) {
    std::vector<std::array<double, 2>> radii;
    const std::size_t n = v.points.size();
    for (std::size_t i = 0; i < n; ++i) {
      const double u = n > 1 ? static_cast<double>(i) / static_cast<double>(n - 1) : 0.0;
      const double r = 0.5 * (v.diameter_m + (v.diameter_end_m - v.diameter_m) * u);
      radii.push_back({r, r});
    }
    p.vessels.push_back(make_path(v.points, radii, 128));
  }
  return p;
}

namespace {

std::vector<double> shortening_factors(const LegDescription& leg, const State& st) {
  std::vector<double> lambda(leg.bodies.size(), 1.0);
  for (std::size_t b = 0; b < leg.bodies.size(); ++b) {
    const BodyDesc& body = leg.bodies[b];
    if (body.kind != BodyKind::Muscle || body.muscle.empty()) continue;
    lambda[b] = 1.0 - body.shortening * st.muscle_activation[static_cast<std::size_t>(leg.muscle_index(body.muscle))];
  }
  return lambda;
}

}  // namespace

State emphasized(const Model& model, const State& st, double e) {
  if (e == 1.0) return st;
  State out = st;
  for (double& a : out.muscle_activation) a *= e;
  for (std::size_t i = 0; i < model.segments.size() && i < out.area_m2.size(); ++i) {
    const double ref = model.segments[i].area_ref_m2;
    const double r = std::sqrt(st.area_m2[i] / ref);  // radius over the reference radius
    const double re = 1.0 + e * (r - 1.0);
    out.area_m2[i] = std::max(0.05, re > 0 ? re * re : 0.0) * ref;
  }
  return out;
}

Point3 tendon_pull(const LegDescription& leg, const LegPaths& paths, const std::vector<double>& lambda, std::size_t b) {
  Point3 sum{0, 0, 0};
  const auto& follows = leg.bodies[b].follows;
  for (const auto& name : follows) {
    const auto mb = static_cast<std::size_t>(leg.body_index(name));
    const SweepPath& path = paths.bodies[mb][0];
    const Point3 rest = path_point(path, 1.0, 0, 0, 0), now = path_point(path, lambda[mb], 0, 0, 0);
    for (int k = 0; k < 3; ++k) sum[std::size_t(k)] += (now[std::size_t(k)] - rest[std::size_t(k)]) / static_cast<double>(follows.size());
  }
  return sum;
}

std::array<std::array<float, 4>, 6> pose_texels(const LegPose& pose) {
  std::array<std::array<float, 4>, 6> out{};
  for (std::size_t j = 0; j < 2; ++j) {
    const JointTurn& t = pose.joints[j];
    out[3 * j] = {float(t.centre[0]), float(t.centre[1]), float(t.centre[2]), float(t.angle)};
    out[3 * j + 1] = {float(t.axis[0]), float(t.axis[1]), float(t.axis[2]), t.below ? 1.0f : 0.0f};
    out[3 * j + 2] = {float(t.from), float(t.to), j == 0 ? float(pose.lift) : 0.0f, 0.0f};
  }
  return out;
}

DeformFrame deform_frame(const Model& model, const LegPaths& paths, const State& st) {
  const LegDescription& leg = model.leg;
  DeformFrame f;
  const std::vector<double> lambda = shortening_factors(leg, st);
  float first_path = 0;
  for (std::size_t b = 0; b < leg.bodies.size(); ++b) {
    const Point3 pull = leg.bodies[b].kind == BodyKind::Tendon ? tendon_pull(leg, paths, lambda, b) : Point3{0, 0, 0};
    f.bodies.push_back({static_cast<float>(lambda[b]), first_path, 0, 0, static_cast<float>(pull[0]), static_cast<float>(pull[1]),
                        static_cast<float>(pull[2]), 0});
    first_path += static_cast<float>(paths.bodies[b].size());
  }
  for (std::size_t i = 0; i < model.segments.size(); ++i) {
    const Segment& s = model.segments[i];
    f.segments.push_back({static_cast<float>(0.5 * (s.s0 + s.s1)), static_cast<float>(st.area_m2[i] / s.count),
                          static_cast<float>(s.area_ref_m2 / s.count), 0});
  }
  f.joints = pose_texels(leg_pose(leg, st.ankle_rad, st.knee_rad, st.lift_m));
  for (std::size_t k = 0; k < model.valves.size(); ++k) {
    const Valve& v = model.valves[k];
    f.valves.push_back({static_cast<float>(st.valve_state[k]), static_cast<float>(v.incompetence),
                        static_cast<float>(valve_draw_t(paths.vessels[static_cast<std::size_t>(v.vessel)].length, v.at)),
                        static_cast<float>(v.vessel)});
  }
  return f;
}

Deformer::Deformer(const Model& model, const LegGeometry& rest)
    : model_(model), rest_(rest), paths_(make_leg_paths(model.leg)), vessel_segments_(model.leg.vessels.size()) {
  for (std::size_t i = 0; i < model.segments.size(); ++i)
    vessel_segments_[static_cast<std::size_t>(model.segments[i].vessel)].push_back(static_cast<int>(i));
  for (const StructureMesh& s : rest.structures) bone_parts_.push_back(s.kind == StructureKind::Bone ? bone_part(model.leg, s.name) : 0);
}

LegPose Deformer::pose(const State& st) const { return leg_pose(model_.leg, st.ankle_rad, st.knee_rad, st.lift_m); }

std::optional<Point3> Deformer::particle_place(const State& st, const Particle& p) const {
  if (p.segment < 0 || static_cast<std::size_t>(p.segment) >= model_.segments.size()) return std::nullopt;
  const Segment& s = model_.segments[static_cast<std::size_t>(p.segment)];
  const double t = s.s0 + (s.s1 - s.s0) * static_cast<double>(p.f);
  const PathFrame f = paths_.vessels[static_cast<std::size_t>(s.vessel)].at(t);
  const int count = std::max(s.count, 1);
  const Point3 c = tube_center(f, count, static_cast<int>(p.id % static_cast<std::uint32_t>(count)));
  const auto area = vessel_area(st, s.vessel, t);
  const double theta = 2 * kPi * particle_hash(p.id, 7u);
  const double rho = 0.75 * std::sqrt(static_cast<double>(particle_hash(p.id, 11u)));
  const auto off = vein_section(theta, area[0] / count, area[1] / count, kVeinRing);
  const Point3 at = add(c, add(mul(f.n, rho * off[0]), mul(f.b, rho * off[1])));
  const LegPose lp = pose(st);
  if (!lp.moving()) return at;
  return pose_point(lp, soft_weights(lp, f.c), at);  // turned with its vein's ring (weight_point)
}

std::array<double, 2> Deformer::vessel_area(const State& st, int vi, double t) const {
  const auto& segs = vessel_segments_[static_cast<std::size_t>(vi)];
  auto center = [&](int k) {
    const Segment& s = model_.segments[static_cast<std::size_t>(segs[static_cast<std::size_t>(k)])];
    return 0.5 * (s.s0 + s.s1);
  };
  const int n = static_cast<int>(segs.size());
  int k = 0;
  while (k + 1 < n && center(k + 1) < t) ++k;
  const auto seg_a = static_cast<std::size_t>(segs[static_cast<std::size_t>(k)]);
  if (k + 1 >= n || t <= center(0)) {
    const auto only = t <= center(0) ? static_cast<std::size_t>(segs[0]) : seg_a;
    return {st.area_m2[only], model_.segments[only].area_ref_m2};
  }
  const auto seg_b = static_cast<std::size_t>(segs[static_cast<std::size_t>(k + 1)]);
  const double u = std::clamp((t - center(k)) / (center(k + 1) - center(k)), 0.0, 1.0);
  return {st.area_m2[seg_a] + (st.area_m2[seg_b] - st.area_m2[seg_a]) * u,
          model_.segments[seg_a].area_ref_m2 + (model_.segments[seg_b].area_ref_m2 - model_.segments[seg_a].area_ref_m2) * u};
}

Point3 Deformer::weight_point(const StructureMesh& r, std::size_t v) const {
  const float* a = &r.attributes[v * kAttributeCount];
  switch (r.kind) {
    case StructureKind::Vein:  // the ring's centre on the centerline: a ring turns whole, keeping its area
      return paths_.vessels[static_cast<std::size_t>(a[5])].at(a[1]).c;
    case StructureKind::Valve: {  // the valve's centre: its leaflets turn with it
      const Valve& valve = model_.valves[static_cast<std::size_t>(a[0])];
      const SweepPath& path = paths_.vessels[static_cast<std::size_t>(valve.vessel)];
      return path.at(valve_draw_t(path.length, valve.at)).c;
    }
    default: return {r.positions[3 * v], r.positions[3 * v + 1], r.positions[3 * v + 2]};
  }
}

void Deformer::apply(const State& st, LegGeometry& out) const { apply(st, out, std::vector<bool>(rest_.structures.size(), true)); }

void Deformer::apply(const State& st, LegGeometry& out, const std::vector<bool>& only) const {
  const LegDescription& leg = model_.leg;
  const std::vector<double> lambda = shortening_factors(leg, st);
  const LegPose lp = pose(st);
  auto muscle_point = [&](const float* a, bool deformed) {
    const auto b = static_cast<std::size_t>(a[0]);
    const SweepPath& path = paths_.bodies[b][static_cast<std::size_t>(a[1])];
    const double l = deformed ? lambda[b] : 1.0;
    const double k = 1.0 / std::sqrt(l);
    return path_point(path, a[2] * l, a[3] * k, a[4] * k, a[5] * l);
  };

  for (std::size_t si = 0; si < rest_.structures.size(); ++si) {
    if (si >= only.size() || !only[si]) continue;
    const StructureMesh& r = rest_.structures[si];
    StructureMesh& o = out.structures[si];
    const std::size_t nv = r.vertex_count();
    o.positions.resize(r.positions.size());
    auto put = [&](std::size_t v, const Point3& p) {
      o.positions[3 * v] = static_cast<float>(p[0]);
      o.positions[3 * v + 1] = static_cast<float>(p[1]);
      o.positions[3 * v + 2] = static_cast<float>(p[2]);
    };
    switch (r.kind) {
      case StructureKind::Bone: {
        o.positions = r.positions;
        o.normals = r.normals;
        const std::array<double, 2> w = part_weights(bone_parts_[si]);
        if (!lp.moving()) continue;
        for (std::size_t v = 0; v < nv; ++v) {
          const Point3 p = pose_point(lp, w, {r.positions[3 * v], r.positions[3 * v + 1], r.positions[3 * v + 2]});
          const Point3 n = pose_vector(lp, w, {r.normals[3 * v], r.normals[3 * v + 1], r.normals[3 * v + 2]});
          for (std::size_t k = 0; k < 3; ++k) {
            o.positions[3 * v + k] = static_cast<float>(p[k]);
            o.normals[3 * v + k] = static_cast<float>(n[k]);
          }
        }
        continue;
      }
      case StructureKind::Tendon: {
        const Point3 pull = tendon_pull(leg, paths_, lambda, static_cast<std::size_t>(leg.body_index(r.name)));
        for (std::size_t v = 0; v < nv; ++v) {
          const double w = 1.0 - std::clamp(static_cast<double>(r.attributes[v * kAttributeCount + 2]), 0.0, 1.0);
          put(v, {r.positions[3 * v] + w * pull[0], r.positions[3 * v + 1] + w * pull[1], r.positions[3 * v + 2] + w * pull[2]});
        }
        break;
      }
      case StructureKind::Muscle:
        for (std::size_t v = 0; v < nv; ++v) put(v, muscle_point(&r.attributes[v * kAttributeCount], true));
        break;
      case StructureKind::Skin:
        for (std::size_t v = 0; v < nv; ++v) {
          const float* a = &r.attributes[v * kAttributeCount];
          Point3 p{r.positions[3 * v], r.positions[3 * v + 1], r.positions[3 * v + 2]};
          const double w = a[6];
          if (w > 0) {
            // pushed out along its normal by the muscle surface beneath it, never pulled in
            const Point3 m0 = muscle_point(a, false), m1 = muscle_point(a, true);
            const Point3 n{r.normals[3 * v], r.normals[3 * v + 1], r.normals[3 * v + 2]};
            const double push = (m1[0] - m0[0]) * n[0] + (m1[1] - m0[1]) * n[1] + (m1[2] - m0[2]) * n[2];
            if (push > 0) p = add(p, mul(n, w * push));
          }
          put(v, p);
        }
        break;
      case StructureKind::Vein:
        for (std::size_t v = 0; v < nv; ++v) {
          const float* a = &r.attributes[v * kAttributeCount];
          const int vi = static_cast<int>(a[5]);
          const VesselDesc& vd = leg.vessels[static_cast<std::size_t>(vi)];
          const SweepPath& path = paths_.vessels[static_cast<std::size_t>(vi)];
          const double t = a[1];
          const PathFrame f = path.at(t);
          const auto area = vessel_area(st, vi, t);
          const double per = 1.0 / vd.count;
          const auto off = vein_section(a[2], area[0] * per, area[1] * per, kVeinRing);
          const double radial = a[4];
          const Point3 c = tube_center(f, vd.count, static_cast<int>(a[3]));
          put(v, add(c, add(mul(f.n, radial * off[0]), mul(f.b, radial * off[1]))));
        }
        break;
      case StructureKind::Valve:
        for (std::size_t v = 0; v < nv; ++v) {
          const float* a = &r.attributes[v * kAttributeCount];
          const auto vk = static_cast<std::size_t>(a[0]);
          const Valve& valve = model_.valves[vk];
          const int vi = valve.vessel;
          const VesselDesc& vd = leg.vessels[static_cast<std::size_t>(vi)];
          const SweepPath& path = paths_.vessels[static_cast<std::size_t>(vi)];
          const double t = valve_draw_t(path.length, valve.at);
          PathFrame f = path.at(t);
          f.c = tube_center(f, vd.count, static_cast<int>(a[4]));
          const auto area = vessel_area(st, vi, t);
          const double radius = std::sqrt(area[0] / vd.count / kPi);
          put(v, leaflet_point(f, radius, static_cast<int>(a[1]), a[2], a[3], st.valve_state[vk], valve.incompetence));
        }
        break;
    }
    if (lp.moving())
      for (std::size_t v = 0; v < nv; ++v) {
        const Point3 q{o.positions[3 * v], o.positions[3 * v + 1], o.positions[3 * v + 2]};
        put(v, pose_point(lp, soft_weights(lp, weight_point(r, v)), q));
      }
    o.normals.clear();
    compute_normals(o);
  }
}

}  // namespace calfpump::anatomy
