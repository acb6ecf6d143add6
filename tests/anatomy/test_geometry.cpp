// The leg's meshes as the build wrote them: budget, manifold closed surfaces, outward normals,
// every structure present with its attributes.

#include <catch2/catch.hpp>

#include "anatomy/description.hpp"
#include "anatomy/geometry.hpp"
#include "anatomy/geometry_io.hpp"

using namespace calfpump::anatomy;

TEST_CASE("the built leg is complete, within budget and clean", "[geometry]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const LegGeometry g = read_leg_glb(default_leg_mesh());
  REQUIRE_NOTHROW(check_leg_geometry(g, leg, default_leg_mesh().string()));
  CHECK(g.triangle_count() <= 400000);
  for (const auto& s : g.structures) {
    INFO(structure_kind_name(s.kind) << ":" << s.name);
    const MeshReport r = check_mesh(s);
    CHECK(r.finite);
    CHECK(r.degenerate_triangles == 0);
    CHECK(s.attributes.size() == s.vertex_count() * kAttributeCount);
    if (!s.closed) continue;
    CHECK(r.boundary_edges == 0);
    CHECK(r.nonmanifold_edges == 0);
    CHECK(r.signed_volume_m3 > 0);  // counter-clockwise from outside: outward
    CHECK(r.inward_normals == 0);
  }
}

TEST_CASE("the meshes read as a leg: sizes of an adult's lower limb", "[geometry]") {
  const LegGeometry g = read_leg_glb(default_leg_mesh());
  const MeshReport skin = check_mesh(g.structures[std::size_t(g.find("skin", StructureKind::Skin))]);
  CHECK(skin.volume_m3 > 0.008);  // foot to upper thigh: ~10-13 litres
  CHECK(skin.volume_m3 < 0.016);
  const MeshReport soleus = check_mesh(g.structures[std::size_t(g.find("soleus", StructureKind::Muscle))]);
  const MeshReport medial = check_mesh(g.structures[std::size_t(g.find("gastrocnemius-medial", StructureKind::Muscle))]);
  // soleus the largest calf muscle (MRI: ~300-500 ml), the medial gastrocnemius ~150-250 ml
  CHECK(soleus.volume_m3 > 250e-6);
  CHECK(soleus.volume_m3 < 550e-6);
  CHECK(medial.volume_m3 > 120e-6);
  CHECK(medial.volume_m3 < 300e-6);
  // the great saphenous vein lies on the medial side (x < 0) under the skin
  const StructureMesh& gsv = g.structures[std::size_t(g.find("gsv", StructureKind::Vein))];
  double mean_x = 0;
  for (std::size_t v = 0; v < gsv.vertex_count(); ++v) mean_x += gsv.positions[3 * v];
  CHECK(mean_x / static_cast<double>(gsv.vertex_count()) < -0.03);
}
