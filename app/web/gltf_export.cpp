#include "web/gltf_export.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <tuple>
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
#include "app/frame_overlay.hpp"
#include "app/loop.hpp"
#include "app/storyboard.hpp"
#include "commands.hpp"
#include "web/page.hpp"

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

// Whose normals follow the motion: the shading of a bulge follows its normals; veins and
// leaflets are too small at a page's scale for theirs to show, and would add a third to the file.
bool shades(StructureKind k) { return k == StructureKind::Muscle || k == StructureKind::Skin || k == StructureKind::Tendon; }

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
struct ClipLeg {
  Scenario scenario;
  Model model;
  LegGeometry rest, now;
  std::unique_ptr<Deformer> deformer;
  std::unique_ptr<Simulation> sim;
  std::unique_ptr<ParticleTransport> blood;
  // per frame: per moving piece, its displacements; per bead, its place (or none while waiting)
  std::vector<std::vector<std::vector<float>>> moves, turns;
  std::vector<std::vector<std::optional<Point3>>> beads;
  std::vector<LegPose> poses;  // per frame
};

// a bone's node transform for a pose: the turn about its joint's axis through the joint's centre,
// as glTF's translation and rotation (x = R x0 + c - R c)
void bone_transform(const LegPose& pose, int part, std::array<float, 3>& translation, std::array<float, 4>& rotation) {
  const std::array<double, 2> w = part_weights(part);
  const JointTurn& j = pose.joints[part == 1 ? 0 : 1];
  const double half = 0.5 * (part == 1 ? w[0] : w[1]) * j.angle;
  rotation = {float(j.axis[0] * std::sin(half)), float(j.axis[1] * std::sin(half)), float(j.axis[2] * std::sin(half)), float(std::cos(half))};
  const Point3 rc = pose_point(pose, w, {0.0, 0.0, 0.0});  // the turn of the origin: c - R c
  translation = {float(rc[0]), float(rc[1]), float(rc[2])};
}

// the default start: 20 s into the activity, where the pump has reached its steady rhythm
double default_start(const Scenario& sc) {
  if (sc.activity.kind == ActivityKind::Still) return 0.0;
  return std::min(sc.activity_start_s + 20.0, std::max(0.0, sc.duration_s - 4.0));
}

