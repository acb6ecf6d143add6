// The animated glTF, read back as a viewer reads it (morph targets blended by the weights
// animation, bead nodes moved by theirs) and held against the simulation run anew here: vertex
// positions, vein cross-sections and valve leaflets at several frames, the key times, the loop's
// last frame, determinism, and bad input refused with nothing left behind.

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include <meshoptimizer.h>
#include <nlohmann/json.hpp>

#include "anatomy/deform.hpp"
#include "anatomy/geometry_io.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/simulation.hpp"
#include "run_calfpump.hpp"

using namespace calfpump::anatomy;
using calfpump::test::run_calfpump;
namespace fs = std::filesystem;

namespace {

fs::path tmp(const std::string& name) {
  const fs::path dir = fs::path(CALFPUMP_TEST_TMP) / "gltf";
  fs::create_directories(dir);
  return dir / name;
}

std::vector<std::uint8_t> file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// a binary glTF as a reader sees it: the JSON, and accessors decoded to floats
struct Glb {
  nlohmann::json doc;
  std::vector<std::uint8_t> bin;

  explicit Glb(const fs::path& p) {
    const auto b = file_bytes(p);
    REQUIRE(b.size() > 28);
    std::uint32_t json_length = 0, bin_length = 0;
    std::memcpy(&json_length, b.data() + 12, 4);
    doc = nlohmann::json::parse(b.begin() + 20, b.begin() + 20 + json_length);
    std::memcpy(&bin_length, b.data() + 20 + json_length, 4);
    bin.assign(b.begin() + 28 + json_length, b.begin() + 28 + json_length + bin_length);
  }

  // an accessor's elements as floats, normalized integers dequantized as the specification says
  std::vector<float> floats(int accessor) const {
    const auto& a = doc["accessors"][accessor];
    const auto& v = doc["bufferViews"][a["bufferView"].get<int>()];
    const std::string type = a["type"];
    const int n = type == "SCALAR" ? 1 : type == "VEC2" ? 2 : type == "VEC3" ? 3 : 4;
    const int ct = a["componentType"];
    const std::size_t size = ct == 5126 ? 4 : ct == 5122 ? 2 : 1;
    const std::size_t stride = v.contains("byteStride") ? v["byteStride"].get<std::size_t>() : n * size;
    const std::size_t base = v["byteOffset"].get<std::size_t>() + a.value("byteOffset", std::size_t{0});
    std::vector<float> out;
    for (std::size_t i = 0; i < a["count"].get<std::size_t>(); ++i)
      for (std::size_t c = 0; c < std::size_t(n); ++c) {
        const std::uint8_t* at = bin.data() + base + i * stride + c * size;
        if (ct == 5126) {
          float f;
          std::memcpy(&f, at, 4);
          out.push_back(f);
        } else if (ct == 5122) {
          std::int16_t q;
          std::memcpy(&q, at, 2);
          out.push_back(std::max(float(q) / 32767.0f, -1.0f));
        } else {
          out.push_back(std::max(float(std::int8_t(*at)) / 127.0f, -1.0f));
        }
      }
    return out;
  }

  int node(const std::string& name) const {
    for (std::size_t i = 0; i < doc["nodes"].size(); ++i)
      if (doc["nodes"][i]["name"] == name) return int(i);
    FAIL("no node " << name);
    return -1;
  }

  // a mesh's own positions, without morphing
  std::vector<float> base(int mesh) const { return floats(doc["meshes"][mesh]["primitives"][0]["attributes"]["POSITION"].get<int>()); }

  // a mesh's positions at frame k: the base plus target k (the weights at key k are target k's alone)
  std::vector<float> positions(int mesh, std::size_t k) const {
    const auto& p = doc["meshes"][mesh]["primitives"][0];
    std::vector<float> base = floats(p["attributes"]["POSITION"].get<int>());
    if (!p.contains("targets")) return base;
    const std::vector<float> d = floats(p["targets"][k]["POSITION"].get<int>());
    for (std::size_t i = 0; i < base.size(); ++i) base[i] += d[i];
    return base;
  }
};

struct Clip {
  fs::path file;
  double start = 30, fps = 10;
};

// the simulation of a scenario, run anew, with the deformation of its leg at frame times
struct Reference {
  LegDescription leg = load_leg_description(default_leg_file());
  Scenario sc;
  Model model;
  LegGeometry rest = read_leg_glb(default_leg_mesh()), now = rest;
  std::unique_ptr<Deformer> deformer;
  std::unique_ptr<Simulation> sim;

