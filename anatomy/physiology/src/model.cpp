#include "anatomy/model.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <fmt/format.h>

#include "anatomy/error.hpp"
#include "anatomy/vec.hpp"

namespace calfpump::anatomy {

namespace {

double vessel_diameter(const VesselDesc& v, double s, double scale) {
  return scale * (v.diameter_m + (v.diameter_end_m - v.diameter_m) * s);
}

double vessel_area(const VesselDesc& v, double s, double scale) {
  const double d = vessel_diameter(v, s, scale);
  return v.count * std::numbers::pi * d * d / 4.0;
}

// graduated compression: the ankle value at and below the ankle, falling linearly to the calf
// value at the calf's widest point, held to just below the knee (a below-knee stocking), none above
double compression_at(const LegDescription& leg, const Condition& c, double z) {
  const double top = leg.knee_z - 0.03;  // a stocking ends about 3 cm below the knee crease
  if (z <= leg.ankle_z) return c.compression_ankle_Pa;
  if (z <= leg.calf_z) {
    const double u = (z - leg.ankle_z) / (leg.calf_z - leg.ankle_z);
    return c.compression_ankle_Pa + (c.compression_calf_Pa - c.compression_ankle_Pa) * u;
  }
  if (z <= top) return c.compression_calf_Pa;
  return 0.0;
}

// an above-knee tourniquet: a cuff on the lower thigh, 5-15 cm above the knee joint line (where
// the great saphenous vein runs superficially on the medial thigh); it occludes the superficial
// veins only (stated choice: a clinical tourniquet is tightened just enough to do so)
bool under_tourniquet(const LegDescription& leg, double z) { return z >= leg.knee_z + 0.05 && z <= leg.knee_z + 0.15; }

[[noreturn]] void fail(const LegDescription& leg, const std::string& key, const std::string& msg) {
  throw ConfigError(leg.file.string(), 0, 0, key, msg);
}

}  // namespace

double arc_length(const std::vector<Point3>& pts) {
  double len = 0;
  for (std::size_t i = 1; i < pts.size(); ++i) len += distance(pts[i - 1], pts[i]);
  return len;
}

Point3 point_along(const std::vector<Point3>& pts, double s) {
  const double target = std::clamp(s, 0.0, 1.0) * arc_length(pts);
  double run = 0;
  for (std::size_t i = 1; i < pts.size(); ++i) {
    const double d = distance(pts[i - 1], pts[i]);
    if (run + d >= target || i + 1 == pts.size()) {
      const double u = d > 0 ? std::clamp((target - run) / d, 0.0, 1.0) : 0.0;
      return {pts[i - 1][0] + u * (pts[i][0] - pts[i - 1][0]),
              pts[i - 1][1] + u * (pts[i][1] - pts[i - 1][1]),
              pts[i - 1][2] + u * (pts[i][2] - pts[i - 1][2])};
    }
    run += d;
  }
  return pts.front();
}

int Model::segment_index(const std::string& name) const {
  for (std::size_t i = 0; i < segments.size(); ++i)
    if (segments[i].name == name) return static_cast<int>(i);
  return -1;
}

int Model::valve_index(const std::string& name) const {
  for (std::size_t i = 0; i < valves.size(); ++i)
    if (valves[i].name == name) return static_cast<int>(i);
  return -1;
}

double Model::reference_volume_m3() const {
  double v = 0;
  for (const auto& s : segments) v += s.volume_ref_m3;
  return v;
}

Model build_model(const LegDescription& leg, const Condition& condition) {
  Model m;
  m.leg = leg;
  m.condition = condition;
  if (condition.valve_incompetence.size() != leg.valves.size() ||
      condition.vessel_diameter_scale.size() != leg.vessels.size() ||
      (!condition.vessel_residual_lumen.empty() && condition.vessel_residual_lumen.size() != leg.vessels.size()))
    fail(leg, "valve", "the condition does not match the description's valves");

  // 1. cut every vessel into segments at its valves and at the length limit
  std::vector<std::vector<int>> vessel_segments(leg.vessels.size());
  for (std::size_t vi = 0; vi < leg.vessels.size(); ++vi) {
    const VesselDesc& v = leg.vessels[vi];
    const double len = arc_length(v.points);
    std::vector<double> cuts = {0.0, 1.0};
    for (const auto& valve : leg.valves)
      if (valve.vessel == v.name && valve.at < 1.0) cuts.push_back(valve.at);
    std::sort(cuts.begin(), cuts.end());
    for (std::size_t k = 1; k < cuts.size(); ++k)
      if (cuts[k] - cuts[k - 1] < 1e-6)
        fail(leg, "valve", fmt::format("two valves of vessel '{}' sit at the same place (at = {})", v.name, cuts[k]));
    std::vector<double> fine;
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
      const double piece = (cuts[k + 1] - cuts[k]) * len;
      const int n = std::max(1, static_cast<int>(std::ceil(piece / leg.max_segment_length_m - 1e-9)));
      for (int j = 0; j < n; ++j) fine.push_back(cuts[k] + (cuts[k + 1] - cuts[k]) * j / n);
    }
    fine.push_back(1.0);
    for (std::size_t k = 0; k + 1 < fine.size(); ++k) {
      Segment s;
      s.vessel = static_cast<int>(vi);
      s.piece = static_cast<int>(k);
      s.name = fmt::format("{}.{}", v.name, k);
      s.s0 = fine[k];
      s.s1 = fine[k + 1];
      s.compartment = v.compartment;
      s.center = point_along(v.points, 0.5 * (s.s0 + s.s1));
      s.length_m = (s.s1 - s.s0) * len;
      s.count = v.count;
      s.inv_count = 1.0 / v.count;
      s.area_ref_m2 = vessel_area(v, 0.5 * (s.s0 + s.s1), condition.vessel_diameter_scale[vi]);
      s.volume_ref_m3 = s.area_ref_m2 * s.length_m;
      s.inv_volume_ref = 1.0 / s.volume_ref_m3;
      const auto c = static_cast<std::size_t>(v.compartment);
      s.wall.collapse_Pa = v.collapse_stiffness_Pa > 0 ? v.collapse_stiffness_Pa : leg.collapse_stiffness_Pa[c];
      s.wall.distension_Pa = v.distension_stiffness_Pa > 0 ? v.distension_stiffness_Pa : leg.distension_stiffness_Pa[c];
      // share of the segment's length between ankle and knee (sampled along the centerline)
      constexpr int kSamples = 32;
      int inside = 0;
      for (int q = 0; q < kSamples; ++q) {
        const double z = point_along(v.points, s.s0 + (s.s1 - s.s0) * (q + 0.5) / kSamples)[2];
        inside += (z >= leg.ankle_z && z <= leg.knee_z) ? 1 : 0;
      }
      s.calf_weight = static_cast<double>(inside) / kSamples;
      for (const auto& sq : v.squeezed_by) s.squeezed_by.emplace_back(leg.muscle_index(sq.muscle), sq.share);
      s.compression_Pa = compression_at(leg, condition, s.center[2]) *
                         leg.compression_transmission[static_cast<std::size_t>(v.compartment)];
      vessel_segments[vi].push_back(static_cast<int>(m.segments.size()));
      m.segments.push_back(std::move(s));
    }
  }

