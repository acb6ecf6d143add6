#pragma once
// The renderer's Vulkan side, shared by its parts: the context and command submission (vk/), the
// targets (targets/), the legs' resources (passes/leg_resources.cpp) and one file per pass
// (passes/deform.cpp, particles.cpp, tissues.cpp, blood.cpp, edge_filter.cpp, overlay_pass.cpp);
// renderer.cpp puts a frame together. Only render/src includes this.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <glm/mat4x4.hpp>
#include <vulkan/vulkan.h>

#include "render/frame.hpp"
#include "render/overlay.hpp"
#include "render/renderer.hpp"
#include "render/target.hpp"
#include "vk/check.hpp"
#include "vk/commands.hpp"
#include "vk/context.hpp"
#include "vk/memory.hpp"
#include "vk/pipelines.hpp"

namespace calfpump::render {

/// One view of a leg: its camera matrices and scales (camera.cpp).
struct View {
  glm::mat4 projection{1.0f}, view_projection{1.0f};
  float metres_per_pixel = 0;   ///< at the camera's target
  float pixels_per_metre = 0;   ///< at unit view depth
  float depth_near = 0, depth_range = 0;  ///< the view depths the blood's depth code spans
};

/// The matrices and scales of a camera over a viewport (Vulkan clip space: y down, depth 0..1).
View make_view(const Camera& camera, const std::array<int, 4>& viewport);
/// Whether a box (min xyz, max xyz) lies wholly outside a view (all corners beyond one clip plane).
bool outside(const glm::mat4& view_projection, const std::array<float, 6>& box);
/// Whether a box (min xyz, max xyz) lies wholly on the side a view's cut removes (Camera::clip).
bool cut_away(const std::array<float, 4>& clip, const std::array<float, 6>& box);

/// Leg i's own view: the frame's camera, cut where the leg's frame says (LegFrame::cut).
inline Camera leg_camera(const FrameDesc& f, std::size_t i) {
  Camera c = f.camera;
  c.clip = f.legs[i].cut;
  return c;
}
/// Grows a pixel rectangle (x0, y0, x1, y1) of a viewport by a box's projection; false when a
/// corner lies behind the camera (the projection is then unbounded).
bool add_projection(const glm::mat4& view_projection, const std::array<float, 6>& box, const std::array<int, 4>& viewport,
                    std::array<float, 4>& rect);

// A structure's simplified surface lies within kLodErrorM of the full one; a view draws it where
// kLodErrorM is at most kLodMaxPixels at the camera's target.
inline constexpr float kLodErrorM = 0.0005f;
inline constexpr float kLodMaxPixels = 1.0f;

/// Whether a view draws the simplified surfaces.
inline bool simplified_view(const View& view, bool allowed) { return allowed && kLodErrorM <= kLodMaxPixels * view.metres_per_pixel; }

// deform.comp's and normals.comp's bindings: rest vertices, deformed positions, deformed
// positions as texels, frames, paths, vessels, bodies, segments, valves, adjacency, normals
inline constexpr std::array<VkDescriptorType, 11> kDeformBindings{vk::kTexels, vk::kSsbo,   vk::kTexels, vk::kTexels, vk::kTexels, vk::kTexels,
                                                                  vk::kTexels, vk::kTexels, vk::kTexels, vk::kTexels, vk::kSsbo};
// particles.comp's bindings (see the shader)
inline constexpr std::array<VkDescriptorType, 19> kParticleBindings{vk::kImage,  vk::kSsbo,   vk::kTexels, vk::kTexels, vk::kTexels, vk::kTexels,
                                                                    vk::kTexels, vk::kTexels, vk::kTexels, vk::kTexels, vk::kTexels, vk::kSsbo,
                                                                    vk::kTexels, vk::kTexels, vk::kTexels, vk::kTexels, vk::kUbo,    vk::kSsbo,
                                                                    vk::kTexels};
// splat.frag's: the splat words as texels
inline constexpr std::array<VkDescriptorType, 1> kCompositeBindings{vk::kTexels};

/// A view the blood is drawn into (shaders/splat.glsl's SplatView).
struct SplatView {
  float view_projection[16];
  float radius, pixels_per_metre, depth_near, depth_range;
  std::int32_t viewport[4];
  std::uint32_t base, frame_width, pad[2];
  float clip[4];
};

/// What a frame slot holds for one leg: the tables the host writes each frame and the descriptor
/// sets that bind them (with the leg's constant buffers).
struct LegSlot {
  vk::Buffer bodies, segments, valves;                        // deformation tables (deform_frame)
  vk::Buffer port_flow, segment_flow, inflow, views;          // the transport's inputs, the blood's views
  VkDescriptorSet deform_set = VK_NULL_HANDLE, particle_set = VK_NULL_HANDLE;
};

/// A structure's triangles and moving vertices in a leg's buffers.
struct DrawRange {
  std::uint32_t first_index = 0, index_count = 0;
  std::uint32_t lod_first_index = 0, lod_index_count = 0;  ///< the simplified surface
  // its moving vertices in the buffers: those of the simplified surface [simple_begin, simple_end),
  // the others [rest_begin, rest_end); a frame deforms the first where a view shows the structure,
  // the second too where a view draws it in full
  std::uint32_t simple_begin = 0, simple_end = 0, rest_begin = 0, rest_end = 0;
  anatomy::StructureKind kind{};
  std::array<float, 6> bounds{};  ///< rest bounding box (min, max), padded for the deformation
};

/// One leg in the renderer: its model, constant buffers, particles, and its per-slot tables.
struct Leg {
  const anatomy::Model* model = nullptr;
  std::array<std::size_t, 6> shape{};  ///< the model's segments, edges, valves, inflows, bodies, vessels at set_leg
  anatomy::LegPaths paths;
  // constant: rest vertices, deformed positions and normals (written by the deformation), swept
  // paths' frames, paths, vessels, vertex -> triangles table, indices
  vk::Buffer rest, out, normals, frames, path_table, vessels, adjacency, indices;
  std::vector<DrawRange> draws;
  std::uint32_t vertex_count = 0;
  std::uint32_t simple_adjacency = 0;      ///< where the simplified surfaces' vertex -> triangles table starts
  std::vector<std::uint8_t> marks;         ///< per structure, this frame: kDrawn, kFull
  std::vector<std::uint32_t> vertex_slot;  ///< each vertex of the geometry (structures in order): its place in the buffers
  // the blood: particles (segment, f, age, id), positions for read-back, and the network's tables
  vk::Buffer particles, positions, segment_info, port_start, ports, centres, axes, places, counters;
  anatomy::ParticleNetwork network;
  std::uint32_t particle_count = 0;
  std::uint32_t particle_frame = 0;  ///< transport steps so far (the random choices' salt)
  std::uint32_t counter_parity = 0;  ///< the waiting counters' phase of the next dispatch (0, 1, 2)
  double volume_per_particle = 0;
  std::array<LegSlot, kFramesInFlight> slots;
};

/// The scene images of a frame size: drawn into by the scene pass, finished by the final pass.
struct Attachments {
  int width = 0, height = 0;
  // the scene pass draws into color/depth (resolved into `resolve` when multisampled); the final
  // pass draws over the single-sampled scene image in place: where the edge filter is on, the
  // legs' boxes filtered from a copy of the scene (filter_source), then the overlay
  vk::Image color, depth, resolve, filter_source;
  VkFramebuffer framebuffer = VK_NULL_HANDLE, final_framebuffer = VK_NULL_HANDLE;
  // the blood as the compute rasterizer leaves it: one word per pixel of the frame for the legs'
  // views, then one per pixel for the close-ups
  vk::Buffer splat;
};

struct Renderer::Impl {
  static constexpr std::size_t kKinds = 6;     // anatomy::StructureKind: bone ... valve
  static constexpr std::size_t kMaxViews = 2;  // of one leg in a frame: its own view and a close-up
  enum StructureMark : std::uint8_t { kDrawn = 1, kFull = 2 };

