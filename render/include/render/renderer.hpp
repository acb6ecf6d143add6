#pragma once
// The Vulkan renderer: it draws a frame description (frame.hpp) into a target (target.hpp). It
// holds the legs' constant data (meshes, paths, the particle network) uploaded once, the blood's
// particles, and the GPU work of a frame; it owns no physiology and no wording. Frames are
// pipelined: a frame is recorded and submitted while the one before it may still be drawing, and a
// target hands out a finished frame when asked. Vulkan stays out of this header, so the app
// compiles without it.
//
// Errors: creating a renderer or uploading data throws RenderError with the call, its VkResult
// name, file and line. The per-frame path (render) never throws: it returns a FrameStatus that
// names what went wrong, and a lost device as such, so that a front end can recreate the renderer.

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
#include "render/frame.hpp"

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
  std::string device;       ///< part of a device name to force ("llvmpipe", "NVIDIA"); empty: prefer a discrete GPU
  bool validation = false;  ///< Khronos validation layers and a debug messenger that counts messages
  Antialiasing antialiasing = Antialiasing::Automatic;
  /// Instance extensions a window system needs for its surfaces (GLFW's required extensions);
  /// when given, the device must also be able to present (VK_KHR_swapchain).
  std::vector<std::string> surface_extensions;
};

/// An RGBA8 image, rows top to bottom.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;
};

/// Appearance of one tissue kind.
struct TissueStyle {
  std::array<float, 4> color;  ///< rgb, alpha (default_layers() gives the default opacities)
};

/// The default style of a kind: anatomy-atlas colours; alpha as default_layers().
TissueStyle default_style(anatomy::StructureKind kind);

struct FontAtlas;
class Target;

/// How long the GPU spent on each part of a frame (ms), from timestamps; all zero where the
/// device has none.
struct FrameTimings {
  double particles_ms = 0;  ///< particle transport, placement and the blood's rasterization (compute)
  double deform_ms = 0;     ///< deformation and normals (compute)
  double draw_ms = 0;       ///< tissue, blood and overlay drawing, multisample resolve
  double readback_ms = 0;   ///< the target's copy of the image (read-back or presentation)
};

/// What became of a frame.
struct FrameStatus {
  enum class Code {
    Ok,           ///< submitted (render) or finished and read (a target's read)
    InvalidFrame, ///< the description does not fit the renderer or the target (message says how); nothing drawn
    OutOfDate,    ///< the target must be recreated or resized (a window's swapchain); nothing drawn
    DeviceLost,   ///< the GPU was lost: recreate the renderer and its targets
    Failed,       ///< any other Vulkan failure (message names the call and result)
  };
  Code code = Code::Ok;
  std::string message;
  std::uint64_t frame = 0;  ///< the frame's number (render counts from 1)
  explicit operator bool() const { return code == Code::Ok; }
};

/// Frames that may be in flight at once: recording frame N + 1 overlaps drawing frame N.
inline constexpr std::size_t kFramesInFlight = 2;

/// The renderer. It holds up to kMaxLegs legs (slots 0, 1), each with its own model, deformation
/// and blood particles; a frame draws them side by side.
class Renderer {
 public:
  explicit Renderer(const RenderOptions& options);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  /// Uploads a leg (rest geometry and its deformation attributes) and the model's constant
  /// deformation data into a slot, once; the model must outlive the renderer's use of it. Slots
  /// are filled in order; a frame shows as many legs as slots are filled. Drops the slot's particles.
  void set_leg(const anatomy::Model& model, const anatomy::LegGeometry& rest, std::size_t slot = 0);
  /// A slot's leg gets another model of the same network (the same leg with other valves,
  /// diameters or compression), keeping its meshes and its blood: for settings changed while a
  /// leg runs. RenderError when the network differs.
  void replace_model(const anatomy::Model& model, std::size_t slot);
  /// Places `count` blood particles in a slot's leg in proportion to a state's venous volumes.
  void set_particles(const anatomy::State& state, std::size_t count, std::size_t slot = 0);
  /// Uploads the overlay's font atlases (once, before frames with an overlay).
  void set_fonts(const FontAtlas& regular, const FontAtlas& bold);
  /// Legs held (filled slots).
  std::size_t leg_count() const;
  /// Keeps the first `count` legs and lets the others go (their GPU memory freed once the frames
  /// in flight are done): a story going from two legs side by side to one.
  void keep_legs(std::size_t count);

  /// Records and submits one frame into `target`: particle transport (when frame.particle_dt >
  /// 0), deformation, drawing, overlay, and the target's copy. Returns at once when a frame slot
  /// is free (it waits for the frame kFramesInFlight before otherwise); the target hands out the
  /// picture (OffscreenTarget::read). Never throws.
  FrameStatus render(const FrameDesc& frame, Target& target);
  /// GPU time of the last frame a target has read.
  const FrameTimings& last_timings() const;

  /// Moves a slot's particles on the GPU by a state's frame inputs (leg_frame: the transport's
  /// inputs, and the segment areas that place the blood in its veins) over dt (s), in its own
  /// submission (for catching up before a first frame, and for tests; frames move them with
  /// FrameDesc::particle_dt instead).
  void advance_particles(const LegFrame& frame, double dt, std::size_t slot = 0);
  /// Particle positions as set_particles or the last advance_particles left them (xyz, age per
  /// particle; waiting ones far below the floor). Frames draw the blood without writing them.
  std::vector<float> particle_positions(std::size_t slot = 0) const;
  /// Each particle's segment after the last advance or frame (0xffffffff: waiting at the heart),
  /// for checks of the transport against the simulated flows; a read-back, never
  /// needed for drawing.
  std::vector<std::uint32_t> particle_segments(std::size_t slot = 0) const;
  /// The deformed vertex positions of the last frame (xyz per vertex, structures in order). A
  /// frame deforms what it draws: every vertex is current after a frame that showed the whole leg
  /// with every triangle (FrameDesc::simplify false); structures no view showed kept their
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
  /// The Vulkan instance (a VkInstance), for a front end to create a window surface on.
  void* instance_handle() const;
  /// Test hook: the next frame reports a lost device, as a GPU reset or a driver crash would (the
  /// renderer is unusable afterwards, as after a real loss).
  void simulate_device_loss();

  struct Impl;  ///< the Vulkan side (render/src/renderer_impl.hpp)
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

/// Writes an image as PNG; the file appears only when complete.
void write_png(const Image& image, const std::filesystem::path& file);

}  // namespace calfpump::render
