// Mesh files: the built glb reads back exactly; bad files and bad mappings are refused with a
// message; a user's meshes bound by a mapping file take the generated structures' place.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "anatomy/deform.hpp"
#include "anatomy/error.hpp"
#include "anatomy/geometry_io.hpp"
#include "anatomy/gltf.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/simulation.hpp"

using namespace calfpump::anatomy;
namespace fs = std::filesystem;

namespace {

fs::path tmp(const std::string& name) {
  const fs::path dir = fs::path(CALFPUMP_TEST_TMP) / "meshes";
  fs::create_directories(dir);
  return dir / name;
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// a closed tetrahedron-ish box around the soleus' axis, in millimetres, as an OBJ object "Soleus_R"
std::string soleus_obj(const std::string& first_vertex = "-30 -60 140") {
  return "o Soleus_R\nv " + first_vertex +
         "\nv 30 -60 140\nv 0 -20 140\nv 0 -40 440\n"
         "f 1 3 2\nf 1 2 4\nf 2 3 4\nf 3 1 4\n";
}

std::string expect_refusal(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("no error");
  return {};
}

}  // namespace

TEST_CASE("the leg written as glb reads back with every attribute", "[geometry][io]") {
  const LegGeometry g = read_leg_glb(default_leg_mesh());
  const fs::path p = tmp("roundtrip.glb");
  write_leg_glb(g, p);
  const LegGeometry h = read_leg_glb(p);
  REQUIRE(h.structures.size() == g.structures.size());
  for (std::size_t i = 0; i < g.structures.size(); ++i) {
    CHECK(h.structures[i].name == g.structures[i].name);
    CHECK(h.structures[i].positions == g.structures[i].positions);
    CHECK(h.structures[i].attributes == g.structures[i].attributes);
    CHECK(h.structures[i].indices == g.structures[i].indices);
  }
}

namespace {

std::vector<std::uint8_t> bytes_of(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// the JSON chunk of a binary glTF
nlohmann::json json_chunk(const std::vector<std::uint8_t>& b) {
  REQUIRE(b.size() > 20);
  std::uint32_t magic = 0, length = 0, json_length = 0, json_type = 0;
  std::memcpy(&magic, b.data(), 4);
  std::memcpy(&length, b.data() + 8, 4);
  std::memcpy(&json_length, b.data() + 12, 4);
  std::memcpy(&json_type, b.data() + 16, 4);
  REQUIRE(magic == 0x46546C67u);
  REQUIRE(length == b.size());
  REQUIRE(json_type == 0x4E4F534Au);
  REQUIRE(json_length % 4 == 0);
  return nlohmann::json::parse(b.begin() + 20, b.begin() + 20 + json_length);
}

}  // namespace

TEST_CASE("the leg's glb follows glTF's conventions: +Y up, coloured PBR materials, see-through skin and veins", "[geometry][io][gltf]") {
  const LegGeometry g = read_leg_glb(default_leg_mesh());
  const fs::path p = tmp("conventions.glb");
  write_leg_glb(g, p);
  const auto bytes = bytes_of(p);
  const nlohmann::json doc = json_chunk(bytes);
  CHECK(doc["asset"]["version"] == "2.0");
  CHECK_FALSE(doc.contains("extensionsUsed"));  // no stray extensions (Assimp wrote FB_ngon_encoding)
  CHECK_FALSE(doc.contains("extensionsRequired"));
  // one root that turns the leg's +Z up to glTF's +Y up
  REQUIRE(doc["scenes"][0]["nodes"].size() == 1);
  const auto& root = doc["nodes"][doc["scenes"][0]["nodes"][0].get<int>()];
  CHECK(root["name"] == "leg");
  REQUIRE(root["rotation"].size() == 4);
  for (int i = 0; i < 4; ++i) CHECK(root["rotation"][i].get<double>() == Approx(gltf::kLegToGltf[std::size_t(i)]));
  CHECK(root["children"].size() == g.structures.size());
  // the rotation takes the leg's height (z) to glTF's y: the skin's top is well above the floor
  const int skin = g.find("skin", StructureKind::Skin);
  REQUIRE(skin >= 0);
  const auto& skin_position = doc["accessors"][doc["meshes"][skin]["primitives"][0]["attributes"]["POSITION"].get<int>()];
  const double top_z = skin_position["max"][2].get<double>();
  CHECK(top_z > 0.4);
  const double y = -std::sin(-M_PI / 2) * top_z;  // y' = y cos(a) - z sin(a), a = -90 degrees, for a point (0, 0, z)
  CHECK(y == Approx(top_z));
  // materials: the atlas colours, linear; skin and vein walls blended and double-sided, valves double-sided
  std::map<std::string, nlohmann::json> mats;
  for (const auto& m : doc["materials"]) mats[m["name"].get<std::string>()] = m;
  REQUIRE(mats.size() == 6);
  for (const auto& [name, m] : mats) {
    INFO(name);
    REQUIRE(m["pbrMetallicRoughness"]["baseColorFactor"].size() == 4);
    CHECK(m["pbrMetallicRoughness"]["metallicFactor"].get<double>() == 0.0);
  }
  const auto colour = [&](const char* n, int c) { return mats[n]["pbrMetallicRoughness"]["baseColorFactor"][c].get<double>(); };
  CHECK(colour("muscle", 0) > 2 * colour("muscle", 2));  // red
  CHECK(colour("vein", 2) > 2 * colour("vein", 0));      // blue
  CHECK(colour("muscle", 0) == Approx(gltf::srgb_to_linear(atlas_colour(StructureKind::Muscle).r)).margin(1e-6));
  CHECK(mats["skin"]["alphaMode"] == "BLEND");
  CHECK(mats["skin"]["doubleSided"] == true);
  CHECK(colour("skin", 3) < 0.5);
  CHECK(mats["vein"]["alphaMode"] == "BLEND");
  CHECK(mats["valve"]["doubleSided"] == true);
  CHECK_FALSE(mats["bone"].contains("alphaMode"));  // opaque
  // every POSITION has its bounds, every view is 4-byte aligned
  for (const auto& m : doc["meshes"]) CHECK(doc["accessors"][m["primitives"][0]["attributes"]["POSITION"].get<int>()].contains("min"));
  for (const auto& v : doc["bufferViews"]) CHECK(v["byteOffset"].get<std::size_t>() % 4 == 0);
  // the same leg, the same bytes
  const fs::path again = tmp("conventions-again.glb");
  write_leg_glb(g, again);
  CHECK(bytes_of(again) == bytes);
}

TEST_CASE("deformation attributes survive the glb to within a float's rounding", "[geometry][io][gltf]") {
  LegGeometry g;
  StructureMesh m;
  m.name = "soleus";
  m.kind = StructureKind::Muscle;
  m.positions = {0, 0, 0, 0.01f, 0, 0, 0, 0.01f, 0, 0, 0, 0.01f};
  m.indices = {0, 2, 1, 0, 1, 3, 1, 2, 3, 2, 0, 3};
  compute_normals(m);
  for (int v = 0; v < 4; ++v)
    for (int a = 0; a < kAttributeCount; ++a) m.attributes.push_back(0.0123f * float(a + 1) + 0.37f * float(v) - 0.5f);
  g.structures.push_back(m);
  const fs::path p = tmp("attributes.glb");
  write_leg_glb(g, p);
  const LegGeometry h = read_leg_glb(p);
  REQUIRE(h.structures.size() == 1);
  REQUIRE(h.structures[0].attributes.size() == m.attributes.size());
  for (std::size_t i = 0; i < m.attributes.size(); ++i) CHECK(h.structures[0].attributes[i] == Approx(m.attributes[i]).margin(2e-7));
  CHECK(h.structures[0].positions == m.positions);
}

TEST_CASE("the glTF writer refuses an inconsistent document, naming the object", "[geometry][io][gltf][errors]") {
  auto doc_with = [](std::vector<float> normals, std::vector<std::uint32_t> idx) {
    gltf::Document d;
    gltf::Primitive p;
    p.attributes.push_back({"POSITION", 3, {0, 0, 0, 1, 0, 0, 0, 1, 0}});
    if (!normals.empty()) p.attributes.push_back({"NORMAL", 3, std::move(normals)});
    p.indices = std::move(idx);
    d.meshes.push_back({"tri", {p}, {}, {}});
    d.nodes.push_back({"tri", 0, {}, {}, {}, {}});
    d.scene = {0};
    return d;
  };
  const std::vector<float> up = {0, 0, 1, 0, 0, 1, 0, 0, 1};
  CHECK_FALSE(gltf::to_glb(doc_with(up, {0, 1, 2})).empty());
  auto message = [](const gltf::Document& d) {
    try {
      gltf::to_glb(d);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(message(doc_with(up, {0, 1, 3})), Catch::Contains("mesh 'tri'") && Catch::Contains("index 3"));
  CHECK_THAT(message(doc_with(up, {0, 1})), Catch::Contains("whole triangles"));
  CHECK_THAT(message(doc_with({0, 0, 2, 0, 0, 1, 0, 0, 1}, {0, 1, 2})), Catch::Contains("normal 0 has length 2"));
  CHECK_THAT(message(doc_with({0, 0, 1, 0, 0, 1}, {0, 1, 2})), Catch::Contains("NORMAL holds 6 values for 3 vertices"));
  CHECK_THAT(message(doc_with({0, 0, NAN, 0, 0, 1, 0, 0, 1}, {0, 1, 2})), Catch::Contains("normal 0"));
  gltf::Document bad_child = doc_with(up, {0, 1, 2});
  bad_child.nodes[0].children = {4};
  CHECK_THAT(message(bad_child), Catch::Contains("child 4"));
  gltf::Document bad_keys = doc_with(up, {0, 1, 2});
  bad_keys.animations.push_back({"a", {{{0.0f, 0.0f}, {1, 0, 0, 1, 0, 0}, 3, false}}, {{0, 0, "translation"}}});
  CHECK_THAT(message(bad_keys), Catch::Contains("key times do not increase"));
}

TEST_CASE("bad mesh files are refused with a message", "[geometry][io][errors]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  SECTION("a truncated glb") {
    std::ifstream in(default_leg_mesh(), std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    write(tmp("truncated.glb"), bytes.substr(0, bytes.size() / 3));
    CHECK_THAT(expect_refusal([&] { read_leg_glb(tmp("truncated.glb")); }), Catch::Contains("unreadable"));
  }
  SECTION("an empty file") {
    write(tmp("empty.obj"), "");
    CHECK_THAT(expect_refusal([&] { read_leg_glb(tmp("empty.obj")); }), Catch::Contains("empty"));
  }
  SECTION("an absurdly large file") {
    MeshLimits small;
    small.max_file_bytes = 1000;
    CHECK_THAT(expect_refusal([&] { read_leg_glb(default_leg_mesh(), small); }), Catch::Contains("at most"));
    MeshLimits few;
    few.max_vertices = 100;
    CHECK_THAT(expect_refusal([&] { read_leg_glb(default_leg_mesh(), few); }), Catch::Contains("vertices"));
  }
  SECTION("a file that is no glTF under a .glb name is not handed to other readers") {
    // Assimp 5.2.5 passes a file its glTF reader refuses to every other reader's signature check,
    // one of which reads past the end of this 60-byte file (found by tests/fuzz; the sanitizer
    // build of this test reports it if the file reaches those readers again)
    const unsigned char probe[] = {'g', 'l', 'T', 'm', 's', '3', 'd', '0', '0', '0', '0', '0', '0', 2, 0, 0, 'J', 'S', 'O', 'N', '{', '"',
                                   'a', 's', '\'', 'e', 't', 'v', 'e', 'r', 't', 'e', 'x', 'a', 'r', 'r', 'a', 'y', ' ', '(', 'a', 't', 't',
                                   'r', 'i', 'b', '"', 'c', 'h', 'i', 'l', 0, 3, 0, 2, 0, 0, 0, 3, 2};
    write(tmp("probe.glb"), std::string(reinterpret_cast<const char*>(probe), sizeof probe));
    CHECK_THAT(expect_refusal([&] { read_leg_glb(tmp("probe.glb")); }), Catch::Contains("unreadable"));
  }
  SECTION("a binary glTF whose views lie outside their buffers is refused before Assimp sizes anything by them") {
    // found by tests/fuzz (corpus/leg_glb/regression-view-without-length): a buffer view without its
    // byteLength made Assimp 5.2.5 ask for 64 GiB; as found its JSON is also not UTF-8
    const fs::path seed = fs::path(__FILE__).parent_path().parent_path() / "fuzz" / "corpus" / "leg_glb" / "regression-view-without-length";
    std::ifstream in(seed, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(bytes.size() == 888);
    write(tmp("view-found.glb"), bytes);
    CHECK_THAT(expect_refusal([&] { read_leg_glb(tmp("view-found.glb")); }), Catch::Contains("not valid JSON"));
    const auto at = bytes.find("byteLengt\xa9");
    REQUIRE(at != std::string::npos);
    bytes[at + 9] = 'x';  // valid UTF-8 now: the view simply has no byteLength
    write(tmp("view-no-length.glb"), bytes);
    CHECK_THAT(expect_refusal([&] { read_leg_glb(tmp("view-no-length.glb")); }), Catch::Contains("buffer view 2 has no byteLength"));
    bytes.replace(at, 10, "byteLength");
    const auto len = bytes.find("\"byteLength\":24");
    REQUIRE(len != std::string::npos);
    bytes.replace(len, std::string("\"byteLength\":24").size(), "\"byteLength\":99");  // past the 120-byte buffer
    write(tmp("view-too-long.glb"), bytes);
    CHECK_THAT(expect_refusal([&] { read_leg_glb(tmp("view-too-long.glb")); }), Catch::Contains("buffer view 2") && Catch::Contains("outside its buffer"));
  }
  SECTION("a leg in another format than binary glTF") {
    write(tmp("leg.obj"), "v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n");
    CHECK_THAT(expect_refusal([&] { read_leg_glb(tmp("leg.obj")); }), Catch::Contains("unknown mesh format '.obj'") && Catch::Contains(".glb"));
  }
  SECTION("a missing structure") {
    LegGeometry g = read_leg_glb(default_leg_mesh());
    g.structures.erase(g.structures.begin() + g.find("soleus", StructureKind::Muscle));
    CHECK_THAT(expect_refusal([&] { check_leg_geometry(g, leg, "leg.glb"); }),
               Catch::Contains("muscle:soleus") && Catch::Contains("missing structure"));
  }
}

TEST_CASE("a user's mesh bound by a mapping file replaces the generated structure", "[geometry][io]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const LegGeometry generated = read_leg_glb(default_leg_mesh());
  write(tmp("atlas.obj"), soleus_obj());
  write(tmp("map.toml"), "[mesh]\nfile = \"atlas.obj\"\nscale = 0.001\n\n[structures]\nsoleus = \"Soleus_R\"\n");
  const LegGeometry g = load_user_leg(tmp("map.toml"), {}, leg, generated);
  const StructureMesh& s = g.structures[std::size_t(g.find("soleus", StructureKind::Muscle))];
  CHECK(s.vertex_count() == 4);
  CHECK(s.positions[2] == Approx(0.140f));  // scaled from mm
  CHECK(s.attributes[2] > 0.5f);            // its lowest vertex lies far along the soleus' axis
  REQUIRE_NOTHROW(check_leg_geometry(g, leg, "map.toml"));
  // and it deforms with the soleus
  const Scenario sc = load_scenario(resolve_scenario("healthy-tiptoe"), leg);
  const Model m = build_model(leg, sc.condition);
  Simulation sim(m, sc.schedule());
  sim.run_until(20.35);
  LegGeometry out = g;
  Deformer(m, g).apply(sim.state(), out);
  const StructureMesh& d = out.structures[std::size_t(g.find("soleus", StructureKind::Muscle))];
  CHECK(d.positions[2] > s.positions[2] + 0.005f);  // the distal end moved up as the muscle shortened
}

TEST_CASE("bad mappings and bad user meshes are refused with file, line and key", "[geometry][io][errors]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const LegGeometry generated = read_leg_glb(default_leg_mesh());
  write(tmp("atlas.obj"), soleus_obj());
  SECTION("a mapping naming an unknown structure") {
    write(tmp("bad-map.toml"), "[mesh]\nfile = \"atlas.obj\"\n\n[structures]\nsoleus = \"Soleus_R\"\nquadriceps = \"Quad\"\n");
    const std::string msg = expect_refusal([&] { load_user_leg(tmp("bad-map.toml"), {}, leg, generated); });
    CHECK_THAT(msg, Catch::Contains("bad-map.toml:6:") && Catch::Contains("structures.quadriceps") &&
                        Catch::Contains("unknown structure 'quadriceps'"));
  }
  SECTION("a mapping naming a mesh the file does not have") {
    write(tmp("bad-name.toml"), "[mesh]\nfile = \"atlas.obj\"\n\n[structures]\nsoleus = \"Soleus_L\"\n");
    CHECK_THAT(expect_refusal([&] { load_user_leg(tmp("bad-name.toml"), {}, leg, generated); }),
               Catch::Contains("no mesh or node named 'Soleus_L'"));
  }
  SECTION("an empty OBJ") {
    write(tmp("empty.obj"), "# nothing here\n");
    write(tmp("empty-map.toml"), "[mesh]\nfile = \"empty.obj\"\n\n[structures]\nsoleus = \"Soleus_R\"\n");
    const std::string msg = expect_refusal([&] { load_user_leg(tmp("empty-map.toml"), {}, leg, generated); });
    CHECK_THAT(msg, Catch::Contains("empty.obj"));
  }
  SECTION("a NaN vertex") {
    write(tmp("nan.obj"), soleus_obj("nan -60 140"));
    write(tmp("nan-map.toml"), "[mesh]\nfile = \"nan.obj\"\n\n[structures]\nsoleus = \"Soleus_R\"\n");
    CHECK_THAT(expect_refusal([&] { load_user_leg(tmp("nan-map.toml"), {}, leg, generated); }), Catch::Contains("not finite"));
  }
}

namespace {

// the leg's own meshes as an atlas would have them: in millimetres, Y up and Z anterior (glTF's
// convention), the left leg's mirror image (x toward the body's midline), and placed as its
// subject stands: 5% taller, turned 20 degrees about the vertical, its origin elsewhere. From the
// leg's coordinates: leg = s R a + t with a = 0.001 A file, A the axes (+x, +z, +y) that the mapping
// names as ["-x", "+z", "+y"] with mirror = true.
struct AtlasPlacement {
  double s = 1.05, angle = 20.0 * 3.14159265358979 / 180.0;
  Point3 t{0.12, -0.03, 0.85};
  Point3 to_file(const Point3& p) const {
    const Point3 q{(p[0] - t[0]) / s, (p[1] - t[1]) / s, (p[2] - t[2]) / s};
    const double c = std::cos(angle), sn = std::sin(angle);
    const Point3 a{c * q[0] + sn * q[1], -sn * q[0] + c * q[1], q[2]};  // R^T q, R about +z
    return {1000 * a[0], 1000 * a[2], 1000 * a[1]};                      // A^T: file x = a x, file y = a z, file z = a y
  }
  std::string transform_toml() const {
    const double c = std::cos(angle), sn = std::sin(angle);
    return fmt::format("transform = [[{0}, {1}, 0, {3}], [{2}, {0}, 0, {4}], [0, 0, {5}, {6}]]\n", s * c, -s * sn, s * sn, t[0], t[1], s, t[2]);
  }
};

}  // namespace

TEST_CASE("an atlas mesh in other units, axes, side and place lands on the description by landmarks within 1 mm", "[geometry][io][mapping]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const LegGeometry generated = read_leg_glb(default_leg_mesh());
  const AtlasPlacement at;
  const std::vector<std::string> names{"tibia", "soleus", "gsv"};
  std::string obj;
  std::size_t base = 1;
  for (const auto& n : names) {
    const StructureMesh& s = generated.structures[std::size_t(generated.find(n, n == "gsv" ? StructureKind::Vein : n == "tibia" ? StructureKind::Bone : StructureKind::Muscle))];
    obj += fmt::format("o Atlas_{}\n", n);
    for (std::size_t v = 0; v < s.vertex_count(); ++v) {
      const Point3 f = at.to_file({s.positions[3 * v], s.positions[3 * v + 1], s.positions[3 * v + 2]});
      obj += fmt::format("v {:.6f} {:.6f} {:.6f}\n", f[0], f[1], f[2]);
    }
    // outward in the atlas' own (mirrored) space: the winding reversed
    for (std::size_t i = 0; i + 2 < s.indices.size(); i += 3)
      obj += fmt::format("f {} {} {}\n", base + s.indices[i], base + s.indices[i + 2], base + s.indices[i + 1]);
    base += s.vertex_count();
  }
  write(tmp("atlas-leg.obj"), obj);
  const std::string mesh = "[mesh]\nfile = \"atlas-leg.obj\"\nscale = 0.001\naxes = [\"-x\", \"+z\", \"+y\"]\nmirror = true\n\n";
  const std::string structures = "[structures]\ntibia = \"Atlas_tibia\"\nsoleus = \"Atlas_soleus\"\ngsv = \"Atlas_gsv\"\n";
  // the landmarks as an anatomist would mark them on the atlas: within half a millimetre
  std::string marks = "[landmarks]\n";
  int k = 0;
  for (const auto& [name, p] : leg.landmark_points) {
    Point3 f = at.to_file(p);
    const double jitter = 0.5 * ((k * 7) % 5 - 2) / 2.0;  // -0.5 .. +0.5 mm, deterministic
    f[(std::size_t(k) % 3)] += jitter;
    ++k;
    marks += fmt::format("{} = [{:.4f}, {:.4f}, {:.4f}]\n", name, f[0], f[1], f[2]);
  }
  auto check_placed = [&](const LegGeometry& g, double tolerance_m) {
    for (const auto& n : names) {
      const int idx = g.find(n, n == "gsv" ? StructureKind::Vein : n == "tibia" ? StructureKind::Bone : StructureKind::Muscle);
      const StructureMesh &got = g.structures[std::size_t(idx)], &want = generated.structures[std::size_t(generated.find(n, got.kind))];
      REQUIRE(got.vertex_count() == want.vertex_count());
      // every vertex where one of the original's is (Assimp may reorder them), and outward
      double worst = 0;
      for (std::size_t v = 0; v < got.vertex_count(); v += 7) {
        double best = 1e9;
        for (std::size_t w = 0; w < want.vertex_count(); ++w)
          best = std::min(best, std::hypot(double(got.positions[3 * v]) - want.positions[3 * w], double(got.positions[3 * v + 1]) - want.positions[3 * w + 1],
                                           double(got.positions[3 * v + 2]) - want.positions[3 * w + 2]));
        worst = std::max(worst, best);
      }
      INFO(n << ": worst vertex " << worst * 1e3 << " mm from the description's place");
      CHECK(worst < tolerance_m);
      if (got.closed) CHECK(check_mesh(got).signed_volume_m3 > 0);
    }
  };
  SECTION("fitted to the landmarks") {
    write(tmp("atlas-map.toml"), mesh + marks + "\n" + structures);
    MappingFit fit;
    const LegGeometry g = load_user_leg(tmp("atlas-map.toml"), {}, leg, generated, {}, &fit);
    INFO("residual " << fit.rms_m * 1e3 << " mm RMS, worst " << fit.worst << " " << fit.worst_m * 1e3 << " mm, scale " << fit.scale);
    CHECK(fit.fitted);
    CHECK(fit.residuals.size() == leg.landmark_points.size());
    CHECK(fit.rms_m > 0.0);  // the marks' jitter shows
    CHECK(fit.rms_m < 0.5e-3);
    CHECK(fit.scale == Approx(1.05).epsilon(0.01));
    check_placed(g, 1e-3);
    REQUIRE_NOTHROW(check_leg_geometry(g, leg, "atlas-map.toml"));
  }
  SECTION("by an explicit transform") {
    write(tmp("atlas-explicit.toml"), mesh + "[placement]\n" + at.transform_toml() + "\n" + structures);
    check_placed(load_user_leg(tmp("atlas-explicit.toml"), {}, leg, generated), 1e-5);
  }
  SECTION("a mapping that forgets the mirror is refused by its residual") {
    write(tmp("atlas-nomirror.toml"), "[mesh]\nfile = \"atlas-leg.obj\"\nscale = 0.001\naxes = [\"-x\", \"+z\", \"+y\"]\n\n" + marks + "\n" + structures);
    CHECK_THAT(expect_refusal([&] { load_user_leg(tmp("atlas-nomirror.toml"), {}, leg, generated); }),
               Catch::Contains("atlas-nomirror.toml") && Catch::Contains("landmarks") && Catch::Contains("residual") && Catch::Contains("axes"));
  }
  SECTION("bad landmarks and placements are refused by file, line and key") {
    write(tmp("atlas-unknown.toml"), mesh + "[landmarks]\nmedial-malleolus = [0, 0, 0]\nknee-cap = [1, 2, 3]\n\n" + structures);
    CHECK_THAT(expect_refusal([&] { load_user_leg(tmp("atlas-unknown.toml"), {}, leg, generated); }),
               Catch::Contains("atlas-unknown.toml:") && Catch::Contains("knee-cap") && Catch::Contains("fibular-head"));
    // three landmarks, even the right ones, cannot tell the mesh from its mirror image
    std::string three = "[landmarks]\n";
    for (const char* name : {"medial-malleolus", "lateral-malleolus", "fibular-head"})
      for (const auto& [n, p] : leg.landmark_points)
        if (n == name) {
          const Point3 f = at.to_file(p);
          three += fmt::format("{} = [{:.4f}, {:.4f}, {:.4f}]\n", n, f[0], f[1], f[2]);
        }
    write(tmp("atlas-three.toml"), mesh + three + "\n" + structures);
    CHECK_THAT(expect_refusal([&] { load_user_leg(tmp("atlas-three.toml"), {}, leg, generated); }), Catch::Contains("at least four") && Catch::Contains("mirror"));
    // four in one plane (the malleoli and the epicondyles: nearly so in this leg) are refused too
    std::string flat = "[landmarks]\n";
    for (const char* name : {"medial-malleolus", "lateral-malleolus", "medial-epicondyle", "lateral-epicondyle"})
      for (const auto& [n, p] : leg.landmark_points)
        if (n == name) {
          const Point3 f = at.to_file(p);
          flat += fmt::format("{} = [{:.4f}, {:.4f}, {:.4f}]\n", n, f[0], f[1], f[2]);
        }
    write(tmp("atlas-flat.toml"), mesh + flat + "\n" + structures);
    CHECK_THAT(expect_refusal([&] { load_user_leg(tmp("atlas-flat.toml"), {}, leg, generated); }), Catch::Contains("one plane"));
    write(tmp("atlas-both.toml"), mesh + "[placement]\n" + at.transform_toml() + "\n" + marks + "\n" + structures);
    CHECK_THAT(expect_refusal([&] { load_user_leg(tmp("atlas-both.toml"), {}, leg, generated); }), Catch::Contains("not both"));
    write(tmp("atlas-axes.toml"), "[mesh]\nfile = \"atlas-leg.obj\"\naxes = [\"+x\", \"+x\", \"+y\"]\n\n" + structures);
    CHECK_THAT(expect_refusal([&] { load_user_leg(tmp("atlas-axes.toml"), {}, leg, generated); }),
               Catch::Contains("atlas-axes.toml:3") && Catch::Contains("mesh.axes") && Catch::Contains("twice"));
    write(tmp("atlas-singular.toml"), mesh + "[placement]\ntransform = [[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0]]\n\n" + structures);
    CHECK_THAT(expect_refusal([&] { load_user_leg(tmp("atlas-singular.toml"), {}, leg, generated); }), Catch::Contains("singular"));
  }
}