  explicit Reference(const std::string& name) {
    sc = load_scenario(resolve_scenario(name), leg);
    model = build_model(leg, sc.condition);
    deformer = std::make_unique<Deformer>(model, rest);
    sim = std::make_unique<Simulation>(model, sc.schedule());
  }
  const State& at(double t) {
    sim->run_until(t);
    deformer->apply(sim->state(), now);
    return sim->state();
  }
};

// which rest vertex each of a mesh's exported vertices is (the export keeps the rest positions exactly)
std::vector<std::uint32_t> rest_vertices(const StructureMesh& s, const std::vector<float>& base) {
  std::map<std::array<float, 3>, std::uint32_t> where;
  for (std::uint32_t v = 0; v < s.vertex_count(); ++v) where[{s.positions[3 * v], s.positions[3 * v + 1], s.positions[3 * v + 2]}] = v;
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i + 2 < base.size(); i += 3) {
    const auto it = where.find({base[i], base[i + 1], base[i + 2]});
    REQUIRE(it != where.end());
    out.push_back(it->second);
  }
  return out;
}

double ring_area(const std::vector<std::array<double, 3>>& ring) {
  // a planar polygon's area: half the length of the sum of its edges' cross products
  std::array<double, 3> s{0, 0, 0};
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const auto &a = ring[i], &b = ring[(i + 1) % ring.size()];
    s[0] += a[1] * b[2] - a[2] * b[1];
    s[1] += a[2] * b[0] - a[0] * b[2];
    s[2] += a[0] * b[1] - a[1] * b[0];
  }
  return 0.5 * std::sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]);
}

}  // namespace

namespace {

// the sampler of the first morph-weights channel (the bones' node keys come before some of them)
const nlohmann::json& weights_sampler(const nlohmann::json& anim) {
  for (const auto& c : anim["channels"])
    if (c["target"]["path"] == "weights") return anim["samplers"][c["sampler"].get<int>()];
  FAIL("no weights channel");
  return anim;
}

}  // namespace

