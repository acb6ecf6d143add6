// Fuzzes the mesh mapping reader (the TOML file of anatomy::load_user_leg) with a fixed, valid OBJ
// mesh beside it: the mapping's [mesh] file and [structures] bindings, and what binding a mesh to a
// muscle, a vein, a bone or the skin computes. Mesh files are capped at 1 MiB.

#include "anatomy/geometry_io.hpp"
#include "fuzz_common.hpp"
#include "fuzz_mesh_check.hpp"

namespace anatomy = calfpump::anatomy;
namespace fuzz = calfpump::fuzz;

namespace {

// four named objects near the calf, in millimetres (the seed mappings use scale = 0.001)
constexpr const char* kMesh = R"(# CalfPump fuzz mesh
v -20 -40 200
v 20 -40 200
v 0 -20 200
v 0 -30 300
o calf_muscle
f 1 2 3
f 1 2 4
f 2 3 4
f 3 1 4
v -10 -10 150
v 10 -10 150
v 0 0 150
v 0 -5 350
o deep_vein
f 5 6 7
f 5 6 8
f 6 7 8
f 7 5 8
v -60 -60 100
v 60 -60 100
v 0 60 100
v 0 0 400
o skin_surface
f 9 10 11
f 9 10 12
f 10 11 12
f 11 9 12
v 0 0 100
v 10 0 100
v 0 10 100
v 0 0 300
o shin_bone
f 13 14 15
f 13 14 16
f 14 15 16
f 15 13 16
)";

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fuzz::default_leg();
  (void)fuzz::temp_dir().write("mesh.obj", kMesh);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > fuzz::kMaxInputBytes) return 0;
  const auto file = fuzz::temp_dir().write("mapping.toml", data, size);
  try {
    const anatomy::LegGeometry g = anatomy::load_user_leg(file, {}, fuzz::default_leg(), {}, fuzz::kMeshLimits);
    fuzz::check_geometry(g);
  } catch (const anatomy::ConfigError& e) { fuzz::refused(e); }
  return 0;
}