  explicit Impl(const RenderOptions& options);
  ~Impl();

  RenderOptions options;
  std::unique_ptr<vk::Context> ctx;  // first made, last gone
  std::unique_ptr<vk::Commands> commands;
  std::unique_ptr<vk::Owner> owner;  // pipelines, layouts, passes, pools
  VkDevice device = VK_NULL_HANDLE;
  VkDescriptorPool descriptor_pool = VK_NULL_HANDLE;
  VkSampler sampler = VK_NULL_HANDLE;
  VkRenderPass scene_pass = VK_NULL_HANDLE, final_pass = VK_NULL_HANDLE;
  Attachments attachments;
  std::array<Leg, kMaxLegs> legs;
  std::size_t leg_count = 0;
  std::uint64_t frame_count = 0;
  std::size_t next_slot = 0;
  bool lost = false;       // the device was lost: every frame reports it
  bool lose_next = false;  // simulate_device_loss
  FrameTimings timings;

  // tissues (tissues.cpp)
  VkPipelineLayout mesh_layout = VK_NULL_HANDLE;
  // opaque_cut: for a view with a cut, every face drawn (the inside of a cut solid shows, flat)
  std::array<VkPipeline, kKinds> opaque{}, opaque_cut{}, translucent{};
  // deformation (deform.cpp): [0] normals, [k] positions of kind k
  VkDescriptorSetLayout deform_set_layout = VK_NULL_HANDLE;
  VkPipelineLayout deform_layout = VK_NULL_HANDLE;
  std::array<VkPipeline, kKinds + 1> deform_pipelines{};  // [0] normals, [k] kind k's deformation, [6] the bones
  static constexpr std::size_t kBoneStage = 6;
  // particles and the blood (particles.cpp, blood.cpp)
  VkDescriptorSetLayout particle_set_layout = VK_NULL_HANDLE, composite_set_layout = VK_NULL_HANDLE;
  VkPipelineLayout particle_layout = VK_NULL_HANDLE, composite_layout = VK_NULL_HANDLE;
  VkPipeline particle_pipeline = VK_NULL_HANDLE, composite_pipeline = VK_NULL_HANDLE;
  VkDescriptorSet composite_set = VK_NULL_HANDLE;
  // edge filter (edge_filter.cpp)
  VkDescriptorSetLayout post_set_layout = VK_NULL_HANDLE;
  VkPipelineLayout post_layout = VK_NULL_HANDLE;
  VkPipeline filter_pipeline = VK_NULL_HANDLE;
  VkDescriptorSet post_set = VK_NULL_HANDLE;
  std::vector<VkRect2D> filter_boxes;  // this frame: where the edge filter runs (the legs' boxes)
  // overlay (overlay_pass.cpp)
  vk::Image atlas[2];
  float atlas_range[2] = {0, 0};
  VkDescriptorSetLayout overlay_set_layout = VK_NULL_HANDLE;
  VkPipelineLayout overlay_layout = VK_NULL_HANDLE;
  std::array<VkPipeline, 3> overlay_pipelines{};  // solid shapes, regular text, bold text
  VkDescriptorSet overlay_set = VK_NULL_HANDLE;
  std::array<vk::Buffer, kFramesInFlight> overlay_vertices;