TEST_CASE("export --gltf: the clip's surfaces, vein sections and valve leaflets are the simulation's at each frame", "[gltf][export]") {
  const fs::path file = tmp("walking.glb");
  fs::remove(file);
  const auto r = run_calfpump("export healthy-walking --gltf " + file.string() + " --start 30 --duration 2 --fps 10 --beads 200");
  INFO(r.out);
  REQUIRE(r.code == 0);
  const Glb g(file);
  CHECK(g.doc["extensionsUsed"] == nlohmann::json::array({"KHR_mesh_quantization"}));
  // key times: frame k at k / fps, 21 frames over 2 s
  const auto& anim = g.doc["animations"][0];
  const auto times = g.floats(weights_sampler(anim)["input"].get<int>());
  REQUIRE(times.size() == 21);
  for (std::size_t k = 0; k < times.size(); ++k) CHECK(times[k] == Approx(double(k) / 10.0).margin(1e-6));
  // the weights: target k alone at key k
  const auto weights = g.floats(weights_sampler(anim)["output"].get<int>());
  REQUIRE(weights.size() == 21 * 21);
  for (std::size_t k = 0; k < 21; ++k)
    for (std::size_t j = 0; j < 21; ++j) CHECK(weights[k * 21 + j] == (j == k ? 1.0f : 0.0f));

  Reference ref("healthy-walking");
  struct Watched {
    std::string node;
    int structure = -1, mesh = -1;
    std::vector<std::uint32_t> rest;
  };
  std::vector<Watched> watched;
  for (const char* name : {"vein:posterior-tibial", "vein:popliteal", "vein:gsv", "vein:soleal-sinus-medial", "muscle:soleus", "muscle:gastrocnemius-medial", "skin:skin"}) {
    Watched w;
    w.node = name;
    const std::string n = name;
    const auto colon = n.find(':');
    for (std::size_t i = 0; i < ref.rest.structures.size(); ++i)
      if (structure_kind_name(ref.rest.structures[i].kind) == n.substr(0, colon) && ref.rest.structures[i].name == n.substr(colon + 1)) w.structure = int(i);
    REQUIRE(w.structure >= 0);
    w.mesh = g.doc["nodes"][g.node(name)]["mesh"].get<int>();
    w.rest = rest_vertices(ref.rest.structures[std::size_t(w.structure)], g.base(w.mesh));
    watched.push_back(std::move(w));
  }
  // every valve's leaflets, to see them open and close
  std::vector<Watched> valves;
  for (std::size_t i = 0; i < ref.rest.structures.size(); ++i)
    if (ref.rest.structures[i].kind == StructureKind::Valve) {
      Watched w;
      w.node = "valve:" + ref.rest.structures[i].name;
      w.structure = int(i);
      w.mesh = g.doc["nodes"][g.node(w.node)]["mesh"].get<int>();
      w.rest = rest_vertices(ref.rest.structures[i], g.base(w.mesh));
      valves.push_back(std::move(w));
    }
  REQUIRE(valves.size() > 10);

  double worst_m = 0, worst_area = 0;
  std::size_t rings = 0;
  std::map<std::string, std::pair<double, double>> gap_range;  // per valve: narrowest and widest leaflet gap
  for (std::size_t k : {0u, 4u, 7u, 12u, 20u}) {
    const State& st = ref.at(30.0 + double(k) / 10.0);
    auto check_mesh = [&](const Watched& w) {
      const std::vector<float> p = g.positions(w.mesh, k);
      const StructureMesh& now = ref.now.structures[std::size_t(w.structure)];
      for (std::size_t i = 0; i < w.rest.size(); ++i)
        for (int c = 0; c < 3; ++c) worst_m = std::max(worst_m, double(std::abs(p[3 * i + std::size_t(c)] - now.positions[3 * w.rest[i] + std::size_t(c)])));
      return p;
    };
    for (const Watched& w : watched) {
      const std::vector<float> p = check_mesh(w);
      const StructureMesh& rest = ref.rest.structures[std::size_t(w.structure)];
      if (rest.kind != StructureKind::Vein) continue;
      // its rings: the wall's vertices by (tube, t), each the simulated cross-section there
      std::map<std::pair<float, float>, std::map<float, std::array<double, 3>>> by_ring;
      for (std::size_t i = 0; i < w.rest.size(); ++i) {
        const float* a = &rest.attributes[std::size_t(w.rest[i]) * kAttributeCount];
        if (a[4] > 0.5f) by_ring[{a[3], a[1]}][a[2]] = {p[3 * i], p[3 * i + 1], p[3 * i + 2]};
      }
      const int vessel = int(rest.attributes[std::size_t(w.rest[0]) * kAttributeCount + 5]);
      const int count = ref.leg.vessels[std::size_t(vessel)].count;
      for (const auto& [key, ring] : by_ring) {
        REQUIRE(ring.size() == std::size_t(kVeinRing));
        std::vector<std::array<double, 3>> poly;
        for (const auto& [theta, q] : ring) poly.push_back(q);
        // within what 16-bit displacements allow: each wall point within half a step (1/65534
        // m) of its place in each coordinate, so within sqrt(3) half-steps, moves the area by at
        // most that much times the ring's perimeter (a large share of a collapsed vein's area,
        // whose depth is a fraction of a millimetre)
        double perimeter = 0;
        for (std::size_t i = 0; i < poly.size(); ++i) {
          const auto &a = poly[i], &b = poly[(i + 1) % poly.size()];
          perimeter += std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
        }
        const double simulated = ref.deformer->vessel_area(st, vessel, key.second)[0] / count;
        const double error = std::abs(ring_area(poly) - simulated), bound = perimeter * std::sqrt(3.0) * 0.5 / 32767.0;
        worst_area = std::max(worst_area, error / bound);
        ++rings;
      }
    }
    for (const Watched& w : valves) {
      const std::vector<float> p = check_mesh(w);
      // the gap between the two leaflets' free edges (v = 1) near the middle of the attachment (u = 0.4: the export keeps every other column)
      const StructureMesh& rest = ref.rest.structures[std::size_t(w.structure)];
      std::array<std::array<double, 3>, 2> edge{};
      std::array<int, 2> found{0, 0};
      for (std::size_t i = 0; i < w.rest.size(); ++i) {
        const float* a = &rest.attributes[std::size_t(w.rest[i]) * kAttributeCount];
        if (a[4] == 0.0f && a[3] == 1.0f && std::abs(a[2] - 0.4f) < 1e-3f) {
          edge[std::size_t(a[1])] = {p[3 * i], p[3 * i + 1], p[3 * i + 2]};
          ++found[std::size_t(a[1])];
        }
      }
      if (found[0] != 1 || found[1] != 1) continue;
      const double gap = std::hypot(edge[0][0] - edge[1][0], edge[0][1] - edge[1][1], edge[0][2] - edge[1][2]);
      auto& range = gap_range.try_emplace(w.node, gap, gap).first->second;
      range.first = std::min(range.first, gap);
      range.second = std::max(range.second, gap);
    }
  }
  INFO("worst vertex " << worst_m * 1e3 << " mm; worst ring area error " << worst_area << " of the quantization bound over " << rings << " rings");
  // 16-bit displacements in 1/32767 m steps: within half a step of the reference, with float rounding
  CHECK(worst_m < 0.5 / 32767.0 + 1e-6);
  CHECK(rings > 100);
  CHECK(worst_area <= 1.0);
  // over two seconds of walking the valves open and close: some leaflet gap changes by millimetres
  double widest_change = 0;
  for (const auto& [name, range] : gap_range) widest_change = std::max(widest_change, range.second - range.first);
  CHECK(gap_range.size() > 10);
  CHECK(widest_change > 1e-3);

  // the foot's and the thigh's bones turn as nodes, by the joints' angles at each key; the
  // shank's stay
  auto rotation_keys = [&](const std::string& name) {
    const int node = g.node(name);
    for (const auto& c : anim["channels"])
      if (c["target"]["node"] == node && c["target"]["path"] == "rotation") return g.floats(anim["samplers"][c["sampler"].get<int>()]["output"].get<int>());
    return std::vector<float>{};
  };
  CHECK(rotation_keys("bone:tibia").empty());
  const auto foot = rotation_keys("bone:foot-skeleton"), femur = rotation_keys("bone:femur");
  REQUIRE(foot.size() == 4 * 21);
  REQUIRE(femur.size() == 4 * 21);
  Reference joints("healthy-walking");
  auto turned = [](const std::vector<float>& q, std::size_t k, const Point3& axis) {
    const double s = q[4 * k] * axis[0] + q[4 * k + 1] * axis[1] + q[4 * k + 2] * axis[2];  // sin(angle / 2) along the axis
    return 2.0 * std::atan2(s, double(q[4 * k + 3]));
  };
  double most_knee = 0;
  for (std::size_t k = 0; k < 21; ++k) {
    const State& st = joints.at(30.0 + double(k) / 10.0);
    INFO("key " << k);
    CHECK(turned(foot, k, joints.leg.joints.ankle.axis) == Approx(st.ankle_rad).margin(1e-4));
    CHECK(turned(femur, k, joints.leg.joints.knee.axis) == Approx(st.knee_rad).margin(1e-4));
    most_knee = std::max(most_knee, st.knee_rad);
  }
  CHECK(most_knee > 1.0);  // the swing's bent knee is among the keys
}

