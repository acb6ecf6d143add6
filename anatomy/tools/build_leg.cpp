// calfpump-build-leg: run by the build. Reads the leg description and writes the leg's meshes as
// glTF binary: calfpump-build-leg <leg.toml> <out.glb>

#include <cstdio>

#include <fmt/format.h>

#include "anatomy/description.hpp"
#include "anatomy/error.hpp"
#include "anatomy/geometry.hpp"
#include "anatomy/geometry_build.hpp"
#include "anatomy/geometry_io.hpp"

int main(int argc, char** argv) {
  using namespace calfpump::anatomy;
  if (argc != 3) {
    fmt::print(stderr, "usage: calfpump-build-leg <leg.toml> <out.glb>\n");
    return 2;
  }
  try {
    const LegDescription leg = load_leg_description(argv[1]);
    const LegGeometry g = build_leg_geometry(leg);
    std::size_t bad = 0;
    for (const auto& s : g.structures) {
      const MeshReport r = check_mesh(s);
      if (r.degenerate_triangles || !r.finite || (s.closed && (r.boundary_edges || r.nonmanifold_edges || r.signed_volume_m3 <= 0))) {
        fmt::print(stderr, "calfpump-build-leg: {} {}: {} degenerate, {} open, {} non-manifold edges, volume {:.3g} m^3\n",
                   structure_kind_name(s.kind), s.name, r.degenerate_triangles, r.boundary_edges, r.nonmanifold_edges,
                   r.signed_volume_m3);
        ++bad;
      }
    }
    if (bad) return 1;
    write_leg_glb(g, argv[2]);
    fmt::print("calfpump-build-leg: {} structures, {} triangles -> {}\n", g.structures.size(), g.triangle_count(), argv[2]);
    return 0;
  } catch (const ConfigError& e) {
    fmt::print(stderr, "calfpump-build-leg: error: {}\n", e.what());
    return 2;
  }
}