  // scratch kept from frame to frame (no allocation per frame)
  std::vector<std::pair<float, std::uint32_t>> opaque_order;

  // --- setup (renderer.cpp, the passes' create_*)
  void create_passes();
  void create_descriptor_pool();
  void create_tissue_pipelines();
  void create_deform_pipelines();
  void create_particle_pipelines();
  void create_blood_pipeline();
  void create_edge_filter();
  void create_overlay_pipelines();
  /// The scene images, framebuffers and splat words for a frame size (all frames finished first).
  void ensure_attachments(int width, int height);
  const vk::Image& scene_image() const { return ctx->samples == VK_SAMPLE_COUNT_1_BIT ? attachments.color : attachments.resolve; }
  VkDeviceSize frame_pixels() const {
    return static_cast<VkDeviceSize>(attachments.width) * static_cast<VkDeviceSize>(attachments.height);
  }
  Leg& leg(std::size_t slot, const char* what);

  // --- leg resources (leg_resources.cpp)
  void upload_leg(const anatomy::Model& model, const anatomy::LegGeometry& rest, std::size_t slot);
  void upload_particles(const anatomy::State& state, std::size_t count, std::size_t slot);
  void write_particle_sets(Leg& l);
  void release_leg(Leg& l);
  void release_particles(Leg& l);
  void upload_atlas(int which, const FontAtlas& font);

  // --- a frame
  /// Records and submits `frame` into `target` (throws; render() turns that into a status).
  std::uint64_t record_frame(const FrameDesc& frame, Target::Impl& target);
  /// Checks a description against the legs held and the target; empty when it fits.
  std::string check_frame(const FrameDesc& frame, const Target::Impl& target) const;
  /// Waits for a finished frame of a slot and takes its timings.
  void finish(vk::FrameSlot& slot);