TEST_CASE("export --gltf: the blood's beads climb the healthy walking leg", "[gltf][export]") {
  const fs::path file = tmp("beads.glb");
  fs::remove(file);
  const auto r = run_calfpump("export healthy-walking --gltf " + file.string() + " --start 30 --duration 3 --fps 10 --beads 300");
  INFO(r.out);
  REQUIRE(r.code == 0);
  const Glb g(file);
  const auto& anim = g.doc["animations"][0];
  // per bead: its translation keys, and when it is shown
  double climbed = 0;
  std::size_t moving = 0, shown_beads = 0;
  for (const auto& c : anim["channels"]) {
    if (c["target"]["path"] != "translation") continue;
    const int node = c["target"]["node"];
    const auto name = g.doc["nodes"][node]["name"].get<std::string>();
    if (name.rfind("bone:", 0) == 0) continue;  // a bone of the foot or thigh turning with its joint
    REQUIRE(name.rfind("blood:", 0) == 0);
    const auto& sampler = anim["samplers"][c["sampler"].get<int>()];
    const auto at = g.floats(sampler["output"].get<int>());
    REQUIRE(at.size() == 3 * 31);
    // the leg's +Z up, in the leg's own coordinates under its root
    climbed += at[3 * 30 + 2] - at[2];
    moving += std::abs(at[3 * 30 + 2] - at[2]) > 1e-3;
    ++shown_beads;
  }
  INFO(shown_beads << " beads shown, " << moving << " moved over 3 s, mean climb " << 1e3 * climbed / double(shown_beads) << " mm");
  CHECK(shown_beads > 50);
  CHECK(moving > shown_beads / 4);
  CHECK(climbed > 0);
}

