// Mesh files: the built glb reads back exactly; bad files and bad mappings are refused with a
// message; a user's meshes bound by a mapping file take the generated structures' place.

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "anatomy/deform.hpp"
#include "anatomy/error.hpp"
#include "anatomy/geometry_io.hpp"
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