  // the segment of a vessel nearest to a point (where a tributary joins it)
  auto nearest_segment = [&](int vi, const Point3& p) {
    const VesselDesc& v = leg.vessels[static_cast<std::size_t>(vi)];
    int best = -1;
    double best_d = std::numeric_limits<double>::max();
    for (int si : vessel_segments[static_cast<std::size_t>(vi)]) {
      const Segment& s = m.segments[static_cast<std::size_t>(si)];
      for (int q = 0; q <= 16; ++q) {
        const double d = distance(p, point_along(v.points, s.s0 + (s.s1 - s.s0) * q / 16.0));
        if (d < best_d) { best_d = d; best = si; }
      }
    }
    return best;
  };
  auto segment_at = [&](int vi, double at) {
    for (int si : vessel_segments[static_cast<std::size_t>(vi)]) {
      const Segment& s = m.segments[static_cast<std::size_t>(si)];
      if (at >= s.s0 && at <= s.s1) return si;
    }
    return vessel_segments[static_cast<std::size_t>(vi)].back();
  };

  // 2. edges: along each vessel, its outlet junction, and its inlet junction (perforators)
  for (std::size_t vi = 0; vi < leg.vessels.size(); ++vi) {
    const VesselDesc& v = leg.vessels[vi];
    const auto& segs = vessel_segments[vi];
    for (std::size_t k = 0; k + 1 < segs.size(); ++k) {
      m.segments[static_cast<std::size_t>(segs[k])].outlet_edge = static_cast<int>(m.edges.size());
      m.edges.push_back({segs[k], segs[k + 1], -1});
    }
    const int last = segs.back();
    m.segments[static_cast<std::size_t>(last)].outlet_edge = static_cast<int>(m.edges.size());
    if (v.to == "right-atrium") {
      m.edges.push_back({last, -1, -1});
    } else {
      const int target = nearest_segment(leg.vessel_index(v.to), v.points.back());
      m.edges.push_back({last, target, -1});
    }
    if (!v.from.empty()) {
      const int source = nearest_segment(leg.vessel_index(v.from), v.points.front());
      m.edges.push_back({source, segs.front(), -1});
    }
  }