TEST_CASE("export --gltf: the same command writes the same bytes, and --loop ends on its first frame", "[gltf][export]") {
  const fs::path a = tmp("same-a.glb"), b = tmp("same-b.glb");
  fs::remove(a);
  fs::remove(b);
  const std::string args = " --start 30 --duration 1.5 --fps 8 --beads 50 --loop --compare deep-reflux-walking";
  const auto ra = run_calfpump("export healthy-walking --gltf " + a.string() + args);
  const auto rb = run_calfpump("export healthy-walking --gltf " + b.string() + args);
  INFO(ra.out << rb.out);
  REQUIRE(ra.code == 0);
  REQUIRE(rb.code == 0);
  const bool same_bytes = file_bytes(a) == file_bytes(b);
  CHECK(same_bytes);
  const Glb g(a);
  // two legs side by side, each its own root turned to +Y up
  REQUIRE(g.doc["scenes"][0]["nodes"].size() == 2);
  const auto& left = g.doc["nodes"][g.doc["scenes"][0]["nodes"][0].get<int>()];
  const auto& right = g.doc["nodes"][g.doc["scenes"][0]["nodes"][1].get<int>()];
  CHECK(left["name"] == "healthy-walking");
  CHECK(right["name"] == "deep-reflux-walking");
  CHECK(left["translation"][0].get<double>() < 0);
  CHECK(right["translation"][0].get<double>() > 0);
  // whole gait cycles: 100 steps a minute is a 1.2 s stride, so 1.5 s holds one cycle, 1.2 s,
  // keyed at 8 fps: frames 0..9 at k / 8, then the first frame again at 1.2 s
  const auto& anim = g.doc["animations"][0];
  const auto times = g.floats(weights_sampler(anim)["input"].get<int>());
  REQUIRE(times.size() == 11);
  CHECK(times.back() == Approx(1.2).margin(1e-6));
  CHECK(times[9] == Approx(9.0 / 8.0).margin(1e-6));
  const auto weights = g.floats(weights_sampler(anim)["output"].get<int>());
  const std::size_t targets = 10;
  REQUIRE(weights.size() == 11 * targets);
  CHECK(weights[10 * targets + 0] == 1.0f);
  for (std::size_t j = 1; j < targets; ++j) CHECK(weights[10 * targets + j] == 0.0f);
}

