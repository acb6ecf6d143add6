#include "anatomy/description.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include <fmt/format.h>

#include "anatomy/units.hpp"
#include "toml_reader.hpp"

#ifndef CALFPUMP_DATA_DIR
#error "CALFPUMP_DATA_DIR must be defined by the build"
#endif

namespace calfpump::anatomy {

using detail::TableReader;

const char* compartment_name(Compartment c) {
  switch (c) {
    case Compartment::Intramuscular: return "intramuscular";
    case Compartment::DeepIntermuscular: return "deep-intermuscular";
    case Compartment::Superficial: return "superficial";
    case Compartment::Perforator: return "perforator";
    case Compartment::Central: return "central";
  }
  return "?";
}

const char* body_kind_name(BodyKind k) {
  switch (k) {
    case BodyKind::Bone: return "bone";
    case BodyKind::Muscle: return "muscle";
    case BodyKind::Tendon: return "tendon";
    case BodyKind::Skin: return "skin";
  }
  return "?";
}

int LegDescription::body_index(const std::string& name) const {
  for (std::size_t i = 0; i < bodies.size(); ++i)
    if (bodies[i].name == name) return static_cast<int>(i);
  return -1;
}

int LegDescription::vessel_index(const std::string& name) const {
  for (std::size_t i = 0; i < vessels.size(); ++i)
    if (vessels[i].name == name) return static_cast<int>(i);
  return -1;
}

int LegDescription::muscle_index(const std::string& name) const {
  for (std::size_t i = 0; i < muscles.size(); ++i)
    if (muscles[i].name == name) return static_cast<int>(i);
  return -1;
}

std::filesystem::path data_dir() {
  if (const char* env = std::getenv("CALFPUMP_DATA"); env && *env) return env;
  return CALFPUMP_DATA_DIR;
}

std::filesystem::path default_leg_file() { return data_dir() / "anatomy" / "leg.toml"; }

namespace {

const std::vector<std::string> kCompartments = {"intramuscular", "deep-intermuscular",
                                                "superficial", "perforator", "central"};

Compartment parse_compartment(const std::string& s) {
  for (std::size_t i = 0; i < kCompartments.size(); ++i)
    if (kCompartments[i] == s) return static_cast<Compartment>(i);
  return Compartment::DeepIntermuscular;
}

// names: lowercase words joined by '-', so that they read well in files and on the command line
bool valid_name(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return true;
}

std::string read_name(TableReader& r, std::set<std::string>& seen, const char* what) {
  std::string name = r.string("name");
  if (!valid_name(name))
    r.fail("name", fmt::format("'{}' is not a valid {} name; expected lowercase letters, digits and '-'", name, what));
  if (!seen.insert(name).second) r.fail("name", fmt::format("duplicate {} name '{}'", what, name));
  return name;
}

}  // namespace

LegDescription load_leg_description(const std::filesystem::path& path) {
  const std::string file = path.string();
  toml::table root = detail::parse_toml_file(file);
  TableReader top(root, file, "");
  LegDescription d;
  d.file = path;

  {
    TableReader r(*top.table("landmarks", true), file, "landmarks");
    d.ankle_z = r.number("ankle_z_m", 0.02, 0.3);
    d.calf_z = r.number("calf_z_m", 0.1, 0.6);
    d.knee_z = r.number("knee_z_m", 0.2, 0.8);
    d.hip_z = r.number("hip_z_m", 0.5, 1.3);
    d.heart_z_standing = r.number("heart_z_standing_m", 0.8, 2.0);
    d.heart_z_sitting = r.number("heart_z_sitting_m", 0.5, 1.6);
    r.finish();
    if (!(d.ankle_z < d.calf_z && d.calf_z < d.knee_z && d.knee_z < d.hip_z && d.hip_z < d.heart_z_standing))
      r.fail("ankle_z_m", "landmarks must rise in order: ankle < calf < knee < hip < heart (standing)");
  }
  {
    TableReader r(*top.table("blood", true), file, "blood");
    d.blood_density_kg_m3 = r.number("density_kg_m3", 900, 1200);
    d.blood_viscosity_Pa_s = r.number("viscosity_Pa_s", 1e-3, 1e-2);
    r.finish();
  }
  {
    TableReader r(*top.table("circulation", true), file, "circulation");
    d.mean_arterial_pressure_Pa = mmHg_to_Pa(r.number("mean_arterial_pressure_mmHg", 40, 160));
    d.right_atrial_pressure_Pa = mmHg_to_Pa(r.number("right_atrial_pressure_mmHg", -5, 25));
    r.finish();
  }
  {
    TableReader r(*top.table("compartments", true), file, "compartments");
    for (std::size_t i = 0; i < kCompartments.size(); ++i) {
      TableReader c(*r.table(kCompartments[i], true), file, "compartments." + kCompartments[i]);
      d.collapse_stiffness_Pa[i] = c.number("collapse_stiffness_Pa", 0.5, 5000);
      d.distension_stiffness_Pa[i] = c.number("distension_stiffness_Pa", 100, 1e6);
      d.compression_transmission[i] = c.number("compression_transmission", 0, 1);
      c.finish();
    }
    r.finish();
  }
  {
    TableReader r(*top.table("valve_dynamics", true), file, "valve_dynamics");
    d.valve_open_rate_per_Pa_s = r.number("open_rate_per_Pa_s", 1e-5, 10);
    d.valve_close_rate_per_Pa_s = r.number("close_rate_per_Pa_s", 1e-5, 10);
    d.valve_closed_threshold = r.number("closed_threshold", 0, 0.1);
    r.finish();
  }
  if (const toml::table* t = top.table("microcirculation", false)) {
    TableReader r(*t, file, "microcirculation");
    auto& mc = d.microcirculation;
    mc.var_onset_Pa = mmHg_to_Pa(r.number("venoarteriolar_onset_mmHg", 0, 100));
    mc.var_full_Pa = mmHg_to_Pa(r.number("venoarteriolar_full_mmHg", 0, 150));
    if (mc.var_full_Pa <= mc.var_onset_Pa) r.fail("venoarteriolar_full_mmHg", "must be above venoarteriolar_onset_mmHg");
    mc.var_time_constant_s = r.number("venoarteriolar_time_constant_s", 0.1, 120);
    mc.hyperaemia_rise_s = r.number("hyperaemia_rise_s", 0.1, 300);
    mc.hyperaemia_decay_s = r.number("hyperaemia_decay_s", 0.1, 600);
    r.finish();
  } else {
    d.microcirculation = {mmHg_to_Pa(25), mmHg_to_Pa(50), 5.0, 5.0, 30.0};
  }
  {
    TableReader r(*top.table("numerics", true), file, "numerics");
    d.max_segment_length_m = r.number("max_segment_length_m", 0.01, 1.0);
    r.finish();
  }

  std::set<std::string> muscle_names;
  for (const toml::table* t : top.tables("muscle", true)) {
    TableReader r(*t, file, "muscle");
    MuscleDesc m;
    m.name = read_name(r, muscle_names, "muscle");
    m.label = r.string("label", m.name);
    m.rest_pressure_Pa = mmHg_to_Pa(r.number("rest_pressure_mmHg", 0, 60));
    m.max_pressure_Pa = mmHg_to_Pa(r.number("max_pressure_mmHg", 0, 400));
    if (m.max_pressure_Pa < m.rest_pressure_Pa)
      r.fail("max_pressure_mmHg", "must not be below rest_pressure_mmHg");
    m.standing_activation = r.number("standing_activation", 0, 1, 0.0);
    m.gait_peak_activation = r.number("gait_peak_activation", 0, 1, 0.0);
    m.gait_windows = r.intervals("gait_windows", 0, 1);
    m.raise_activation = r.number("raise_activation", 0, 1, 0.0);
    m.plantar_flexor = r.boolean("plantar_flexor", false);
    m.dorsiflexor = r.boolean("dorsiflexor", false);
    r.finish();
    d.muscles.push_back(std::move(m));
  }

  std::set<std::string> vessel_names;
  std::vector<const toml::table*> vessel_tables = top.tables("vessel", true);
  for (const toml::table* t : vessel_tables) {
    TableReader r(*t, file, "vessel");
    VesselDesc v;
    v.name = read_name(r, vessel_names, "vessel");
    v.label = r.string("label", v.name);
    v.compartment = parse_compartment(r.choice("compartment", kCompartments));
    v.count = static_cast<int>(r.integer("count", 1, 4, 1));
    v.diameter_m = r.number("diameter_mm", 0.5, 40) * 1e-3;
    v.diameter_end_m = r.number("diameter_end_mm", 0.5, 40, v.diameter_m * 1e3) * 1e-3;
    v.points = r.points("points", -1.0, 2.0);
    if (v.points.size() < 2) r.fail("points", "expected at least two centerline points");
    for (std::size_t k = 1; k < v.points.size(); ++k) {
      double dx = v.points[k][0] - v.points[k - 1][0], dy = v.points[k][1] - v.points[k - 1][1],
             dz = v.points[k][2] - v.points[k - 1][2];
      if (dx * dx + dy * dy + dz * dz < 1e-8) r.fail("points", fmt::format("points {} and {} coincide", k - 1, k));
    }
    v.from = r.string("from", std::string());
    v.to = r.string("to");
    v.collapse_stiffness_Pa = r.number("collapse_stiffness_Pa", 0.5, 5000, 0.0);
    v.distension_stiffness_Pa = r.number("distension_stiffness_Pa", 100, 1e6, 0.0);
    if (const toml::table* sq = r.table("squeezed_by", false)) {
      for (auto&& [k, node] : *sq) {
        Squeeze s;
        s.muscle = std::string(k.str());
        auto f = node.as_floating_point();
        auto i = node.as_integer();
        if (!f && !i) r.fail_at(node, "squeezed_by." + s.muscle, "expected a share in [0, 1]");
        s.share = f ? f->get() : static_cast<double>(i->get());
        if (!(s.share >= 0 && s.share <= 1)) r.fail_at(node, "squeezed_by." + s.muscle, "expected a share in [0, 1]");
        if (d.muscle_index(s.muscle) < 0)
          r.fail_at(node, "squeezed_by." + s.muscle, fmt::format("unknown muscle '{}'", s.muscle));
        v.squeezed_by.push_back(s);
      }
    }
    r.finish();
    d.vessels.push_back(std::move(v));
  }
  // connections refer to vessels defined anywhere in the file
  int outlets = 0;
  for (std::size_t i = 0; i < d.vessels.size(); ++i) {
    TableReader r(*vessel_tables[i], file, "vessel");
    const VesselDesc& v = d.vessels[i];
    if (v.to == "right-atrium") {
      ++outlets;
    } else if (d.vessel_index(v.to) < 0 || v.to == v.name) {
      r.fail("to", fmt::format("unknown vessel '{}'; expected a vessel name or 'right-atrium'", v.to));
    }
    if (!v.from.empty() && (d.vessel_index(v.from) < 0 || v.from == v.name))
      r.fail("from", fmt::format("unknown vessel '{}'", v.from));
  }
  if (outlets != 1)
    top.fail("vessel", fmt::format("expected exactly one vessel draining to 'right-atrium', found {}", outlets));

  std::set<std::string> valve_names;
  for (const toml::table* t : top.tables("valve", true)) {
    TableReader r(*t, file, "valve");
    ValveDesc v;
    v.name = read_name(r, valve_names, "valve");
    v.vessel = r.string("vessel");
    if (d.vessel_index(v.vessel) < 0) r.fail("vessel", fmt::format("unknown vessel '{}'", v.vessel));
    v.at = r.number("at", 0.0, 1.0);
    if (v.at <= 0.0) r.fail("at", "a valve must lie past the start of its vessel (at > 0)");
    r.finish();
    d.valves.push_back(std::move(v));
  }

  std::set<std::string> bed_names;
  for (const toml::table* t : top.tables("bed", true)) {
    TableReader r(*t, file, "bed");
    BedDesc b;
    b.name = read_name(r, bed_names, "bed");
    b.label = r.string("label", b.name);
    b.resting_flow_m3_s = ml_to_m3(r.number("resting_flow_ml_min", 0, 2000)) / 60.0;
    b.tissue = r.string("tissue", std::string());
    if (!b.tissue.empty() && d.muscle_index(b.tissue) < 0)
      r.fail("tissue", fmt::format("unknown muscle '{}'", b.tissue));
    b.calf_muscle = r.boolean("calf_muscle", false);
    b.venoarteriolar_reduction = r.number("venoarteriolar_reduction", 0, 0.9, 0.0);
    b.exercise_hyperaemia = r.number("exercise_hyperaemia", 0, 20, 0.0);
    if (b.exercise_hyperaemia > 0 && b.tissue.empty())
      r.fail("exercise_hyperaemia", "a bed with exercise hyperaemia needs the 'tissue' (muscle) whose work drives it");
    double total = 0;
    for (const toml::table* dt : r.tables("drains", true)) {
      TableReader dr(*dt, file, "bed.drains");
      Drain dn;
      dn.vessel = dr.string("vessel");
      if (d.vessel_index(dn.vessel) < 0) dr.fail("vessel", fmt::format("unknown vessel '{}'", dn.vessel));
      dn.share = dr.number("share", 0, 1);
      dn.at = dr.number("at", 0, 1, -1.0);
      dr.finish();
      total += dn.share;
      b.drains.push_back(dn);
    }
    if (std::abs(total - 1.0) > 1e-6)
      r.fail("drains", fmt::format("drain shares add up to {}; expected 1", total));
    r.finish();
    d.beds.push_back(std::move(b));
  }

  if (const toml::table* st = top.table("sites", true)) {
    for (auto&& [k, node] : *st) {
      const std::string key = "sites." + std::string(k.str());
      auto t = node.as_table();
      if (!t) top.fail_at(node, key, "expected a table { vessel = \"...\", at = ... }");
      TableReader r(*t, file, key);
      SiteDesc s;
      s.name = std::string(k.str());
      s.vessel = r.string("vessel");
      if (d.vessel_index(s.vessel) < 0) r.fail("vessel", fmt::format("unknown vessel '{}'", s.vessel));
      s.at = r.number("at", 0, 1);
      r.finish();
      d.sites.push_back(s);
    }
    bool has_ankle = false;
    for (const auto& s : d.sites) has_ankle |= s.name == "ankle";
    if (!has_ankle) top.fail("sites", "expected a site named 'ankle' (where ankle venous pressure is read)");
  }
  std::set<std::string> body_names;
  int skins = 0;
  for (const toml::table* t : top.tables("body", true)) {
    TableReader r(*t, file, "body");
    BodyDesc b;
    b.name = read_name(r, body_names, "body");
    b.label = r.string("label", b.name);
    const std::string kind = r.choice("kind", {"bone", "muscle", "tendon", "skin"});
    b.kind = kind == "muscle" ? BodyKind::Muscle : kind == "tendon" ? BodyKind::Tendon
           : kind == "skin"   ? BodyKind::Skin   : BodyKind::Bone;
    skins += b.kind == BodyKind::Skin ? 1 : 0;
    if (b.kind == BodyKind::Muscle) {
      b.muscle = r.string("muscle", std::string());
      if (!b.muscle.empty() && d.muscle_index(b.muscle) < 0) r.fail("muscle", fmt::format("unknown muscle '{}'", b.muscle));
      b.shortening = r.number("shortening", 0.0, 0.3);
    }
    if (b.kind == BodyKind::Tendon) {
      if (const toml::node* n = r.raw().get("follows")) {
        r.accept("follows");
        const auto* arr = n->as_array();
        if (!arr) r.fail("follows", "expected an array of muscle body names");
        for (const toml::node& e : *arr) {
          const auto* name = e.as_string();
          if (!name) r.fail_at(e, "follows", "expected a muscle body name (a string)");
          const int mb = d.body_index(name->get());
          if (mb < 0 || d.bodies[std::size_t(mb)].kind != BodyKind::Muscle)
            r.fail_at(e, "follows", fmt::format("'{}' is not a muscle body defined above", name->get()));
          b.follows.push_back(name->get());
        }
      }
    }
    for (const toml::table* st : r.tables("sweep", true)) {
      TableReader sr(*st, file, "body.sweep");
      SweepDesc sw;
      sw.axis = sr.points("axis", -1.0, 2.0);
      if (sw.axis.size() < 2) sr.fail("axis", "expected at least two axis points");
      // half-width and half-depth of the cross-section, from a few mm (tendons) to a thigh
      sw.radius_m = sr.intervals_any("radius_mm", 1.0, 200.0);
      if (sw.radius_m.size() != sw.axis.size())
        sr.fail("radius_mm", fmt::format("expected one [half-width, half-depth] per axis point ({}), found {}",
                                         sw.axis.size(), sw.radius_m.size()));
      for (auto& rr : sw.radius_m) rr = {rr[0] * 1e-3, rr[1] * 1e-3};
      sr.finish();
      b.sweeps.push_back(std::move(sw));
    }
    r.finish();
    d.bodies.push_back(std::move(b));
  }
  if (skins != 1) top.fail("body", fmt::format("expected exactly one body of kind 'skin', found {}", skins));

  if (const toml::table* lt = top.table("landmark_points", false)) {
    TableReader r(*lt, file, "landmark_points");
    for (auto&& [k, node] : *lt) {
      const std::string name(k.str());
      d.landmark_points.emplace_back(name, r.point(name, -1.0, 2.0));
    }
    r.finish();
  }
  if (const toml::table* jt = top.table("joints", false)) {
    TableReader r(*jt, file, "joints");
    JointMotionDesc& j = d.joints;
    j.present = true;
    auto joint = [&](const std::string& name, JointDesc& out, bool below) {
      TableReader jr(*r.table(name, true), file, "joints." + name);
      out.centre = jr.point("centre", -1.0, 2.0);
      const Point3 a = jr.point("axis", -1.0, 1.0, "a direction's components");
      const double len = std::sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
      if (len < 0.5) jr.fail("axis", "expected a direction of about unit length");
      out.axis = {a[0] / len, a[1] / len, a[2] / len};
      out.moves_below = below;
      const auto blend = jr.numbers("blend_mm", -200.0, 200.0);
      if (blend.size() != 2 || !(blend[0] < blend[1]))
        jr.fail("blend_mm", "expected [from, to]: two heights above the centre (mm), from < to");
      out.blend_from_m = blend[0] * 1e-3;
      out.blend_to_m = blend[1] * 1e-3;
      if (const toml::node* n = jr.raw().get("bones")) {
        jr.accept("bones");
        const auto* arr = n->as_array();
        if (!arr) jr.fail("bones", "expected an array of bone body names");
        for (const toml::node& e : *arr) {
          const auto* bn = e.as_string();
          const int bi = bn ? d.body_index(bn->get()) : -1;
          if (bi < 0 || d.bodies[std::size_t(bi)].kind != BodyKind::Bone)
            jr.fail_at(e, "bones", "expected the name of a bone body defined above");
          out.bones.push_back(bn->get());
        }
      }
      jr.finish();
    };
    joint("ankle", j.ankle, true);
    joint("knee", j.knee, false);
    if (j.ankle.centre[2] + j.ankle.blend_to_m >= j.knee.centre[2] + j.knee.blend_from_m)
      r.fail("knee", "the ankle's and the knee's blend bands overlap; each point may turn with one joint only");
    for (const auto& b : j.ankle.bones)
      if (std::find(j.knee.bones.begin(), j.knee.bones.end(), b) != j.knee.bones.end())
        r.fail("knee", fmt::format("bone '{}' cannot move with both the foot and the thigh", b));
    // sagittal joint angles stay within the adult active range of motion
    j.gait_ankle_deg = r.numbers("gait_ankle_deg", -60, 40);
    j.gait_knee_deg = r.numbers("gait_knee_deg", -10, 140);
    if (j.gait_ankle_deg.size() < 5) r.fail("gait_ankle_deg", "expected at least 5 values over the gait cycle");
    if (j.gait_knee_deg.size() != j.gait_ankle_deg.size())
      r.fail("gait_knee_deg", fmt::format("expected as many values as gait_ankle_deg ({})", j.gait_ankle_deg.size()));
    if (std::abs(j.gait_ankle_deg.front() - j.gait_ankle_deg.back()) > 1e-9)
      r.fail("gait_ankle_deg", "expected the cycle to close: the last value equal to the first");
    if (std::abs(j.gait_knee_deg.front() - j.gait_knee_deg.back()) > 1e-9)
      r.fail("gait_knee_deg", "expected the cycle to close: the last value equal to the first");
    j.raise_ankle_deg = r.number("raise_ankle_deg", -60, 0);
    j.forefoot_contact = r.point("forefoot_contact", -1.0, 1.0);
    j.pump_plantar_deg = r.number("pump_plantar_deg", -60, 0);
    j.pump_dorsi_deg = r.number("pump_dorsi_deg", 0, 40);
    j.ramp_s = r.number("ramp_s", 0, 5);
    r.finish();
  }

  top.finish();
  return d;
}

}  // namespace calfpump::anatomy
