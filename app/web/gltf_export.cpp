#include "web/gltf_export.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "anatomy/deform.hpp"
#include "anatomy/error.hpp"
#include "anatomy/geometry_io.hpp"
#include "anatomy/gltf.hpp"
#include "anatomy/particles.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/simulation.hpp"
#include "app/loop.hpp"
#include "commands.hpp"

namespace calfpump::app {

using namespace calfpump::anatomy;
namespace fs = std::filesystem;

namespace {

// Surfaces for a web page: within a millimetre of the built ones (under a pixel of a leg 700
// pixels high), at most a tenth of their triangles.
constexpr float kSimplifyErrorM = 0.001f;
constexpr std::size_t kSimplifyReduction = 10;
// Vein rings kept: every fourth (16 mm apart on the 4 mm rings the build makes), and the last.
constexpr int kVeinRingStride = 4;
// The particle transport's step, as a 30 fps video advances it.
constexpr double kParticleStep_s = 1.0 / 30.0;
// Beads: a little smaller than the smallest vein's radius, so they show inside the wall.
constexpr double kBeadRadiusM = 0.0016;

// One structure as exported: which of its vertices it keeps, and its triangles over them.
struct Piece {
  std::size_t structure = 0;
  std::vector<std::uint32_t> keep;     // the structure's vertex indices, in the order written
  std::vector<std::uint32_t> indices;  // triangles over `keep`
};

// A vein tube's rings, every kVeinRingStride-th of them, with the tube's caps; empty when the
// mesh does not have the build's ring layout (then it is simplified like any surface)
std::vector<std::uint32_t> vein_rings(const StructureMesh& s) {
  // rings by (tube, t), each with its vertices by angle; caps (radial 0) by (tube, end)
  std::map<std::pair<int, float>, std::vector<std::pair<float, std::uint32_t>>> rings;
  std::map<std::pair<int, int>, std::uint32_t> caps;
  for (std::uint32_t v = 0; v < s.vertex_count(); ++v) {
    const float* a = &s.attributes[std::size_t(v) * kAttributeCount];
    const int tube = int(a[3]);
    if (a[4] > 0.5f) rings[{tube, a[1]}].emplace_back(a[2], v);
    else caps[{tube, a[1] < 0.5f ? 0 : 1}] = v;
  }
  std::map<int, std::vector<const std::vector<std::pair<float, std::uint32_t>>*>> tubes;
  for (auto& [key, ring] : rings) {
    if (ring.size() != std::size_t(kVeinRing)) return {};
    std::sort(ring.begin(), ring.end());
    tubes[key.first].push_back(&ring);
  }
  std::vector<std::uint32_t> out;
  for (const auto& [tube, all] : tubes) {
    if (all.size() < 2 || !caps.count({tube, 0}) || !caps.count({tube, 1})) return {};
    std::vector<const std::vector<std::pair<float, std::uint32_t>>*> kept;
    for (std::size_t k = 0; k < all.size(); ++k)
      if (k % kVeinRingStride == 0 || k + 1 == all.size()) kept.push_back(all[k]);
    auto at = [&](std::size_t k, int j) { return (*kept[k])[std::size_t(j % kVeinRing)].second; };
    // the build's winding: counter-clockwise seen from outside
    for (std::size_t k = 0; k + 1 < kept.size(); ++k)
      for (int j = 0; j < kVeinRing; ++j) out.insert(out.end(), {at(k, j), at(k, j + 1), at(k + 1, j), at(k, j + 1), at(k + 1, j + 1), at(k + 1, j)});
    const std::uint32_t c0 = caps[{tube, 0}], c1 = caps[{tube, 1}];
    for (int j = 0; j < kVeinRing; ++j) {
      out.insert(out.end(), {c0, at(0, j + 1), at(0, j)});
      out.insert(out.end(), {c1, at(kept.size() - 1, j), at(kept.size() - 1, j + 1)});
    }
  }
  return out;
}

// Valve leaflets with every other column of their grid (along the attachment), rows whole (wall
// to free edge, the direction in which they open); empty when the mesh does not have the build's
// grid layout
std::vector<std::uint32_t> leaflet_columns(const StructureMesh& s) {
  // grids by (valve, tube, leaflet): vertices by (u, v)
  std::map<std::array<int, 3>, std::map<std::pair<float, float>, std::uint32_t>> grids;
  for (std::uint32_t v = 0; v < s.vertex_count(); ++v) {
    const float* a = &s.attributes[std::size_t(v) * kAttributeCount];
    grids[{int(a[0]), int(a[4]), int(a[1])}][{a[2], a[3]}] = v;
  }
  std::vector<std::uint32_t> out;
  for (const auto& [key, grid] : grids) {
    std::vector<float> us, vs;
    for (const auto& [uv, v] : grid) {
      if (us.empty() || us.back() != uv.first) us.push_back(uv.first);
      if (std::find(vs.begin(), vs.end(), uv.second) == vs.end()) vs.push_back(uv.second);
    }
    std::sort(vs.begin(), vs.end());
    if (us.size() < 3 || vs.size() < 2 || grid.size() != us.size() * vs.size()) return {};
    std::vector<float> keep;
    for (std::size_t i = 0; i < us.size(); ++i)
      if (i % 2 == 0 || i + 1 == us.size()) keep.push_back(us[i]);
    auto at = [&](std::size_t i, std::size_t j) { return grid.at({keep[i], vs[j]}); };
    for (std::size_t i = 0; i + 1 < keep.size(); ++i)
      for (std::size_t j = 0; j + 1 < vs.size(); ++j)  // the build's winding
        out.insert(out.end(), {at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j), at(i + 1, j + 1), at(i, j + 1)});
  }
  return out;
}

Piece make_piece(const StructureMesh& s, std::size_t si) {
  std::vector<std::uint32_t> tri;
  if (s.kind == StructureKind::Vein) tri = vein_rings(s);
  if (s.kind == StructureKind::Valve) tri = leaflet_columns(s);
  if (tri.empty()) tri = simplified_indices(s, kSimplifyErrorM, kSimplifyReduction);
  Piece p;
  p.structure = si;
  std::vector<std::int64_t> slot(s.vertex_count(), -1);
  for (std::uint32_t v : tri) {
    if (slot[v] < 0) {
      slot[v] = std::int64_t(p.keep.size());
      p.keep.push_back(v);
    }
    p.indices.push_back(std::uint32_t(slot[v]));
  }
  return p;
}

// a sphere of 80 triangles (a subdivided icosahedron) for the beads
gltf::Primitive bead_primitive(int material) {
  const double g = (1 + std::sqrt(5.0)) / 2;
  std::vector<std::array<double, 3>> v = {{-1, g, 0}, {1, g, 0}, {-1, -g, 0}, {1, -g, 0}, {0, -1, g}, {0, 1, g},
                                          {0, -1, -g}, {0, 1, -g}, {g, 0, -1}, {g, 0, 1}, {-g, 0, -1}, {-g, 0, 1}};
  std::vector<std::array<std::uint32_t, 3>> f = {{0, 11, 5}, {0, 5, 1}, {0, 1, 7}, {0, 7, 10}, {0, 10, 11}, {1, 5, 9}, {5, 11, 4},
                                                 {11, 10, 2}, {10, 7, 6}, {7, 1, 8}, {3, 9, 4}, {3, 4, 2}, {3, 2, 6}, {3, 6, 8},
                                                 {3, 8, 9}, {4, 9, 5}, {2, 4, 11}, {6, 2, 10}, {8, 6, 7}, {9, 8, 1}};
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> mid;
  auto middle = [&](std::uint32_t a, std::uint32_t b) {
    const auto key = std::minmax(a, b);
    if (auto it = mid.find(key); it != mid.end()) return it->second;
    v.push_back({(v[a][0] + v[b][0]) / 2, (v[a][1] + v[b][1]) / 2, (v[a][2] + v[b][2]) / 2});
    return mid[key] = std::uint32_t(v.size() - 1);
  };
  std::vector<std::array<std::uint32_t, 3>> finer;
  for (const auto& t : f) {
    const std::uint32_t a = middle(t[0], t[1]), b = middle(t[1], t[2]), c = middle(t[2], t[0]);
    finer.insert(finer.end(), {{t[0], a, c}, {t[1], b, a}, {t[2], c, b}, {a, b, c}});
  }
  gltf::Primitive p;
  gltf::Attribute pos{"POSITION", 3, {}}, nrm{"NORMAL", 3, {}};
  for (const auto& q : v) {
    const double len = std::sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
    for (int k = 0; k < 3; ++k) {
      nrm.values.push_back(float(q[std::size_t(k)] / len));
      pos.values.push_back(float(kBeadRadiusM * q[std::size_t(k)] / len));
    }
  }
  p.attributes = {std::move(pos), std::move(nrm)};
  for (const auto& t : finer) p.indices.insert(p.indices.end(), t.begin(), t.end());
  p.material = material;
  return p;
}

// One leg's run: its scenario, model, simulation, deformation and blood, at stable addresses
// (the simulation and the deformer hold references to the model and the rest geometry).
struct LegRun {
  Scenario scenario;
  Model model;
  LegGeometry rest, now;
  std::unique_ptr<Deformer> deformer;
  std::unique_ptr<Simulation> sim;
  std::unique_ptr<ParticleTransport> blood;
  // per frame: per moving piece, its displacements; per bead, its place (or none while waiting)
  std::vector<std::vector<std::vector<float>>> moves, turns;
  std::vector<std::vector<std::optional<Point3>>> beads;
};

// the default start: 20 s into the activity, where the pump has reached its steady rhythm
double default_start(const Scenario& sc) {
  if (sc.activity.kind == ActivityKind::Still) return 0.0;
  return std::min(sc.activity_start_s + 20.0, std::max(0.0, sc.duration_s - 4.0));
}

}  // namespace