TEST_CASE("export --gltf --compress meshopt decodes to the uncompressed file's data, byte for byte", "[gltf][export]") {
  const fs::path plain = tmp("plain.glb"), packed = tmp("packed.glb");
  fs::remove(plain);
  fs::remove(packed);
  const std::string args = " --start 30 --duration 1 --fps 10 --beads 40";
  const auto a = run_calfpump("export healthy-walking --gltf " + plain.string() + args + " --compress none");
  const auto b = run_calfpump("export healthy-walking --gltf " + packed.string() + args + " --compress meshopt");
  INFO(a.out << b.out);
  REQUIRE(a.code == 0);
  REQUIRE(b.code == 0);
  const Glb p(plain), q(packed);
  CHECK(q.doc["extensionsRequired"] == nlohmann::json::array({"KHR_mesh_quantization", "EXT_meshopt_compression"}));
  CHECK(q.bin.size() * 2 < p.bin.size());
  // every view decoded into its place in the fallback buffer, which is the uncompressed layout
  REQUIRE(q.doc["buffers"].size() == 2);
  REQUIRE(q.doc["buffers"][1]["byteLength"].get<std::size_t>() == p.bin.size());
  std::vector<std::uint8_t> decoded(p.bin.size(), 0);
  std::size_t triangles = 0, rotated = 0;
  for (const auto& v : q.doc["bufferViews"]) {
    REQUIRE(v["buffer"] == 1);
    const auto& m = v["extensions"]["EXT_meshopt_compression"];
    const std::size_t count = m["count"], stride = m["byteStride"], at = m["byteOffset"], length = m["byteLength"];
    const std::size_t out = v["byteOffset"];
    REQUIRE(out + count * stride <= decoded.size());
    if (m["mode"] == "TRIANGLES") {
      REQUIRE((stride == 2 || stride == 4));
      const int rc = stride == 2 ? meshopt_decodeIndexBuffer(reinterpret_cast<std::uint16_t*>(&decoded[out]), count, &q.bin[at], length)
                                 : meshopt_decodeIndexBuffer(reinterpret_cast<std::uint32_t*>(&decoded[out]), count, &q.bin[at], length);
      REQUIRE(rc == 0);
      // meshoptimizer's index coding keeps each triangle and its winding, and may start it at
      // another of its corners: compared up to that turn, then put back as it was
      auto index = [&](const std::vector<std::uint8_t>& from, std::size_t k) {
        std::uint32_t x = 0;
        std::memcpy(&x, &from[out + k * stride], stride);
        return x;
      };
      for (std::size_t t = 0; t < count / 3; ++t) {
        const std::array<std::uint32_t, 3> want{index(p.bin, 3 * t), index(p.bin, 3 * t + 1), index(p.bin, 3 * t + 2)};
        const std::array<std::uint32_t, 3> got{index(decoded, 3 * t), index(decoded, 3 * t + 1), index(decoded, 3 * t + 2)};
        bool same = false;
        for (int r = 0; r < 3; ++r) same = same || (got[0] == want[std::size_t(r)] && got[1] == want[std::size_t((r + 1) % 3)] && got[2] == want[std::size_t((r + 2) % 3)]);
        CHECK(same);
        rotated += got != want;
        ++triangles;
      }
      std::memcpy(&decoded[out], &p.bin[out], count * stride);
    } else {
      REQUIRE(m["mode"] == "ATTRIBUTES");
      REQUIRE(meshopt_decodeVertexBuffer(&decoded[out], count, stride, &q.bin[at], length) == 0);
    }
  }
  std::size_t first_difference = decoded.size();
  for (std::size_t i = 0; i < decoded.size() && first_difference == decoded.size(); ++i)
    if (decoded[i] != p.bin[i]) first_difference = i;
  INFO("first difference at byte " << first_difference << " of " << decoded.size() << "; " << rotated << " of " << triangles
                                     << " triangles start at another corner");
  CHECK(triangles > 10000);
  CHECK(first_difference == decoded.size());
  // and the JSON is the same but for the buffers and the views' coding
  nlohmann::json pj = p.doc, qj = q.doc;
  for (auto* j : {&pj, &qj}) {
    j->erase("buffers");
    j->erase("bufferViews");
    j->erase("extensionsUsed");
    j->erase("extensionsRequired");
  }
  const bool same_json = pj == qj;
  CHECK(same_json);
}