  // 3. valves sit on the edge at their cut (or on the outlet junction when at = 1)
  for (std::size_t i = 0; i < leg.valves.size(); ++i) {
    const ValveDesc& vd = leg.valves[i];
    const int vi = leg.vessel_index(vd.vessel);
    const VesselDesc& v = leg.vessels[static_cast<std::size_t>(vi)];
    Valve valve;
    valve.name = vd.name;
    valve.vessel = vi;
    valve.at = vd.at;
    valve.position = point_along(v.points, vd.at);
    valve.area_max_m2 = vessel_area(v, vd.at, condition.vessel_diameter_scale[static_cast<std::size_t>(vi)]);
    valve.incompetence = condition.valve_incompetence[i];
    valve.edge = -1;
    for (int si : vessel_segments[static_cast<std::size_t>(vi)]) {
      const Segment& s = m.segments[static_cast<std::size_t>(si)];
      if (std::abs(s.s1 - vd.at) < 1e-9) valve.edge = s.outlet_edge;
    }
    if (valve.edge < 0) fail(leg, "valve." + vd.name, "valve does not fall on a segment boundary");
    Edge& e = m.edges[static_cast<std::size_t>(valve.edge)];
    if (e.valve >= 0)
      fail(leg, "valve." + vd.name, fmt::format("valve shares its place with valve '{}'",
                                                m.valves[static_cast<std::size_t>(e.valve)].name));
    e.valve = static_cast<int>(m.valves.size());
    m.valves.push_back(std::move(valve));
  }

  // 4. inflow beds: conductance from the resting flow at a venous piezometric pressure equal to
  //    right-atrial pressure (lying at rest: no venoarteriolar reflex, veins continuous to the heart)
  const double drive = leg.mean_arterial_pressure_Pa - leg.right_atrial_pressure_Pa;
  for (std::size_t bi = 0; bi < leg.beds.size(); ++bi) {
    const BedDesc& bd = leg.beds[bi];
    Bed bed{bd.name, bd.label, bd.tissue.empty() ? -1 : leg.muscle_index(bd.tissue), bd.calf_muscle,
            bd.venoarteriolar_reduction, bd.exercise_hyperaemia, {}};
    const double g = bd.resting_flow_m3_s / drive;
    for (const Drain& dn : bd.drains) {
      const int vi = leg.vessel_index(dn.vessel);
      if (dn.at >= 0) {
        bed.links.push_back(static_cast<int>(m.inflows.size()));
        m.inflows.push_back({static_cast<int>(bi), segment_at(vi, dn.at), g * dn.share});
        continue;
      }
      double total = 0;
      for (int si : vessel_segments[static_cast<std::size_t>(vi)]) total += m.segments[static_cast<std::size_t>(si)].length_m;
      for (int si : vessel_segments[static_cast<std::size_t>(vi)]) {
        bed.links.push_back(static_cast<int>(m.inflows.size()));
        m.inflows.push_back({static_cast<int>(bi), si,
                             g * dn.share * m.segments[static_cast<std::size_t>(si)].length_m / total});
      }
    }
    m.beds.push_back(std::move(bed));
  }

  // 5. measuring sites
  for (const SiteDesc& sd : leg.sites) {
    const int vi = leg.vessel_index(sd.vessel);
    if (sd.name == "ankle") m.ankle_site = static_cast<int>(m.sites.size());
    if (sd.name == "dorsal-foot") m.foot_site = static_cast<int>(m.sites.size());
    m.sites.push_back({sd.name, segment_at(vi, sd.at), point_along(leg.vessels[static_cast<std::size_t>(vi)].points, sd.at)});
  }

