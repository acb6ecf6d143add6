// Fuzzes a user's mesh loaded through Assimp by anatomy::load_user_leg (OBJ, STL, glTF, GLB) with a
// fixed, valid mapping. The first input byte chooses the format (low two bits: OBJ, STL, glTF,
// GLB) and the structure the mapping binds the mesh named "target" to (next two bits: a muscle, a
// vein, the skin, a bone); the rest is the mesh file, capped at 1 MiB.

#include <array>
#include <cstring>

#include "anatomy/geometry_io.hpp"
#include "fuzz_common.hpp"
#include "fuzz_mesh_check.hpp"

namespace anatomy = calfpump::anatomy;
namespace fuzz = calfpump::fuzz;

namespace {

constexpr std::array<const char*, 4> kExtensions = {".obj", ".stl", ".gltf", ".glb"};
constexpr std::array<const char*, 4> kStructures = {"soleus", "posterior-tibial", "skin", "tibia"};

// mapping-<structure>-<name>.toml: binds the structure to a mesh name, in millimetres
fuzz::fs::path mapping(std::size_t structure, const std::string& mesh_name) {
  static std::array<fuzz::fs::path, 2 * kStructures.size()> files;
  const std::size_t k = 2 * structure + (mesh_name == "target" ? 0 : 1);
  if (files[k].empty()) {
    const std::string text = std::string("[mesh]\nscale = 0.001\n[structures]\n") + kStructures[structure] + " = \"" + mesh_name + "\"\n";
    files[k] = fuzz::temp_dir().write("mapping-" + std::to_string(k) + ".toml", text);
  }
  return files[k];
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fuzz::default_leg();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > fuzz::kMaxInputBytes + 1) return 0;
  const std::size_t format = data[0] & 3u, structure = (data[0] >> 2) & 3u;
  const std::uint8_t* file_data = data + 1;
  const std::size_t file_size = size - 1;
  // Assimp names a binary STL's only node "<STL_BINARY>"; an ASCII STL's mesh takes the solid's name
  const bool binary_stl = format == 1 && (file_size < 5 || std::memcmp(file_data, "solid", 5) != 0);
  // one mesh file at a time: a glTF's buffer URI must not find an earlier input's file
  for (std::size_t f = 0; f < kExtensions.size(); ++f) {
    std::error_code ec;
    if (f != format) fuzz::fs::remove(fuzz::temp_dir().path() / (std::string("mesh") + kExtensions[f]), ec);
  }
  const auto mesh = fuzz::temp_dir().write(std::string("mesh") + kExtensions[format], file_data, file_size);
  try {
    const anatomy::LegGeometry g = anatomy::load_user_leg(mapping(structure, binary_stl ? "<STL_BINARY>" : "target"), mesh,
                                                          fuzz::default_leg(), {}, fuzz::kMeshLimits);
    fuzz::check_geometry(g);
  } catch (const anatomy::ConfigError& e) { fuzz::refused(e); }
  return 0;
}