// writes bytes to a file; ConfigError naming `shown` when it cannot
void write_file(const fs::path& file, const std::vector<std::uint8_t>& bytes, const std::string& shown) {
  std::ofstream f(file, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  f.close();
  if (!f) {
    std::error_code ec;
    fs::remove(file, ec);
    throw ConfigError(shown, 0, 0, "", "writing failed (disk full or no permission?)");
  }
}

// a language's name in itself, and whether it is written right to left
std::pair<std::string, bool> language_name(const std::string& lang) {
  if (lang == "en") return {"English", false};
  if (lang == "es") return {"Español", false};
  if (lang == "fr") return {"Français", false};
  if (lang == "de") return {"Deutsch", false};
  if (lang == "ar") return {"العربية", true};
  if (lang == "he") return {"עברית", true};
  if (lang == "fa") return {"فارسی", true};
  if (lang == "ur") return {"اردو", true};
  return {lang, false};
}

// the page, the clip and its poster, written to DIR.partial and moved to DIR when complete
void write_page(const GltfExportOptions& o, const std::vector<std::uint8_t>& clip, const std::vector<std::string>& scenarios,
                const std::vector<std::string>& titles, double start_s, const std::vector<Caption>& captions,
                const std::vector<std::string>& languages, bool meshopt) {
  const fs::path dir = o.html_dir, tmp = o.html_dir + ".partial";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) throw ConfigError(o.html_dir, 0, 0, "--html", fmt::format("cannot make the folder: {}", ec.message()));
  try {
    PageSpec page;
    for (const std::string& lang : languages) {
      const OverlayText words = OverlayText::load(lang, "page"), overlay = OverlayText::load(lang);
      PageWords w;
      w.lang = lang;
      std::tie(w.name, w.rtl) = language_name(lang);
      w.heading = words("The calf muscle pump");
      for (std::size_t i = 0; i < titles.size(); ++i) w.title += (i ? " | " : "") + overlay(titles[i]);
      if (titles.size() > 1) {
        w.leg_names.clear();
        for (const std::string& t : titles) w.leg_names.push_back(overlay(t));
      }
      w.about = words("A 3D leg whose calf muscles squeeze the veins and push the blood (red beads) up toward the heart.");
      w.hint = words("Drag to turn the leg.");
      w.play = words("Play");
      w.pause = words("Pause");
      w.language = words("Language");
      page.languages.push_back(std::move(w));
    }
    for (const Caption& c : captions) {
      PageCaption pc{c.start_s, c.end_s, {}};
      for (const std::string& lang : languages) pc.text.emplace_back(lang, caption_text(c, lang));
      page.captions.push_back(std::move(pc));
    }
    if (meshopt) page.meshopt_decoder = kMeshoptDecoderUrl;
    if (o.model_viewer_js.empty()) {
      page.script_src = kModelViewerUrl;
      page.script_integrity = kModelViewerIntegrity;
    } else {
      page.script_src = "model-viewer.min.js";
      fs::copy_file(o.model_viewer_js, tmp / "model-viewer.min.js", ec);
      if (ec) throw ConfigError(o.model_viewer_js, 0, 0, "--model-viewer", fmt::format("cannot copy it: {}", ec.message()));
    }
    write_file(tmp / "clip.glb", clip, o.html_dir);
    const std::string html = page_html(page);
    write_file(tmp / "index.html", std::vector<std::uint8_t>(html.begin(), html.end()), o.html_dir);
    // the poster: CalfPump's own still of the first frame, seen from behind as the page first shows it
    ScreenshotOptions still;
    still.scenario = scenarios.front();
    if (scenarios.size() > 1) still.compare = scenarios[1];
    still.plain = true;
    still.view = "posterior";
    still.time_s = start_s;
    still.size = scenarios.size() > 1 ? "1440x1080" : "960x1440";
    still.out = (tmp / "poster.png").string();
    std::string device;
    render_still(still, device);
    if (fs::exists(dir, ec)) fs::remove(dir, ec);  // the empty folder checked before
    fs::rename(tmp, dir, ec);
    if (ec) throw ConfigError(o.html_dir, 0, 0, "--html", "cannot move the finished folder into place");
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

}  // namespace

int cmd_export_gltf(const GltfExportOptions& o) {
  return guarded([&] {
    const bool html = !o.html_dir.empty();
    const fs::path out = html ? fs::path(o.html_dir) / "clip.glb" : fs::path(o.out);
    std::error_code ec;
    if (html) {
      const fs::path dir = o.html_dir;
      if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec)))
        throw ConfigError(o.html_dir, 0, 0, "--html", "exists and is not an empty folder; choose a new one");
      if (!dir.parent_path().empty() && !fs::is_directory(dir.parent_path(), ec))
        throw ConfigError(o.html_dir, 0, 0, "--html", fmt::format("no such folder: {}", dir.parent_path().string()));
      if (!o.model_viewer_js.empty() && !fs::is_regular_file(o.model_viewer_js, ec))
        throw ConfigError(o.model_viewer_js, 0, 0, "--model-viewer", "no such file (a copy of model-viewer.min.js)");
    } else {
      if (out.extension() != ".glb") throw ConfigError(o.out, 0, 0, "--gltf", "expected a .glb file (binary glTF)");
      if (!out.parent_path().empty() && !fs::is_directory(out.parent_path(), ec))
        throw ConfigError(o.out, 0, 0, "--gltf", fmt::format("no such folder: {}", out.parent_path().string()));
    }
    if (!o.compress.empty() && o.compress != "meshopt" && o.compress != "none")
      throw ConfigError("--compress", 0, 0, "", fmt::format("'{}'; expected meshopt or none", o.compress));
    // a page decodes meshopt with the decoder model-viewer loads from the pinned URL; beside a
    // local copy of model-viewer (a page that must work offline) there is none
    const bool local = !o.model_viewer_js.empty();
    if (local && o.compress == "meshopt")
      throw ConfigError("--compress", 0, 0, "", "a page with a local model-viewer has no meshopt decoder beside it; give --compress none");
    const bool meshopt = o.compress.empty() ? html && !local : o.compress == "meshopt";
    const double fps = o.fps.value_or(10.0);
    if (!(fps > 0 && fps <= 60)) throw ConfigError("--fps", 0, 0, "", fmt::format("{} frames per second; 0 < fps <= 60 for a glTF clip", fps));
    if (o.beads > 5000) throw ConfigError("--beads", 0, 0, "", fmt::format("{} beads per leg; at most 5000 (each is a node a viewer animates)", o.beads));

    const LegDescription leg = load_leg_description(default_leg_file());
    // what the clip shows: a scenario (or two), or a storyboard's shot
    std::vector<std::string> names{o.scenario};
    std::optional<double> shot_start, shot_length;
    double time_scale = 1.0;
    std::vector<Caption> captions;
    std::vector<std::string> languages{"en", "es", "ar"};
    std::string shot_name;
    if (is_storyboard(o.scenario)) {
      const Storyboard board = load_storyboard(resolve_storyboard(o.scenario), leg);
      if (!o.compare.empty()) throw ConfigError("--compare", 0, 0, "", "a storyboard's shot names its legs");
      if (o.start_s) throw ConfigError("--start", 0, 0, "", "a storyboard's shot sets where it starts");
      std::string list;
      for (std::size_t i = 0; i < board.shots.size(); ++i)
        list += fmt::format("{}{} '{}' ({:g} s)", i ? ", " : "", i + 1, board.shots[i].name, board.shots[i].duration_s);
      std::size_t index = board.shots.size();
      for (std::size_t i = 0; i < board.shots.size(); ++i)
        if (o.shot == board.shots[i].name || o.shot == std::to_string(i + 1)) index = i;
      if (o.shot.empty()) throw ConfigError("--shot", 0, 0, "", fmt::format("a storyboard's clip is one of its shots: give --shot N or NAME ({})", list));
      if (index == board.shots.size()) throw ConfigError("--shot", 0, 0, "", fmt::format("'{}' is not a shot of {}: {}", o.shot, board.name, list));
      const Shot& shot = board.shots[index];
      const Timeline timeline(board, fps);
      names = shot.scenarios;
      shot_start = timeline.at(timeline.first_frame(index)).model_s;
      shot_length = shot.duration_s;
      time_scale = shot.time_scale;
      captions = shot.captions;
      languages = board.languages;
      shot_name = shot.name;
    } else {
      if (!o.shot.empty()) throw ConfigError("--shot", 0, 0, "", "a scenario has no shots; --shot is for a storyboard");
      if (!o.compare.empty()) names.push_back(o.compare);
    }
    if (!o.languages.empty()) {
      languages.clear();
      for (std::size_t at = 0; at <= o.languages.size();) {
        const std::size_t comma = std::min(o.languages.find(',', at), o.languages.size());
        const std::string l = o.languages.substr(at, comma - at);
        if (l.empty() || l.size() > 8 || !std::all_of(l.begin(), l.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; }))
          throw ConfigError("--lang", 0, 0, "", fmt::format("'{}' is not a language code (en, es, ar, ...)", l));
        languages.push_back(l);
        at = comma + 1;
      }
    }
    if (!html && !o.languages.empty()) throw ConfigError("--lang", 0, 0, "", "the languages are the page's: give --html DIR");

    const LegGeometry rest = read_leg_glb(default_leg_mesh());
    check_leg_geometry(rest, leg, default_leg_mesh().string());
    std::vector<std::unique_ptr<ClipLeg>> legs;
    for (const std::string& name : names) {
      auto r = std::make_unique<ClipLeg>();
      r->scenario = load_scenario(resolve_scenario(name), leg);
      r->model = build_model(leg, r->scenario.condition);
      r->rest = rest;
      r->now = rest;
      legs.push_back(std::move(r));
    }
    const double start = shot_start ? *shot_start : o.start_s.value_or(default_start(legs[0]->scenario));
    // the clip's length in its own seconds; model time runs time_scale times as fast
    double duration = o.duration_s ? (shot_length ? std::min(*o.duration_s, *shot_length) : *o.duration_s) : shot_length.value_or(4.0);
    if (!(duration > 0)) throw ConfigError("--duration", 0, 0, "", "the clip needs a length above 0 s");
    std::vector<const Scenario*> scenarios;
    for (const auto& l : legs) scenarios.push_back(&l->scenario);
    if (o.loop) duration = whole_cycles(scenarios, start, duration * time_scale, "--loop") / time_scale;
    for (const auto& l : legs)
      if (start + duration * time_scale > l->scenario.duration_s + 1e-9)
        throw ConfigError("--duration", 0, 0, "",
                          fmt::format("{} s from {} s runs past the end of '{}' ({} s)", duration * time_scale, start, l->scenario.name,
                                      l->scenario.duration_s));
    // frames: k / fps for k = 0 .. count - 1; a loop's frames lie before its length (whole
    // cycles, which need not be whole frames), and its last key is its first frame again, at the
    // length exactly
    const auto count = static_cast<std::size_t>(o.loop ? std::floor(duration * fps - 1e-9) + 1 : std::floor(duration * fps + 1e-9) + 1);
    if (count < 2) throw ConfigError("--duration", 0, 0, "", "the clip holds fewer than two frames; give a longer --duration or more --fps");
    if (count > 600) throw ConfigError("--duration", 0, 0, "", fmt::format("{} frames; at most 600 (a web page carries that many morph targets)", count));

    // the pieces: the same for every leg, from the same rest geometry
    std::vector<Piece> pieces;
    for (std::size_t si = 0; si < rest.structures.size(); ++si) pieces.push_back(make_piece(rest.structures[si], si));
    // soft tissue moves by morph targets; a bone of the foot or the thigh turns rigidly as a node
    auto moves = [&](const Piece& p) { return rest.structures[p.structure].kind != StructureKind::Bone; };
    auto part_of = [&](const Piece& p) {
      const StructureMesh& s = rest.structures[p.structure];
      return s.kind == StructureKind::Bone ? bone_part(legs[0]->model.leg, s.name) : 0;
    };

    // run each leg, frame by frame
    for (auto& l : legs) {
      l->deformer = std::make_unique<Deformer>(l->model, l->rest);
      l->sim = std::make_unique<Simulation>(l->model, l->scenario.schedule());
      l->sim->run_until(start);
      l->blood = std::make_unique<ParticleTransport>(l->model, l->sim->state(), o.beads);
      double t = start;
      for (std::size_t k = 0; k < count; ++k) {
        const double target = start + time_scale * double(k) / fps;
        while (t < target - 1e-9) {  // the blood moves in steps of a 30 fps video's model time, as on the GPU
          const double step = std::min(kParticleStep_s * std::min(time_scale, 1.0), target - t);
          t += step;
          l->sim->run_until(t);
          l->blood->advance(l->sim->state(), step);
        }
        l->sim->run_until(target);
        const State& st = l->sim->state();
        l->deformer->apply(st, l->now);
        l->poses.push_back(l->deformer->pose(st));
        std::vector<std::vector<float>> dp, dn;
        for (const Piece& p : pieces) {
          if (!moves(p)) continue;
          const StructureMesh &r = l->rest.structures[p.structure], &n = l->now.structures[p.structure];
          const bool turn = shades(r.kind);  // normal displacements only where they are written
          std::vector<float> d, e;
          d.reserve(3 * p.keep.size());
          if (turn) e.reserve(3 * p.keep.size());
          for (std::uint32_t v : p.keep)
            for (int c = 0; c < 3; ++c) {
              d.push_back(n.positions[3 * v + std::size_t(c)] - r.positions[3 * v + std::size_t(c)]);
              if (turn) e.push_back(std::clamp(n.normals[3 * v + std::size_t(c)] - r.normals[3 * v + std::size_t(c)], -1.0f, 1.0f));
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
    doc.meshopt_compression = meshopt;
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
    std::vector<std::string> target_names;
    for (std::size_t k = 0; k < count; ++k) target_names.push_back(fmt::format("t={:.2f}s", start + time_scale * double(k) / fps));

    gltf::Animation anim;
    anim.name = legs.size() > 1 ? fmt::format("{} and {}", legs[0]->scenario.name, legs[1]->scenario.name) : legs[0]->scenario.name;
    if (!shot_name.empty()) anim.name = fmt::format("{}: {}", o.scenario, shot_name);
    std::vector<int> bone_mesh(pieces.size(), -1);  // bones are shared by the legs
    bool lifts = false;  // a raise in the clip lifts the whole leg
    for (const auto& l : legs)
      for (const LegPose& pose : l->poses) lifts = lifts || pose.lift != 0.0;
    for (std::size_t li = 0; li < legs.size(); ++li) {
      const ClipLeg& l = *legs[li];
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
              if (shades(s.kind)) t.attributes.push_back({"NORMAL", 3, l.turns[k][moving], gltf::Storage::Normalized8});
              prim.targets.push_back(std::move(t));
            }
            m.weights = first;
            m.target_names = target_names;
          }
          m.primitives.push_back(std::move(prim));
          mesh = int(doc.meshes.size());
          doc.meshes.push_back(std::move(m));
          if (!moves(p)) bone_mesh[pi] = mesh;
        }
        const int node = int(doc.nodes.size());
        doc.nodes.push_back({name, mesh, {}, {}, {}, {}});
        root.children.push_back(node);
        // the foot's and thigh's bones turn; every bone rises when a raise lifts the leg
        const int part = part_of(p);
        if (rest.structures[p.structure].kind == StructureKind::Bone && (part != 0 || lifts)) {
          gltf::Sampler move{times, {}, 3, false}, turn{times, {}, 4, false};
          for (std::size_t k = 0; k < keys; ++k) {
            std::array<float, 3> tr{};
            std::array<float, 4> q{};
            bone_transform(l.poses[k < count ? k : 0], part, tr, q);
            move.values.insert(move.values.end(), tr.begin(), tr.end());
            turn.values.insert(turn.values.end(), q.begin(), q.end());
          }
          doc.nodes[std::size_t(node)].translation = std::array<float, 3>{move.values[0], move.values[1], move.values[2]};
          doc.nodes[std::size_t(node)].rotation = std::array<float, 4>{turn.values[0], turn.values[1], turn.values[2], turn.values[3]};
          anim.samplers.push_back(std::move(move));
          anim.channels.push_back({int(anim.samplers.size()) - 1, node, "translation"});
          anim.samplers.push_back(std::move(turn));
          anim.channels.push_back({int(anim.samplers.size()) - 1, node, "rotation"});
        }
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
    if (html) {
      std::vector<std::string> titles;
      for (const auto& l : legs) titles.push_back(l->scenario.title);
      write_page(o, bytes, names, titles, start, captions, languages, meshopt);
    } else {
      const fs::path tmp = o.out + ".partial";
      write_file(tmp, bytes, o.out);
      fs::rename(tmp, out, ec);
      if (ec) {
        fs::remove(tmp, ec);
        throw ConfigError(o.out, 0, 0, "--gltf", "cannot move the finished file into place");
      }
    }
    std::size_t vertices = 0, triangles = 0;
    for (const Piece& p : pieces) {
      vertices += p.keep.size();
      triangles += p.indices.size() / 3;
    }
    if (!o.quiet)
      fmt::print("wrote {} ({:.1f} MB{}: {} leg{}, {} frames at {:g} fps from {:g} s, {:.2f} s{}; {} vertices, {} triangles per leg; {} beads per leg)\n",
                 html ? o.html_dir + " (index.html, clip.glb, poster.png)" : o.out, double(bytes.size()) / 1e6,
                 meshopt ? ", meshopt-compressed" : "", legs.size(), legs.size() > 1 ? "s" : "", count, fps, start, double(end_time),
                 o.loop ? ", looping" : "", vertices, triangles, o.beads);
    return 0;
  });
}

}  // namespace calfpump::app