  // 6. every segment must reach the right atrium, or it would fill without bound
  {
    std::vector<std::vector<int>> adj(m.segments.size());
    std::vector<bool> reach(m.segments.size(), false);
    std::vector<int> stack;
    for (const Edge& e : m.edges) {
      if (e.b < 0) { reach[static_cast<std::size_t>(e.a)] = true; stack.push_back(e.a); continue; }
      adj[static_cast<std::size_t>(e.a)].push_back(e.b);
      adj[static_cast<std::size_t>(e.b)].push_back(e.a);
    }
    while (!stack.empty()) {
      const int s = stack.back();
      stack.pop_back();
      for (int n : adj[static_cast<std::size_t>(s)])
        if (!reach[static_cast<std::size_t>(n)]) { reach[static_cast<std::size_t>(n)] = true; stack.push_back(n); }
    }
    for (std::size_t i = 0; i < m.segments.size(); ++i)
      if (!reach[i]) fail(leg, "vessel." + leg.vessels[static_cast<std::size_t>(m.segments[i].vessel)].name,
                          "vessel is not connected to the outlet (right atrium)");
  }

  std::vector<std::pair<int, int>> couplings;
  for (const Edge& e : m.edges)
    if (e.b >= 0) couplings.emplace_back(e.a, e.b);
  m.solver_pattern.analyze(static_cast<int>(m.segments.size()), couplings);
  for (const Edge& e : m.edges) {
    m.edge_slot.push_back(e.b >= 0 ? m.solver_pattern.slot(e.a, e.b) : -1);
    const Segment& sa = m.segments[static_cast<std::size_t>(e.a)];
    double half_lengths = 0.5 * sa.length_m / sa.count;
    if (e.b >= 0) {
      const Segment& sb = m.segments[static_cast<std::size_t>(e.b)];
      half_lengths += 0.5 * sb.length_m / sb.count;
    }
    m.edge_resistance_coeff.push_back(8.0 * std::numbers::pi * leg.blood_viscosity_Pa_s * half_lengths);
    m.edge_inertance_coeff.push_back(leg.blood_density_kg_m3 * half_lengths);
    m.edge_loss_coeff.push_back(0.0);
    m.edge_occluded.push_back(0);
  }
  // the tourniquet: its cuff pressure (above the ~50 mmHg in a thigh vein standing) flattens the
  // superficial veins under it, closing the junctions between their compartments there
  if (condition.tourniquet_Pa > 0) {
    for (std::size_t k = 0; k < m.edges.size(); ++k) {
      const Edge& e = m.edges[k];
      if (e.b < 0) continue;
      const Segment& sa = m.segments[static_cast<std::size_t>(e.a)];
      const Segment& sb = m.segments[static_cast<std::size_t>(e.b)];
      if (sa.vessel != sb.vessel || sa.compartment != Compartment::Superficial) continue;
      const double z = point_along(leg.vessels[static_cast<std::size_t>(sa.vessel)].points, sa.s1)[2];
      if (under_tourniquet(leg, z)) m.edge_occluded[k] = 1;
    }
  }
  // stenosis losses at the outlet of each narrowed vessel (Young & Tsai 1973, see model.hpp)
  for (std::size_t vi = 0; vi < leg.vessels.size() && !condition.vessel_residual_lumen.empty(); ++vi) {
    const double f = condition.vessel_residual_lumen[vi];
    if (f >= 1.0) continue;
    constexpr double kTurbulentLoss = 1.52;  // K_t, Young & Tsai 1973
    const int last = vessel_segments[vi].back();
    const Segment& s = m.segments[static_cast<std::size_t>(last)];
    const double a0 = s.area_ref_m2 / s.count;  // per vein; the edge loss is taken per vein below
    const double k = (1.0 / f - 1.0);
    m.edge_loss_coeff[static_cast<std::size_t>(s.outlet_edge)] =
        kTurbulentLoss * leg.blood_density_kg_m3 * k * k / (2.0 * a0 * a0 * s.count * s.count);
  }
  return m;
}

}  // namespace calfpump::anatomy
