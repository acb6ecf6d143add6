#pragma once
// The Vulkan renderer, offscreen first: it draws the deformed leg into an image and reads it back
// (tests, screenshots and recording use this path; a window will add a swapchain to the same
// renderer). It owns no physiology: it draws the meshes it is given. Vulkan stays out of this
// header, so the app compiles without it.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "anatomy/geometry.hpp"
#include "anatomy/model.hpp"
#include "anatomy/state.hpp"

namespace calfpump::render {

/// A Vulkan failure or a missing capability, with the call, its VkResult name, file and line.
class RenderError : public std::runtime_error {
 public:
  explicit RenderError(const std::string& message) : std::runtime_error(message) {}
};

/// How edges are smoothed.
enum class Antialiasing {
  Automatic,    ///< 4x multisampling on GPUs; the edge filter on CPU devices (lavapipe), which pay
                ///< for every sample's depth test and blend
  Multisample,  ///< 4x multisampling where the device offers it, else the edge filter
  EdgeFilter,   ///< one sample per pixel, smoothed along the edges found in the picture (FXAA-like)
  None,         ///< one sample per pixel, unfiltered (for comparisons)
};

/// How to create the renderer.
struct RenderOptions {
  int width = 1280;
  int height = 720;
  std::string device;       ///< part of a device name to force ("llvmpipe", "NVIDIA"); empty: prefer a discrete GPU
  bool validation = false;  ///< Khronos validation layers and a debug messenger that counts messages
  Antialiasing antialiasing = Antialiasing::Automatic;
};

/// A camera in leg coordinates (m).
struct Camera {
  // posteromedial view of the lower leg, knee to foot: the calf muscles, the deep and the great
  // saphenous veins in one picture
  std::array<float, 3> eye{-0.55f, -0.95f, 0.50f};
  std::array<float, 3> target{0.0f, -0.01f, 0.29f};
  std::array<float, 3> up{0.0f, 0.0f, 1.0f};
  float fov_deg = 35.0f;
};

/// An RGBA8 image, rows top to bottom.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;
};

/// Appearance of one tissue kind.
struct TissueStyle {
  std::array<float, 4> color;  ///< rgb, alpha (alpha < 1: drawn translucent, after the opaque ones)
};

/// The default style of a kind: anatomy-atlas colours, translucent skin and veins.
TissueStyle default_style(anatomy::StructureKind kind);

class Overlay;
struct FontAtlas;

/// How long the GPU spent on each part of the last frame (ms), from timestamps; all zero where the
/// device has none.
struct FrameTimings {
  double particles_ms = 0;  ///< particle transport, placement and the blood's rasterization (compute)
  double deform_ms = 0;     ///< deformation and normals (compute)
  double draw_ms = 0;       ///< tissue, blood and overlay drawing, multisample resolve
  double readback_ms = 0;   ///< copy of the image into host memory
};

/// A second view of one leg in a box of the frame, e.g. a close-up of a valve.
struct Inset {
  std::size_t slot = 0;            ///< which leg
  Camera camera;
  std::array<int, 4> viewport{};   ///< x, y, width, height in pixels
  /// Which tissues it draws: bit (1 << StructureKind) set; the blood is always drawn.
  std::uint32_t tissues = 0x3f;
  /// Radius of the blood spheres (m); 0: as in the main view (0.45 mm, at least about a pixel).
  float blood_radius_m = 0;
};

/// The tissue bit of a structure kind, for Inset::tissues.
constexpr std::uint32_t tissue_bit(anatomy::StructureKind kind) { return 1u << static_cast<unsigned>(kind); }

/// What a frame draws besides the legs.
struct FrameOptions {
  double particle_dt = 0;           ///< s of model time to move the particles first (0: they stay)
  const Overlay* overlay = nullptr; ///< 2D text and plots over the frame, in pixels
  int leg_top = 0;                  ///< pixels above the legs kept for titles
  int leg_bottom = 0;               ///< pixels below the legs kept for captions
  std::span<const Inset> insets;    ///< close-ups, drawn over the legs and under the overlay
  /// The skin: 0 cuts it away, 1 makes it opaque; between, see-through (default_style's 0.16).
  float skin_opacity = 0.16f;
  /// Draw a view's simplified surfaces (within 1 mm of the full ones) where a millimetre is under
  /// a pixel there; false: every triangle, whatever the size.
  bool simplify = true;
};

