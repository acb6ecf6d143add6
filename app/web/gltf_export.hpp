#pragma once
// `calfpump export <scenario> --gltf FILE.glb`: a clip of the simulated leg baked into an animated
// glTF that plays in any viewer, without CalfPump's engine.
//   - The leg's surfaces, simplified for a web page: bones, muscles, tendon and skin by
//     meshoptimizer's edge collapses (within 1 mm); veins by keeping every fourth ring of their
//     tubes (so a ring is still the simulated cross-section); valve leaflets by keeping every
//     other column of their grid (the rows, wall to free edge, whole).
//   - Motion as morph targets, one per frame, and a weights animation that blends from one frame's
//     target to the next's: muscle bulge, vein collapse and refilling, and valve leaflets opening
//     and closing, each exactly as the CPU reference of the deformation (anatomy/deform.hpp)
//     places it at that frame's model time. Displacements are 16-bit (KHR_mesh_quantization,
//     0.03 mm steps); the muscles', tendon's and skin's normals follow with 8-bit displacements
//     (the bulge is seen by its shading).
//   - The blood as beads: the particle transport's rules (anatomy/particles.hpp) on the CPU for a
//     few hundred particles, each a node whose translation follows its particle (up the veins,
//     and down through a leaky valve); a bead is hidden (scale 0) while it is above the leg or
//     waits at the heart, and shown again where the inflow brings it back.
//   - --compare puts a second leg beside the first (the first on the left, seen from behind).
//   - --loop cuts the clip to whole contraction cycles and ends it on its first frame.
//   - A storyboard's shot (--shot N or NAME) gives the legs, the start, the length, the slow
//     motion (model seconds per clip second) and the captions.
//   - --compress meshopt codes every buffer with meshoptimizer (EXT_meshopt_compression), for
//     pages (the default with --html); plain files stay readable by every viewer.
//   - --html DIR writes the clip with a page that plays it (web/page.hpp) and a poster drawn by
//     CalfPump's renderer.
// The files appear only when complete, and the same command writes the same bytes (the poster
// aside, which a GPU draws).

#include <cstddef>
#include <optional>
#include <string>

namespace calfpump::app {

/// Options of `export --gltf`.
struct GltfExportOptions {
  std::string scenario;              ///< a scenario, or a storyboard (with `shot`)
  std::string shot;                  ///< a storyboard's shot: its number (from 1) or name
  std::string compare;               ///< a second leg beside the first
  std::string out;                   ///< FILE.glb (or empty with `html_dir`)
  std::string html_dir;              ///< a folder for the page, the clip and its poster
  std::string languages;             ///< the page's languages, "en,es" (default: the storyboard's, or en, es, ar)
  std::string model_viewer_js;       ///< a local copy of model-viewer.min.js to put beside the page
  /// "meshopt" (EXT_meshopt_compression) or "none"; default: meshopt for a page (model-viewer
  /// decodes it), none for a file (every viewer reads it)
  std::string compress;
  std::optional<double> fps;         ///< key frames per second of model time (default 10)
  std::optional<double> duration_s;  ///< default 4 s
  std::optional<double> start_s;     ///< default: 20 s into the activity (the pump in its steady rhythm), or 0 when still
  bool loop = false;
  std::size_t beads = 600;           ///< per leg (shown while in the leg's veins)
  bool quiet = false;
};

int cmd_export_gltf(const GltfExportOptions& o);

}  // namespace calfpump::app