  // --- passes, recorded into `cmd`
  /// The deformation tables and the transport's inputs of a leg into its slot's mapped buffers.
  void write_leg_tables(Leg& l, LegSlot& s, const LegFrame& f, std::span<const SplatView> views);
  /// Which structures the frame's views of each leg show, and which some view draws in full.
  void mark_structures(const FrameDesc& frame);
  void record_deform(VkCommandBuffer cmd, std::size_t slot);
  void record_particles(VkCommandBuffer cmd, Leg& l, LegSlot& s, double dt, const anatomy::ParticleInputs& in, std::uint32_t views,
                        bool positions);
  SplatView splat_view(const Camera& camera, const std::array<int, 4>& viewport, float blood_radius_m, std::uint32_t region) const;
  void record_leg_draw(VkCommandBuffer cmd, const Leg& l, const Camera& camera, const std::array<int, 4>& viewport, std::uint32_t tissues,
                       const LayerOpacity& layers, bool lod, std::uint32_t region);
  void record_blood(VkCommandBuffer cmd, const Leg& l, const View& view, const std::array<int, 4>& viewport, std::uint32_t region);
  void record_edge_filter(VkCommandBuffer cmd, VkImage scene);  // the copy, before the final pass
  void draw_edge_filter(VkCommandBuffer cmd);                   // inside the final pass
  void record_overlay(VkCommandBuffer cmd, std::size_t slot, std::span<const OverlayVertex> vertices);
};

/// The pixels of `viewport` where the structures `pick` selects can appear, padded by 2 pixels (all
/// of it when one reaches behind the eye); empty when none is picked.
template <class Pick>
VkRect2D screen_box(const Leg& l, const glm::mat4& view_projection, const std::array<int, 4>& viewport, Pick pick) {
  std::array<float, 4> rect{1e9f, 1e9f, -1e9f, -1e9f};
  bool bounded = true;
  for (const auto& r : l.draws)
    if (pick(r)) bounded = bounded && add_projection(view_projection, r.bounds, viewport, rect);
  const int x0 = bounded ? std::max(viewport[0], static_cast<int>(std::floor(rect[0])) - 2) : viewport[0];
  const int y0 = bounded ? std::max(viewport[1], static_cast<int>(std::floor(rect[1])) - 2) : viewport[1];
  const int x1 = bounded ? std::min(viewport[0] + viewport[2], static_cast<int>(std::ceil(rect[2])) + 2) : viewport[0] + viewport[2];
  const int y1 = bounded ? std::min(viewport[1] + viewport[3], static_cast<int>(std::ceil(rect[3])) + 2) : viewport[1] + viewport[3];
  if (x1 <= x0 || y1 <= y0) return {{0, 0}, {0, 0}};
  return {{x0, y0}, {static_cast<std::uint32_t>(x1 - x0), static_cast<std::uint32_t>(y1 - y0)}};
}

/// A target's Vulkan side: what happens to the finished scene image of a frame.
struct Target::Impl {
  explicit Impl(Renderer::Impl& r, int w, int h) : renderer(&r), width(w), height(h) {}
  virtual ~Impl() = default;
  /// Before recording a frame into slot `slot` (a swapchain acquires its image): OutOfDate or a
  /// failure stops the frame.
  virtual FrameStatus begin(std::size_t slot) {
    (void)slot;
    return {};
  }
  /// Records the copy of the finished scene image (TRANSFER_SRC_OPTIMAL) to where it goes.
  virtual void record_output(VkCommandBuffer cmd, VkImage scene, std::size_t slot) = 0;
  /// What the frame's submission waits for and signals (a swapchain: image acquired, ready to present).
  struct Sync {
    VkSemaphore wait = VK_NULL_HANDLE;
    VkPipelineStageFlags wait_stage = 0;
    VkSemaphore signal = VK_NULL_HANDLE;
  };
  virtual Sync sync(std::size_t slot) {
    (void)slot;
    return {};
  }
  /// After the frame's submission (a swapchain presents).
  virtual void submitted(std::size_t slot, std::uint64_t frame) {
    (void)slot;
    (void)frame;
  }
  Renderer::Impl* renderer;
  int width, height;
};

}  // namespace calfpump::render