/// The most legs one frame shows side by side.
inline constexpr std::size_t kMaxLegs = 2;

/// Where leg `index` of `count` appears: its viewport (x, y, width, height in pixels), side by
/// side, between `top` and `bottom` pixels kept free at the frame's edges.
std::array<int, 4> leg_viewport(int width, int height, std::size_t index, std::size_t count, int top = 0, int bottom = 0);

/// Projects a point in leg coordinates to pixels of a viewport (x right, y down); z is the
/// depth (0 near, 1 far), negative or > 1 behind the camera or out of range.
std::array<float, 3> project(const Camera& camera, const std::array<float, 3>& point, const std::array<int, 4>& viewport);

/// The renderer. It holds up to kMaxLegs legs (slots 0, 1), each with its own model, deformation
/// and blood particles; a frame draws them side by side with one camera.
class Renderer {
 public:
  explicit Renderer(const RenderOptions& options);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  /// Uploads a leg (rest geometry and its deformation attributes) and the model's constant
  /// deformation data into a slot, once; the model must outlive the renderer's use of it. Slots
  /// are filled in order; the frame shows as many legs as slots are filled. Drops the slot's particles.
  void set_leg(const anatomy::Model& model, const anatomy::LegGeometry& rest, std::size_t slot = 0);
  /// Deforms the one leg on the GPU for a state (anatomy::deform_frame), draws it and reads the image back.
  Image render(const anatomy::State& state, const Camera& camera);
  /// One frame of every leg (one state per filled slot), in one GPU submission: particle transport
  /// (when frame.particle_dt > 0), deformation, drawing, overlay and read-back. `out` keeps its
  /// storage from frame to frame.
  void render(std::span<const anatomy::State* const> states, const Camera& camera, const FrameOptions& frame, Image& out);
  /// Uploads the overlay's font atlases (once, before frames with an overlay).
  void set_fonts(const FontAtlas& regular, const FontAtlas& bold);
  /// GPU time of the last frame's parts.
  const FrameTimings& last_timings() const;
  /// Places `count` blood particles in a slot's leg in proportion to a state's venous volumes.
  void set_particles(const anatomy::State& state, std::size_t count, std::size_t slot = 0);
  /// Moves a slot's particles on the GPU by the flows of a state over dt (s) (its own submission;
  /// frames move them with FrameOptions::particle_dt instead).
  void advance_particles(const anatomy::State& state, double dt, std::size_t slot = 0);
  /// Particle positions as set_particles or the last advance_particles left them (xyz, age per
  /// particle; waiting ones far below the floor). Frames draw the blood without writing them.
  std::vector<float> particle_positions(std::size_t slot = 0) const;

  /// Each particle's segment after the last advance (0xffffffff: waiting at the heart), for checks
  /// of the transport against the simulated flows; a read-back, never needed for drawing.
  std::vector<std::uint32_t> particle_segments(std::size_t slot = 0) const;

  /// The deformed vertex positions of the last frame (xyz per vertex, structures in order). A
  /// frame deforms what it draws: every vertex is current after a frame that showed the whole leg
  /// with every triangle (FrameOptions::simplify false); structures no view showed kept their
  /// last positions, and those drawn only simplified moved only the simplified surfaces' vertices.
  std::vector<float> deformed_positions(std::size_t slot = 0) const;

  /// The chosen device's name.
  const std::string& device_name() const;
  /// How this renderer smooths edges: "4x multisampling", "edge filter" or "none".
  const char* antialiasing() const;
  /// Validation messages seen so far (warnings and errors; 0 when validation is off).
  std::uint64_t validation_messages() const;
  /// The text of the first validation message, if any.
  const std::string& first_validation_message() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes an image as PNG; the file appears only when complete.
void write_png(const Image& image, const std::filesystem::path& file);

}  // namespace calfpump::render
