// Fuzzes the leg mesh reader, anatomy::read_leg_glb (glTF binary through Assimp), and the check of
// a loaded leg against the description, anatomy::check_leg_geometry. Files are capped at 1 MiB.

#include "anatomy/geometry_io.hpp"
#include "fuzz_common.hpp"
#include "fuzz_mesh_check.hpp"

namespace anatomy = calfpump::anatomy;
namespace fuzz = calfpump::fuzz;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fuzz::default_leg();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > fuzz::kMaxInputBytes) return 0;
  const auto file = fuzz::temp_dir().write("leg.glb", data, size);
  try {
    const anatomy::LegGeometry g = anatomy::read_leg_glb(file, fuzz::kMeshLimits);
    fuzz::check_geometry(g);
    anatomy::check_leg_geometry(g, fuzz::default_leg(), file.string());
  } catch (const anatomy::ConfigError& e) { fuzz::refused(e); }
  return 0;
}