TEST_CASE("export --gltf: a storyboard's shot gives the legs, the start, the slow motion and the length", "[gltf][export]") {
  const fs::path file = tmp("shot.glb");
  fs::remove(file);
  const auto r = run_calfpump("export patient-loop --shot 'The valves' --gltf " + file.string() + " --duration 1 --beads 20");
  INFO(r.out);
  REQUIRE(r.code == 0);
  const Glb g(file);
  const auto& anim = g.doc["animations"][0];
  CHECK(anim["name"] == "patient-loop: The valves");
  const auto times = g.floats(anim["samplers"][0]["input"].get<int>());
  CHECK(times.size() == 11);
  // the shot continues the first (20 s + 12 s of walking): its first frame is at model time 32 s
  const int mesh = g.doc["nodes"][g.node("muscle:soleus")]["mesh"].get<int>();
  CHECK(g.doc["meshes"][mesh]["extras"]["targetNames"][0] == "t=32.00s");
  CHECK(g.doc["meshes"][mesh]["extras"]["targetNames"][10] == "t=33.00s");
  // a slow-motion shot: a quarter of a model second per clip second
  const fs::path slow = tmp("slow.glb");
  fs::remove(slow);
  const auto s = run_calfpump("export calf-pump-explained --shot 'A valve in slow motion' --gltf " + slow.string() + " --duration 1 --beads 20");
  INFO(s.out);
  REQUIRE(s.code == 0);
  const Glb h(slow);
  const int soleus = h.doc["nodes"][h.node("muscle:soleus")]["mesh"].get<int>();
  CHECK(h.doc["meshes"][soleus]["extras"]["targetNames"][0] == "t=30.00s");
  CHECK(h.doc["meshes"][soleus]["extras"]["targetNames"][4] == "t=30.10s");
  CHECK(h.doc["meshes"][soleus]["extras"]["targetNames"][10] == "t=30.25s");
  CHECK(h.floats(h.doc["animations"][0]["samplers"][0]["input"].get<int>()).back() == Approx(1.0));
}

TEST_CASE("export --gltf: bad arguments and unwritable paths are refused with nothing left behind", "[gltf][export][errors]") {
  struct Case {
    std::string args, says;
  };
  const std::string dir = tmp("").string();
  const std::vector<Case> cases = {
      {"healthy-walking --gltf " + dir + "/leg.gltf", "expected a .glb file"},
      {"healthy-walking --gltf " + dir + "/no-such-folder/leg.glb", "no such folder"},
      {"healthy-walking --gltf " + dir + "/long.glb --start 50 --duration 30", "runs past the end"},
      {"healthy-standing --gltf " + dir + "/still.glb --loop", "stands still"},
      {"healthy-walking --gltf " + dir + "/one.glb --duration 0.05 --fps 10", "fewer than two frames"},
      {"healthy-walking --gltf " + dir + "/many.glb --duration 30 --fps 30", "at most 600"},
      {"healthy-walking --gltf /proc/calfpump-test.glb --duration 0.5", "writing failed"},
      {"no-such-scenario --gltf " + dir + "/x.glb", "no-such-scenario"},
      {"healthy-walking --gltf " + dir + "/both.glb --vtk " + dir + "/both", "excludes"},
      {"healthy-walking --vtk " + dir + "/vtk-loop --loop", "--loop is for --gltf"},
      {"patient-loop --gltf " + dir + "/board.glb", "give --shot N or NAME (1 'The pump' (12 s)"},
      {"patient-loop --gltf " + dir + "/board.glb --shot 9", "'9' is not a shot of patient-loop"},
      {"patient-loop --gltf " + dir + "/board.glb --shot 1 --compare healthy-walking", "a storyboard's shot names its legs"},
      {"healthy-walking --gltf " + dir + "/shot.glb --shot 1", "--shot is for a storyboard"},
      {"healthy-walking --gltf " + dir + "/lang.glb --lang es", "give --html DIR"},
      {"healthy-walking --html " + dir + "/page --lang 'e s'", "not a language code"},
      {"healthy-walking --html " + dir + "/page --model-viewer " + dir + "/none.js", "no such file"},
      {"healthy-walking --html " + dir + "/page --gltf " + dir + "/page.glb", "excludes"},
  };
  for (const Case& c : cases) {
    const auto r = run_calfpump("export " + c.args);
    INFO(c.args << "\n" << r.out);
    CHECK(r.code == 2);
    CHECK_THAT(r.out, Catch::Contains(c.says));
  }
  for (const auto& e : fs::directory_iterator(dir)) {
    INFO(e.path());
    CHECK(e.path().extension() != ".partial");
    CHECK(e.path().filename().string().find("partial") == std::string::npos);
  }
  CHECK_FALSE(fs::exists(fs::path(dir) / "leg.gltf"));
  CHECK_FALSE(fs::exists(fs::path(dir) / "page"));
  CHECK_FALSE(fs::exists(fs::path(dir) / "long.glb"));
  CHECK_FALSE(fs::exists("/proc/calfpump-test.glb.partial"));
}
