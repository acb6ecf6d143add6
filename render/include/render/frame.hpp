#pragma once
// The frame description: everything one frame draws, as plain data (MuJoCo's mjvScene between
// mjv_updateScene and mjr_render). The app composes it (app/core: compose_frame) from a session of
// legs; the renderer draws only what it is given here. No Vulkan type and no pointer into a live
// simulation: a FrameDesc can be kept, copied, compared and drawn later or elsewhere.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "anatomy/deform.hpp"
#include "anatomy/geometry.hpp"
#include "anatomy/particles.hpp"

namespace calfpump::render {

/// A camera in leg coordinates (m).
struct Camera {
  // posteromedial view of the lower leg, knee to foot: the calf muscles, the deep and the great
  // saphenous veins in one picture
  std::array<float, 3> eye{-0.55f, -0.95f, 0.50f};
  std::array<float, 3> target{0.0f, -0.01f, 0.29f};
  std::array<float, 3> up{0.0f, 0.0f, 1.0f};
  float fov_deg = 35.0f;
  /// A cut: the view draws only where clip[0] x + clip[1] y + clip[2] z + clip[3] >= 0 (tissue and
  /// blood alike; the cross-section view's plane). All zero: nothing is cut away.
  std::array<float, 4> clip{0.0f, 0.0f, 0.0f, 0.0f};
};

/// The tissue bit of a structure kind, for Inset::tissues.
constexpr std::uint32_t tissue_bit(anatomy::StructureKind kind) { return 1u << static_cast<unsigned>(kind); }

/// Every tissue kind's bit.
inline constexpr std::uint32_t kAllTissues = 0x3f;

/// A second view of one leg in a box of the frame, e.g. a close-up of a valve.
struct Inset {
  std::size_t slot = 0;            ///< which leg
  Camera camera;
  std::array<int, 4> viewport{};   ///< x, y, width, height in pixels
  /// Which tissues it draws: bit (1 << StructureKind) set; the blood is always drawn.
  std::uint32_t tissues = kAllTissues;
  /// Radius of the blood spheres (m); 0: as in the main view (0.45 mm, at least about a pixel).
  float blood_radius_m = 0;
};

/// One 2D overlay vertex in pixels (x right, y down); see overlay.hpp for the encoding of u, v.
struct OverlayVertex {
  float x, y, u, v;
  std::uint32_t rgba;
};

/// The opacity of each tissue kind (index: anatomy::StructureKind): 1 opaque, 0 cut away, between
/// see-through. Defaults: skin and vein walls see-through, so the veins and the blood show.
using LayerOpacity = std::array<float, 6>;

/// The default layers: bone, muscle, tendon opaque; skin 0.16; vein walls 0.30; valves opaque.
constexpr LayerOpacity default_layers() { return {1.0f, 1.0f, 1.0f, 0.16f, 0.30f, 1.0f}; }

/// One leg of a frame: what its state gives the deformation and the blood.
struct LegFrame {
  anatomy::DeformFrame deform;        ///< muscle shortening, tendon pull, segment areas, valve poses
  anatomy::ParticleInputs particles;  ///< segment and port flows, arterial inflow (the transport's inputs)
  /// The leg's own view is cut by this plane (Camera::clip; the cross-section view), its close-ups
  /// are not. All zero: no cut.
  std::array<float, 4> cut{0.0f, 0.0f, 0.0f, 0.0f};
};

/// What one frame draws.
struct FrameDesc {
  int width = 0, height = 0;        ///< pixels; a target of this size draws it
  std::vector<LegFrame> legs;       ///< one per leg the renderer holds, in slot order
  Camera camera;                    ///< the legs' view; legs stand side by side (leg_viewport)
  int leg_top = 0;                  ///< pixels above the legs kept for titles
  int leg_bottom = 0;               ///< pixels below the legs kept for captions
  std::vector<Inset> insets;        ///< close-ups, drawn over the legs and under the overlay
  LayerOpacity layers = default_layers();
  std::vector<OverlayVertex> overlay;  ///< 2D triangles over the finished scene (overlay.hpp)
  double particle_dt = 0;           ///< s of model time the blood moves first (0: it stays)
  /// Draw a view's simplified surfaces (within 0.5 mm of the full ones) where a millimetre is under
  /// a pixel there; false: every triangle, whatever the size.
  bool simplify = true;
};

/// A leg's frame inputs for a state: the deformation tables and the transport's inputs (pure
/// functions of model and state; `paths` and `network` are the model's, built once).
LegFrame leg_frame(const anatomy::Model& model, const anatomy::LegPaths& paths, const anatomy::ParticleNetwork& network,
                   const anatomy::State& state);

/// The most legs one frame shows side by side.
inline constexpr std::size_t kMaxLegs = 2;

/// Where leg `index` of `count` appears: its viewport (x, y, width, height in pixels), side by
/// side, between `top` and `bottom` pixels kept free at the frame's edges.
std::array<int, 4> leg_viewport(int width, int height, std::size_t index, std::size_t count, int top = 0, int bottom = 0);

/// Projects a point in leg coordinates to pixels of a viewport (x right, y down); z is the
/// depth (0 near, 1 far), negative or > 1 behind the camera or out of range.
std::array<float, 3> project(const Camera& camera, const std::array<float, 3>& point, const std::array<int, 4>& viewport);

/// The ray through pixel (x, y) of a viewport (x right, y down): its origin at the eye and its
/// unit direction, in leg coordinates; the inverse of project().
std::array<std::array<float, 3>, 2> pick_ray(const Camera& camera, const std::array<int, 4>& viewport, float x, float y);

}  // namespace calfpump::render