int cmd_export_gltf(const GltfExportOptions& o) {
  return guarded([&] {
    const fs::path out = o.out;
    if (out.extension() != ".glb") throw ConfigError(o.out, 0, 0, "--gltf", "expected a .glb file (binary glTF)");
    std::error_code ec;
    if (!out.parent_path().empty() && !fs::is_directory(out.parent_path(), ec))
      throw ConfigError(o.out, 0, 0, "--gltf", fmt::format("no such folder: {}", out.parent_path().string()));
    const double fps = o.fps.value_or(10.0);
    if (!(fps > 0 && fps <= 60)) throw ConfigError("--fps", 0, 0, "", fmt::format("{} frames per second; 0 < fps <= 60 for a glTF clip", fps));
    if (o.beads > 5000) throw ConfigError("--beads", 0, 0, "", fmt::format("{} beads per leg; at most 5000 (each is a node a viewer animates)", o.beads));

    const LegDescription leg = load_leg_description(default_leg_file());
    const LegGeometry rest = read_leg_glb(default_leg_mesh());
    check_leg_geometry(rest, leg, default_leg_mesh().string());
    std::vector<std::unique_ptr<LegRun>> legs;
    for (const std::string& name : {o.scenario, o.compare}) {
      if (name.empty()) continue;
      auto r = std::make_unique<LegRun>();
      r->scenario = load_scenario(resolve_scenario(name), leg);
      r->model = build_model(leg, r->scenario.condition);
      r->rest = rest;
      r->now = rest;
      legs.push_back(std::move(r));
    }
    const double start = o.start_s.value_or(default_start(legs[0]->scenario));
    double duration = o.duration_s.value_or(4.0);
    if (!(duration > 0)) throw ConfigError("--duration", 0, 0, "", "the clip needs a length above 0 s");
    std::vector<const Scenario*> scenarios;
    for (const auto& l : legs) scenarios.push_back(&l->scenario);
    if (o.loop) duration = whole_cycles(scenarios, start, duration, "--loop");
    for (const auto& l : legs)
      if (start + duration > l->scenario.duration_s + 1e-9)
        throw ConfigError("--duration", 0, 0, "",
                          fmt::format("{} s from {} s runs past the end of '{}' ({} s)", duration, start, l->scenario.name, l->scenario.duration_s));
    // frames: k / fps for k = 0 .. count - 1; a loop's frames lie before its length (whole
    // cycles, which need not be whole frames), and its last key is its first frame again, at the
    // length exactly
    const auto count = static_cast<std::size_t>(o.loop ? std::floor(duration * fps - 1e-9) + 1 : std::floor(duration * fps + 1e-9) + 1);
    if (count < 2) throw ConfigError("--duration", 0, 0, "", "the clip holds fewer than two frames; give a longer --duration or more --fps");
    if (count > 600) throw ConfigError("--duration", 0, 0, "", fmt::format("{} frames; at most 600 (a web page carries that many morph targets)", count));

    // the pieces: the same for every leg, from the same rest geometry
    std::vector<Piece> pieces;
    for (std::size_t si = 0; si < rest.structures.size(); ++si) pieces.push_back(make_piece(rest.structures[si], si));
    auto moves = [&](const Piece& p) { return rest.structures[p.structure].kind != StructureKind::Bone; };

    // run each leg, frame by frame
    for (auto& l : legs) {
      l->deformer = std::make_unique<Deformer>(l->model, l->rest);
      l->sim = std::make_unique<Simulation>(l->model, l->scenario.schedule());
      l->sim->run_until(start);
      l->blood = std::make_unique<ParticleTransport>(l->model, l->sim->state(), o.beads);
      double t = start;
      for (std::size_t k = 0; k < count; ++k) {
        const double target = start + double(k) / fps;
        while (t < target - 1e-9) {  // the blood moves in video-frame steps, as on the GPU
          const double step = std::min(kParticleStep_s, target - t);
          t += step;
          l->sim->run_until(t);
          l->blood->advance(l->sim->state(), step);
        }
        l->sim->run_until(target);
        const State& st = l->sim->state();
        l->deformer->apply(st, l->now);
        std::vector<std::vector<float>> dp, dn;
        for (const Piece& p : pieces) {
          if (!moves(p)) continue;
          const StructureMesh &r = l->rest.structures[p.structure], &n = l->now.structures[p.structure];
          std::vector<float> d, e;
          d.reserve(3 * p.keep.size());
          e.reserve(3 * p.keep.size());
          for (std::uint32_t v : p.keep)
            for (int c = 0; c < 3; ++c) {
              d.push_back(n.positions[3 * v + std::size_t(c)] - r.positions[3 * v + std::size_t(c)]);
              e.push_back(std::clamp(n.normals[3 * v + std::size_t(c)] - r.normals[3 * v + std::size_t(c)], -1.0f, 1.0f));
            }
          dp.push_back(std::move(d));
          dn.push_back(std::move(e));
        }
        l->moves.push_back(std::move(dp));
        l->turns.push_back(std::move(dn));
        std::vector<std::optional<Point3>> places;
        // beads in the leg's veins; those in the veins above it (no surface drawn) wait unseen
        for (const Particle& p : l->blood->particles()) {
          const bool in_leg = p.segment >= 0 && l->model.segments[std::size_t(p.segment)].compartment != Compartment::Central;
          places.push_back(in_leg ? l->deformer->particle_place(st, p) : std::nullopt);
        }
        l->beads.push_back(std::move(places));
      }
    }

    // the document
    gltf::Document doc;
    doc.generator = "CalfPump";
    std::array<int, 6> material{};
    for (StructureKind k : {StructureKind::Bone, StructureKind::Muscle, StructureKind::Tendon, StructureKind::Skin, StructureKind::Vein,
                            StructureKind::Valve}) {
      material[std::size_t(k)] = int(doc.materials.size());
      doc.materials.push_back(gltf::tissue_material(k));
    }
    gltf::Material blood_material;
    blood_material.name = "blood";
    blood_material.base_colour = {gltf::srgb_to_linear(0.62f), gltf::srgb_to_linear(0.03f), gltf::srgb_to_linear(0.06f), 1.0f};
    blood_material.roughness = 0.3f;
    const int blood = int(doc.materials.size());
    doc.materials.push_back(blood_material);
    const int bead_mesh = int(doc.meshes.size());
    doc.meshes.push_back({"bead", {bead_primitive(blood)}, {}, {}});

    // key times: the frames, and for a loop the first frame again at the clip's end
    std::vector<float> times;
    for (std::size_t k = 0; k < count; ++k) times.push_back(float(double(k) / fps));
    const float end_time = float(o.loop ? duration : double(count - 1) / fps);
    if (o.loop) times.push_back(end_time);
    const std::size_t keys = times.size();
    // the weights: frame k's target alone at key k
    std::vector<float> weights(keys * count, 0.0f);
    for (std::size_t k = 0; k < keys; ++k) weights[k * count + (k < count ? k : 0)] = 1.0f;
    std::vector<float> first(count, 0.0f);
    first[0] = 1.0f;
    std::vector<std::string> names;
    for (std::size_t k = 0; k < count; ++k) names.push_back(fmt::format("t={:.2f}s", start + double(k) / fps));

    gltf::Animation anim;
    anim.name = legs.size() > 1 ? fmt::format("{} and {}", legs[0]->scenario.name, legs[1]->scenario.name) : legs[0]->scenario.name;
    std::vector<int> bone_mesh(pieces.size(), -1);  // bones are shared by the legs
    for (std::size_t li = 0; li < legs.size(); ++li) {
      const LegRun& l = *legs[li];
      gltf::Node root;
      root.name = l.scenario.name;
      root.rotation = gltf::kLegToGltf;
      // side by side, seen from behind (glTF +Z is the leg's posterior): the first on the left
      if (legs.size() > 1) root.translation = std::array<float, 3>{li == 0 ? -0.11f : 0.11f, 0.0f, 0.0f};
      std::size_t moving = 0;
      for (std::size_t pi = 0; pi < pieces.size(); ++pi) {
        const Piece& p = pieces[pi];
        const StructureMesh& s = rest.structures[p.structure];
        const std::string name = fmt::format("{}:{}", structure_kind_name(s.kind), s.name);
        int mesh = bone_mesh[pi];
        if (mesh < 0) {
          gltf::Primitive prim;
          gltf::Attribute pos{"POSITION", 3, {}}, nrm{"NORMAL", 3, {}};
          for (std::uint32_t v : p.keep)
            for (int c = 0; c < 3; ++c) {
              pos.values.push_back(s.positions[3 * v + std::size_t(c)]);
              nrm.values.push_back(s.normals[3 * v + std::size_t(c)]);
            }
          prim.attributes = {std::move(pos), std::move(nrm)};
          prim.indices = p.indices;
          prim.material = material[std::size_t(s.kind)];
          gltf::Mesh m{name, {}, {}, {}};
          if (moves(p)) {
            for (std::size_t k = 0; k < count; ++k) {
              gltf::MorphTarget t;
              t.attributes.push_back({"POSITION", 3, l.moves[k][moving], gltf::Storage::Normalized16});
              // the shading of a bulge follows its normals; veins and leaflets are too small at
              // a page's scale for theirs to show, and would add a third to the file
              if (s.kind == StructureKind::Muscle || s.kind == StructureKind::Skin || s.kind == StructureKind::Tendon)
                t.attributes.push_back({"NORMAL", 3, l.turns[k][moving], gltf::Storage::Normalized8});
              prim.targets.push_back(std::move(t));
            }
            m.weights = first;
            m.target_names = names;
          }
          m.primitives.push_back(std::move(prim));
          mesh = int(doc.meshes.size());
          doc.meshes.push_back(std::move(m));
          if (!moves(p)) bone_mesh[pi] = mesh;
        }
        const int node = int(doc.nodes.size());
        doc.nodes.push_back({name, mesh, {}, {}, {}, {}});
        root.children.push_back(node);
        if (moves(p)) {
          anim.samplers.push_back({times, weights, int(count), false});
          anim.channels.push_back({int(anim.samplers.size()) - 1, node, "weights"});
          ++moving;
        }
      }
      // the beads: translation along with their particles; hidden (scale 0) while waiting
      for (std::size_t b = 0; b < o.beads; ++b) {
        std::vector<std::optional<Point3>> at;
        for (std::size_t k = 0; k < count; ++k) at.push_back(l.beads[k][b]);
        // a waiting bead stays where it left; before it first shows, where it first shows
        std::optional<Point3> last;
        for (auto& a : at) {
          if (a) last = a;
          else a = last;
        }
        std::optional<Point3> next;
        for (std::size_t k = count; k-- > 0;) {
          if (l.beads[k][b]) next = l.beads[k][b];
          if (!at[k]) at[k] = next;
        }
        gltf::Node bead;
        bead.name = fmt::format("blood:{}", b);
        bead.mesh = bead_mesh;
        if (!at[0]) {  // never in the leg during the clip
          bead.scale = std::array<float, 3>{0, 0, 0};
          bead.translation = std::array<float, 3>{0, 0, 0};
          root.children.push_back(int(doc.nodes.size()));
          doc.nodes.push_back(std::move(bead));
          continue;
        }
        bead.translation = std::array<float, 3>{float((*at[0])[0]), float((*at[0])[1]), float((*at[0])[2])};
        const int node = int(doc.nodes.size());
        root.children.push_back(node);
        doc.nodes.push_back(std::move(bead));
        gltf::Sampler move{times, {}, 3, false};
        for (std::size_t k = 0; k < count; ++k)
          for (int c = 0; c < 3; ++c) move.values.push_back(float((*at[k])[std::size_t(c)]));
        if (o.loop) {
          // a loop's beads go on moving to the end and start again where they began
          const std::size_t a = count - 1;
          const float lead = end_time - 1e-3f, span = times[a] - times[a - 1];
          std::vector<float> extra;
          for (int c = 0; c < 3; ++c) {
            const float p1 = move.values[3 * a + std::size_t(c)], p0 = move.values[3 * (a - 1) + std::size_t(c)];
            extra.push_back(p1 + (p1 - p0) * (lead - times[a]) / span);
          }
          move.times.insert(move.times.end() - 1, lead);
          move.values.insert(move.values.end(), extra.begin(), extra.end());
          for (int c = 0; c < 3; ++c) move.values.push_back(move.values[std::size_t(c)]);
        }
        anim.samplers.push_back(std::move(move));
        anim.channels.push_back({int(anim.samplers.size()) - 1, node, "translation"});
        // shown and hidden: a key where it changes
        gltf::Sampler show{{}, {}, 3, true};
        for (std::size_t k = 0; k < count; ++k) {
          const bool here = l.beads[k][b].has_value();
          if (k > 0 && here == l.beads[k - 1][b].has_value()) continue;
          show.times.push_back(times[k]);
          for (int c = 0; c < 3; ++c) show.values.push_back(here ? 1.0f : 0.0f);
        }
        if (show.times.back() < end_time) {
          show.times.push_back(end_time);
          const bool here = o.loop ? l.beads[0][b].has_value() : l.beads[count - 1][b].has_value();
          for (int c = 0; c < 3; ++c) show.values.push_back(here ? 1.0f : 0.0f);
        }
        anim.samplers.push_back(std::move(show));
        anim.channels.push_back({int(anim.samplers.size()) - 1, node, "scale"});
      }
      doc.scene.push_back(int(doc.nodes.size()));
      doc.nodes.push_back(std::move(root));
    }
    doc.animations.push_back(std::move(anim));

    std::vector<std::uint8_t> bytes;
    try {
      bytes = gltf::to_glb(doc);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(o.out, 0, 0, "--gltf", e.what());
    }
    const fs::path tmp = o.out + ".partial";
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
      f.close();
      if (!f) {
        fs::remove(tmp, ec);
        throw ConfigError(o.out, 0, 0, "--gltf", "writing failed (disk full or no permission?)");
      }
    }
    fs::rename(tmp, out, ec);
    if (ec) {
      fs::remove(tmp, ec);
      throw ConfigError(o.out, 0, 0, "--gltf", "cannot move the finished file into place");
    }
    std::size_t vertices = 0, triangles = 0;
    for (const Piece& p : pieces) {
      vertices += p.keep.size();
      triangles += p.indices.size() / 3;
    }
    if (!o.quiet)
      fmt::print("wrote {} ({:.1f} MB: {} leg{}, {} frames at {:g} fps from {:g} s, {:.2f} s{}; {} vertices, {} triangles per leg; {} beads per leg)\n",
                 o.out, double(bytes.size()) / 1e6, legs.size(), legs.size() > 1 ? "s" : "", count, fps, start, double(end_time),
                 o.loop ? ", looping" : "", vertices, triangles, o.beads);
    return 0;
  });
}

}  // namespace calfpump::app
