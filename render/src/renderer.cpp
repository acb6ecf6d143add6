// Vulkan 1.2 offscreen renderer: instance (validation when asked), device choice, a scene pass (4x
// MSAA resolved into a single-sample image on GPUs, one sample on CPU devices) with opaque and
// translucent pipelines per tissue kind, a final pass (the scene, edge-filtered where it has one
// sample; the overlay), compute passes for the deformation and the blood, read-back to RGBA8.

#include "render/renderer.hpp"

#include "render/overlay.hpp"

#include "anatomy/deform.hpp"
#include "anatomy/particles.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <meshoptimizer.h>
#include <vulkan/vulkan.h>

#ifndef CALFPUMP_SHADER_DIR
#error "CALFPUMP_SHADER_DIR must be defined by the build"
#endif

namespace calfpump::render {

namespace {

// the one place that checks a VkResult: throws with the call, the result's name, file and line
#define CP_VK(call)                                                                                    \
  do {                                                                                                 \
    const VkResult cp_vk_result = (call);                                                              \
    if (cp_vk_result != VK_SUCCESS) throw_vk(#call, cp_vk_result, __FILE__, __LINE__);                 \
  } while (0)

const char* result_name(VkResult r) {
  switch (r) {
    case VK_NOT_READY: return "VK_NOT_READY";
    case VK_TIMEOUT: return "VK_TIMEOUT";
    case VK_INCOMPLETE: return "VK_INCOMPLETE";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED: return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_FORMAT_NOT_SUPPORTED: return "VK_ERROR_FORMAT_NOT_SUPPORTED";
    default: return "VkResult";
  }
}

[[noreturn]] void throw_vk(const char* call, VkResult r, const char* file, int line) {
  throw RenderError(fmt::format("{} failed with {} ({}) at {}:{}", call, result_name(r), static_cast<int>(r), file, line));
}

std::vector<std::uint32_t> read_spirv(const std::string& name) {
  const std::string path = std::string(CALFPUMP_SHADER_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw RenderError(fmt::format("{}: cannot read the compiled shader", path));
  const auto size = static_cast<std::size_t>(in.tellg());
  if (size == 0 || size % 4 != 0) throw RenderError(fmt::format("{}: not a SPIR-V module", path));
  std::vector<std::uint32_t> words(size / 4);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(words.data()), static_cast<std::streamsize>(size));
  return words;
}

struct Push {
  float view_projection[16];
  float color[4];
  float material[4];
};

constexpr float kFar = 5.0f;  // m: the leg is about 1 m long, seen from under 2 m

// the near plane: a quarter of the way to the target, at most 5 cm (close-ups of a valve stand a
// few centimetres off), at least 1 mm
float near_plane(const Camera& c) {
  float d = 0;
  for (std::size_t k = 0; k < 3; ++k) d += (c.target[k] - c.eye[k]) * (c.target[k] - c.eye[k]);
  return std::clamp(0.25f * std::sqrt(d), 0.001f, 0.05f);
}


// column-major 4x4 helpers for the camera (leg coordinates -> Vulkan clip space)
using Mat4 = std::array<float, 16>;

Mat4 multiply(const Mat4& a, const Mat4& b) {
  Mat4 r{};
  for (int c = 0; c < 4; ++c)
    for (int rr = 0; rr < 4; ++rr) {
      float s = 0;
      for (int k = 0; k < 4; ++k) s += a[std::size_t(k * 4 + rr)] * b[std::size_t(c * 4 + k)];
      r[std::size_t(c * 4 + rr)] = s;
    }
  return r;
}

Mat4 look_at(const Camera& cam) {
  auto sub = [](std::array<float, 3> a, std::array<float, 3> b) { return std::array<float, 3>{a[0] - b[0], a[1] - b[1], a[2] - b[2]}; };
  auto norm = [](std::array<float, 3> a) {
    const float l = std::sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    return std::array<float, 3>{a[0] / l, a[1] / l, a[2] / l};
  };
  auto cross = [](std::array<float, 3> a, std::array<float, 3> b) {
    return std::array<float, 3>{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  };
  auto dot = [](std::array<float, 3> a, std::array<float, 3> b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; };
  const auto f = norm(sub(cam.target, cam.eye));
  const auto s = norm(cross(f, cam.up));
  const auto u = cross(s, f);
  // camera space: x right, y down, z forward (Vulkan convention)
  return {s[0], -u[0], f[0], 0, s[1], -u[1], f[1], 0, s[2], -u[2], f[2], 0, -dot(s, cam.eye), dot(u, cam.eye), -dot(f, cam.eye), 1};
}

// whether a box lies wholly outside the view (all eight corners beyond one clip plane): close-ups
// then skip the structures they cannot see
bool outside(const std::array<float, 16>& m, const std::array<float, 6>& box) {
  int beyond[6] = {0, 0, 0, 0, 0, 0};
  for (int c = 0; c < 8; ++c) {
    const float p[3] = {box[(c & 1) ? 3 : 0], box[(c & 2) ? 4 : 1], box[(c & 4) ? 5 : 2]};
    float clip[4];
    for (std::size_t r = 0; r < 4; ++r) clip[r] = m[r] * p[0] + m[4 + r] * p[1] + m[8 + r] * p[2] + m[12 + r];
    beyond[0] += clip[0] < -clip[3];
    beyond[1] += clip[0] > clip[3];
    beyond[2] += clip[1] < -clip[3];
    beyond[3] += clip[1] > clip[3];
    beyond[4] += clip[2] < 0.0f;
    beyond[5] += clip[2] > clip[3];
  }
  for (int b : beyond)
    if (b == 8) return true;
  return false;
}

// grows a pixel rectangle (x0, y0, x1, y1) of a viewport by a box's projection; false when a corner
// lies behind the camera (the box's projection is then unbounded)
bool add_projection(const std::array<float, 16>& m, const std::array<float, 6>& box, const std::array<int, 4>& viewport, std::array<float, 4>& rect) {
  for (int c = 0; c < 8; ++c) {
    const float p[3] = {box[(c & 1) ? 3 : 0], box[(c & 2) ? 4 : 1], box[(c & 4) ? 5 : 2]};
    float clip[4];
    for (std::size_t r = 0; r < 4; ++r) clip[r] = m[r] * p[0] + m[4 + r] * p[1] + m[8 + r] * p[2] + m[12 + r];
    if (clip[3] <= 1e-4f) return false;
    const float x = static_cast<float>(viewport[0]) + (clip[0] / clip[3] * 0.5f + 0.5f) * static_cast<float>(viewport[2]);
    const float y = static_cast<float>(viewport[1]) + (clip[1] / clip[3] * 0.5f + 0.5f) * static_cast<float>(viewport[3]);
    rect = {std::min(rect[0], x), std::min(rect[1], y), std::max(rect[2], x), std::max(rect[3], y)};
  }
  return true;
}

Mat4 perspective(float fov_deg, float aspect, float znear, float zfar) {
  const float t = 1.0f / std::tan(fov_deg * 3.14159265f / 360.0f);
  Mat4 p{};
  p[0] = t / aspect;
  p[5] = t;
  p[10] = zfar / (zfar - znear);  // depth 0 at the near plane, 1 at the far plane
  p[11] = 1.0f;
  p[14] = -znear * zfar / (zfar - znear);
  return p;
}

// validation messages are counted (tests require none) and the first is kept for the report
struct ValidationLog {
  std::uint64_t count = 0;
  std::string first;
};

VKAPI_ATTR VkBool32 VKAPI_CALL on_validation(VkDebugUtilsMessageSeverityFlagBitsEXT, VkDebugUtilsMessageTypeFlagsEXT,
                                             const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
  auto* log = static_cast<ValidationLog*>(user);
  if (log->count++ == 0 && data && data->pMessage) log->first = data->pMessage;
  return VK_FALSE;
}

// two numbers as IEEE half floats in one word (GLSL unpackHalf2x16: a in the low half)
std::uint32_t half_bits(double value) {
  const float f = static_cast<float>(value);
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  const std::uint32_t sign = (x >> 16) & 0x8000u;
  const int exponent = static_cast<int>((x >> 23) & 0xffu) - 127 + 15;
  std::uint32_t mantissa = x & 0x7fffffu;
  if (exponent <= 0) return sign;  // under 6e-5: zero (the axes are unit vectors' components)
  if (exponent >= 31) return sign | 0x7c00u;
  // round to nearest
  mantissa += 0x1000u;
  if (mantissa & 0x800000u) return sign | (static_cast<std::uint32_t>(exponent + 1) << 10);
  return sign | (static_cast<std::uint32_t>(exponent) << 10) | (mantissa >> 13);
}
std::uint32_t half_pair(double a, double b) { return half_bits(a) | (half_bits(b) << 16); }

// a view the blood is drawn into (shaders/splat.glsl's SplatView) and splat.frag's push constants
struct SplatView {
  float view_projection[16];
  float radius, pixels_per_metre, depth_near, depth_range;
  std::int32_t viewport[4];
  std::uint32_t base, frame_width, pad[2];
};
struct CompositePush {
  float depth_near, depth_range, p10, p14;
  std::uint32_t frame_width, base;
};

// One view of a leg: its camera matrices and scales.
struct View {
  Mat4 projection{}, view_projection{};
  float metres_per_pixel = 0;   // at the camera's target
  float pixels_per_metre = 0;   // at unit view depth
  float depth_near = 0, depth_range = 0;  // the view depths the blood's depth code spans
};

View make_view(const Camera& camera, const std::array<int, 4>& viewport) {
  View v;
  v.projection = perspective(camera.fov_deg, static_cast<float>(viewport[2]) / static_cast<float>(viewport[3]), near_plane(camera), kFar);
  v.view_projection = multiply(v.projection, look_at(camera));
  float d = 0;
  for (std::size_t k = 0; k < 3; ++k) d += (camera.target[k] - camera.eye[k]) * (camera.target[k] - camera.eye[k]);
  d = std::sqrt(d);
  const float half = std::tan(camera.fov_deg * 3.14159265f / 360.0f);
  v.metres_per_pixel = 2.0f * d * half / static_cast<float>(viewport[3]);
  v.pixels_per_metre = static_cast<float>(viewport[3]) / (2.0f * half);
  // the leg lies within about a metre of the target: 18 bits over this span is ~10 um a code
  v.depth_near = near_plane(camera);
  v.depth_range = d + 1.5f - v.depth_near;
  return v;
}

// A structure's surface with fewer triangles, for views where a millimetre is under a pixel:
// meshoptimizer's edge collapses, each within kLodErrorM of the surface, borders kept (the vein
// ends, the leaflets' attached and free edges). Valve leaflets too: at a whole-leg view a valve
// is a few pixels, and its 200-400 triangles were as many as all other simplified surfaces
// together (a CPU device sets up every triangle on one thread); close-ups draw them in full. The
// simplified surface uses a subset of the structure's vertices, so the same deformation moves it.
constexpr float kLodErrorM = 0.0005f;
// drawn where kLodErrorM is at most this many pixels
constexpr float kLodMaxPixels = 1.0f;

// whether a view draws the simplified surfaces: where their error is under a pixel at the camera's target
bool simplified_view(const View& view, bool allowed) { return allowed && kLodErrorM <= kLodMaxPixels * view.metres_per_pixel; }

std::vector<std::uint32_t> simplified(const anatomy::StructureMesh& s) {
  if (s.indices.size() < 3 * 200) return s.indices;
  std::vector<std::uint32_t> out(s.indices.size());
  const float scale = meshopt_simplifyScale(s.positions.data(), s.vertex_count(), 3 * sizeof(float));
  float error = 0;
  const std::size_t n = meshopt_simplify(out.data(), s.indices.data(), s.indices.size(), s.positions.data(), s.vertex_count(), 3 * sizeof(float),
                                         s.indices.size() / 50, kLodErrorM / scale, meshopt_SimplifyLockBorder, &error);
  out.resize(n);
  return n >= 3 ? out : s.indices;
}

}  // namespace

TissueStyle default_style(anatomy::StructureKind kind) {
  using K = anatomy::StructureKind;
  switch (kind) {
    case K::Bone: return {{0.91f, 0.87f, 0.77f, 1.0f}};
    case K::Muscle: return {{0.76f, 0.38f, 0.34f, 1.0f}};  // lighter than the blood, which must stand out on it
    case K::Tendon: return {{0.88f, 0.84f, 0.74f, 1.0f}};
    case K::Skin: return {{0.93f, 0.76f, 0.66f, 0.16f}};
    case K::Vein: return {{0.35f, 0.50f, 0.95f, 0.30f}};  // see-through, so the blood shows
    case K::Valve: return {{0.86f, 0.88f, 0.97f, 1.0f}};
  }
  return {{1, 1, 1, 1}};
}

struct Renderer::Impl {
  RenderOptions options;
  VkInstance instance = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  std::uint32_t queue_family = 0;
  VkCommandPool pool = VK_NULL_HANDLE;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  std::string device_name;
  std::uint32_t max_texel_elements = 0;  // the most texels a buffer view may hold
  ValidationLog validation;
  // GPU timestamps around the passes of a frame (bench render reads them)
  VkQueryPool timestamps = VK_NULL_HANDLE;
  double timestamp_ns = 0;  // nanoseconds per tick; 0: no timestamps on this queue
  std::array<std::uint64_t, 8> stamp_values{};

  struct ImageRes {
    VkImage image = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    VkImageView view = VK_NULL_HANDLE;
  };
  // The scene pass draws the legs into color_ms/depth_ms (resolved into `resolve` when
  // multisampled); the final pass draws over that single-sampled scene image in place: where the
  // edge filter is on, the legs' boxes filtered from a copy of the scene (filter_source), then the
  // overlay. The scene image is then copied out.
  ImageRes color_ms, depth_ms, resolve, filter_source;
  bool edge_filter = false;  // one sample per pixel, smoothed by post.frag's edge filter
  VkRenderPass render_pass = VK_NULL_HANDLE, final_pass = VK_NULL_HANDLE;
  VkFramebuffer framebuffer = VK_NULL_HANDLE, final_framebuffer = VK_NULL_HANDLE;
  VkDescriptorSetLayout post_set_layout = VK_NULL_HANDLE;
  VkDescriptorSet post_set = VK_NULL_HANDLE;
  VkPipelineLayout post_layout = VK_NULL_HANDLE;
  VkPipeline filter_pipeline = VK_NULL_HANDLE;
  std::vector<VkRect2D> filter_boxes;  // this frame: where the edge filter runs (the legs' boxes)
  const ImageRes& scene_image() const { return samples == VK_SAMPLE_COUNT_1_BIT ? color_ms : resolve; }
  VkPipelineLayout layout = VK_NULL_HANDLE;
  // per tissue kind (mesh.frag's kTissue): opaque (closed surfaces back-face culled), translucent
  std::array<VkPipeline, 6> opaque{}, translucent{};

  // A buffer. Small tables the host rewrites every frame are host-visible and persistently mapped;
  // the large ones (meshes, particles, deformed vertices) live in device-local memory, mapped too
  // where the device offers that (lavapipe, integrated GPUs, resizable BAR), else filled through a
  // staging copy once.
  struct Buffer {
    VkBuffer buffer = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    void* mapped = nullptr;
    VkDeviceSize size = 0;
    VkBufferView view = VK_NULL_HANDLE;  // a texel view, for the shaders that read or write it as texels
  };
  static constexpr std::size_t kKinds = 6;  // anatomy::StructureKind: bone ... valve
  enum StructureMark : std::uint8_t { kDrawn = 1, kFull = 2 };
  enum BufferSlot { kRest, kOut, kFrames, kPaths, kVessels, kBodies, kSegments, kValves, kAdjacency, kNormals, kIndices, kSlots };
  enum ParticleSlot {
    pParticles, pPositions, pSegmentInfo, pPortStart, pPorts, pPortFlow, pInflow, pCounters, pSegmentFlow, pCentres, pAxes, pPlaces, pViews, pSlots
  };
  struct DrawRange {
    std::uint32_t first_index = 0, index_count = 0;
    std::uint32_t lod_first_index = 0, lod_index_count = 0;  // the simplified surface for views where a millimetre is under a pixel
    // its moving vertices in the buffers: those of the simplified surface [simple_begin, simple_end),
    // the others [rest_begin, rest_end); a frame deforms the first where a view shows the structure,
    // the second too where a view draws it in full
    std::uint32_t simple_begin = 0, simple_end = 0, rest_begin = 0, rest_end = 0;
    anatomy::StructureKind kind{};
    std::array<float, 6> bounds{};  // rest bounding box (min, max), padded for the deformation
  };
  // one leg: its model, meshes, per-frame tables, particles and descriptor sets
  struct Leg {
    const anatomy::Model* model = nullptr;
    anatomy::LegPaths paths;
    Buffer buffers[kSlots];
    std::vector<DrawRange> draws;
    std::uint32_t vertex_count = 0;
    std::uint32_t simple_adjacency = 0;  // where the simplified surfaces' vertex -> triangles table starts
    std::vector<std::uint8_t> marks;     // per structure, this frame: kDrawn, kFull (no allocation per frame)
    std::vector<std::uint32_t> vertex_slot;  // each vertex of the geometry (structures in order): its place in the buffers
    VkDescriptorSet deform_set = VK_NULL_HANDLE, particle_set = VK_NULL_HANDLE;
    Buffer pbuf[pSlots];
    std::uint32_t particle_count = 0;
    std::uint32_t particle_frame = 0;
    double volume_per_particle = 0;
    double inflow_owed = 0;
    std::vector<double> link_share;  // each inflow link's share of its bed
    // the particle network's ports as the GPU holds them (each segment's distal-end ports, then
    // proximal-end, then part-way): edge, segment, group (0 distal, 1 proximal, 2 part-way) and
    // the sign that makes the edge's flow "out of the segment"
    struct HostPort {
      std::uint32_t edge, segment, group;
      double sign;
    };
    std::vector<HostPort> host_ports;
  };
  std::array<Leg, kMaxLegs> legs;
  std::size_t leg_count = 0;
  Buffer readback;  // host-visible, cached where offered: the CPU reads every pixel of it
  // the overlay: two signed-distance font atlases and a vertex buffer that grows only when a frame
  // needs more than any before
  ImageRes atlas[2];
  float atlas_range[2] = {0, 0};
  VkSampler sampler = VK_NULL_HANDLE;
  VkDescriptorSetLayout overlay_set_layout = VK_NULL_HANDLE;
  VkDescriptorSet overlay_set = VK_NULL_HANDLE;
  VkPipelineLayout overlay_layout = VK_NULL_HANDLE;
  std::array<VkPipeline, 3> overlay_pipelines{};  // solid shapes, regular text, bold text (overlay.frag's kKind)
  Buffer overlay_vertices;
  VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
  VkDescriptorPool descriptor_pool = VK_NULL_HANDLE;
  VkPipelineLayout compute_layout = VK_NULL_HANDLE;
  // the deformation: one pipeline per tissue kind that moves (a CPU device runs every branch of a
  // shader for every vertex, so one shader for all kinds paid for all of them), then the normals
  std::array<VkPipeline, kKinds + 1> deform_pipelines{};  // [0]: normals, [k]: positions of kind k
  VkDescriptorSetLayout particle_set_layout = VK_NULL_HANDLE, composite_set_layout = VK_NULL_HANDLE;
  VkPipelineLayout particle_layout = VK_NULL_HANDLE, composite_layout = VK_NULL_HANDLE;
  VkPipeline particle_compute = VK_NULL_HANDLE, composite_pipeline = VK_NULL_HANDLE;
  // the blood as the compute rasterizer leaves it: one word per pixel of the frame for the legs'
  // views, then one per pixel for the close-ups (which lie over the legs' views)
  Buffer splat;
  VkDescriptorSet composite_set = VK_NULL_HANDLE;
  static constexpr std::size_t kMaxViews = 2;  // of one leg in a frame: its own view and a close-up
  FrameTimings timings;

  Leg& leg(std::size_t slot, const char* what) {
    if (slot >= leg_count || !legs[slot].model) throw RenderError(fmt::format("{}: no leg in slot {} (set_leg)", what, slot));
    return legs[slot];
  }

  // a host-visible, mapped buffer for what the host writes every frame
  Buffer make_buffer(VkDeviceSize size, VkBufferUsageFlags usage) {
    Buffer b;
    b.size = std::max<VkDeviceSize>(size, 16);
    create_buffer(b.size, usage, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, 0, b.buffer, b.memory);
    CP_VK(vkMapMemory(device, b.memory, 0, VK_WHOLE_SIZE, 0, &b.mapped));
    return b;
  }

  // a device-local buffer (mapped when the device allows), filled with `data` when given
  Buffer make_static(const void* data, VkDeviceSize size, VkBufferUsageFlags usage) {
    Buffer b;
    b.size = std::max<VkDeviceSize>(size, 16);
    usage |= VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
    const bool mappable = create_buffer(b.size, usage, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT,
                                        VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, b.buffer, b.memory);
    if (mappable) CP_VK(vkMapMemory(device, b.memory, 0, VK_WHOLE_SIZE, 0, &b.mapped));
    if (data && size > 0) copy_into(b, data, size);
    return b;
  }
  template <class T>
  Buffer upload(const std::vector<T>& data, VkBufferUsageFlags usage) {
    return make_static(data.empty() ? nullptr : data.data(), data.size() * sizeof(T), usage);
  }

  // host data into a buffer: directly when mapped, else through a staging buffer
  void copy_into(Buffer& b, const void* data, VkDeviceSize size) {
    if (b.mapped) {
      std::memcpy(b.mapped, data, size);
      return;
    }
    Buffer staging = make_buffer(size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT);
    std::memcpy(staging.mapped, data, size);
    begin_commands();
    const VkBufferCopy region{0, 0, size};
    vkCmdCopyBuffer(cmd, staging.buffer, b.buffer, 1, &region);
    submit_and_wait();
    free_buffer(staging);
  }

  // a buffer's first `size` bytes back to the host (tests and exports; never per frame)
  std::vector<float> read_back(const Buffer& b, VkDeviceSize size) {
    std::vector<float> out(size / sizeof(float));
    if (b.mapped) {
      std::memcpy(out.data(), b.mapped, size);
      return out;
    }
    Buffer staging = make_buffer(size, VK_BUFFER_USAGE_TRANSFER_DST_BIT);
    begin_commands();
    const VkBufferCopy region{0, 0, size};
    vkCmdCopyBuffer(cmd, b.buffer, staging.buffer, 1, &region);
    VkMemoryBarrier to_host{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    to_host.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    to_host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &to_host, 0, nullptr, 0, nullptr);
    submit_and_wait();
    std::memcpy(out.data(), staging.mapped, size);
    free_buffer(staging);
    return out;
  }

  void free_buffer(Buffer& b) {
    if (b.view) vkDestroyBufferView(device, b.view, nullptr);
    if (b.mapped) vkUnmapMemory(device, b.memory);
    if (b.buffer) vkDestroyBuffer(device, b.buffer, nullptr);
    if (b.memory) vkFreeMemory(device, b.memory, nullptr);
    b = {};
  }

  ~Impl() { destroy(); }

  // the first memory type with `required` and, if any has them, `preferred` as well; -1 if none
  int memory_type(std::uint32_t bits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred = 0) const {
    VkPhysicalDeviceMemoryProperties props;
    vkGetPhysicalDeviceMemoryProperties(physical, &props);
    for (VkMemoryPropertyFlags want : {required | preferred, required})
      for (std::uint32_t i = 0; i < props.memoryTypeCount; ++i)
        if ((bits & (1u << i)) && (props.memoryTypes[i].propertyFlags & want) == want) return static_cast<int>(i);
    return -1;
  }

  // returns whether the memory is host-visible (mappable)
  bool create_buffer(VkDeviceSize size, VkBufferUsageFlags usage, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred,
                     VkBuffer& buffer, VkDeviceMemory& memory) {
    VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
    info.size = size;
    info.usage = usage;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    CP_VK(vkCreateBuffer(device, &info, nullptr, &buffer));
    VkMemoryRequirements req;
    vkGetBufferMemoryRequirements(device, buffer, &req);
    const int type = memory_type(req.memoryTypeBits, required, preferred);
    if (type < 0) throw RenderError(fmt::format("no Vulkan memory type for a {} byte buffer", size));
    VkPhysicalDeviceMemoryProperties props;
    vkGetPhysicalDeviceMemoryProperties(physical, &props);
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = static_cast<std::uint32_t>(type);
    CP_VK(vkAllocateMemory(device, &alloc, nullptr, &memory));
    CP_VK(vkBindBufferMemory(device, buffer, memory, 0));
    const VkMemoryPropertyFlags got = props.memoryTypes[type].propertyFlags;
    return (got & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT) && (got & VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
  }

  void create_image(VkFormat format, VkImageUsageFlags usage, VkSampleCountFlagBits count, VkImageAspectFlags aspect, ImageRes& res,
                    int width = 0, int height = 0) {
    VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
    info.imageType = VK_IMAGE_TYPE_2D;
    info.format = format;
    info.extent = {static_cast<std::uint32_t>(width > 0 ? width : options.width), static_cast<std::uint32_t>(height > 0 ? height : options.height), 1};
    info.mipLevels = 1;
    info.arrayLayers = 1;
    info.samples = count;
    info.tiling = VK_IMAGE_TILING_OPTIMAL;
    info.usage = usage;
    info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    CP_VK(vkCreateImage(device, &info, nullptr, &res.image));
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(device, res.image, &req);
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = req.size;
    const int type = memory_type(req.memoryTypeBits, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (type < 0) throw RenderError("no Vulkan memory type for the image");
    alloc.memoryTypeIndex = static_cast<std::uint32_t>(type);
    CP_VK(vkAllocateMemory(device, &alloc, nullptr, &res.memory));
    CP_VK(vkBindImageMemory(device, res.image, res.memory, 0));
    VkImageViewCreateInfo view{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    view.image = res.image;
    view.viewType = VK_IMAGE_VIEW_TYPE_2D;
    view.format = format;
    view.subresourceRange = {aspect, 0, 1, 0, 1};
    CP_VK(vkCreateImageView(device, &view, nullptr, &res.view));
  }

  void destroy_image(ImageRes& r) {
    if (r.view) vkDestroyImageView(device, r.view, nullptr);
    if (r.image) vkDestroyImage(device, r.image, nullptr);
    if (r.memory) vkFreeMemory(device, r.memory, nullptr);
    r = {};
  }

  void destroy() {
    if (device) {
      vkDeviceWaitIdle(device);
      for (Leg& l : legs) {
        release_leg(l);
        release_particles(l);
      }
      for (VkPipeline p : {particle_compute, composite_pipeline})
        if (p) vkDestroyPipeline(device, p, nullptr);
      for (VkPipelineLayout l : {particle_layout, composite_layout})
        if (l) vkDestroyPipelineLayout(device, l, nullptr);
      for (VkDescriptorSetLayout l : {particle_set_layout, composite_set_layout})
        if (l) vkDestroyDescriptorSetLayout(device, l, nullptr);
      free_buffer(splat);
      for (VkPipeline p : deform_pipelines)
        if (p) vkDestroyPipeline(device, p, nullptr);
      if (compute_layout) vkDestroyPipelineLayout(device, compute_layout, nullptr);
      if (descriptor_pool) vkDestroyDescriptorPool(device, descriptor_pool, nullptr);
      if (set_layout) vkDestroyDescriptorSetLayout(device, set_layout, nullptr);
      for (VkPipeline p : opaque)
        if (p) vkDestroyPipeline(device, p, nullptr);
      for (VkPipeline p : translucent)
        if (p) vkDestroyPipeline(device, p, nullptr);
      if (layout) vkDestroyPipelineLayout(device, layout, nullptr);
      if (framebuffer) vkDestroyFramebuffer(device, framebuffer, nullptr);
      if (render_pass) vkDestroyRenderPass(device, render_pass, nullptr);
      if (final_framebuffer) vkDestroyFramebuffer(device, final_framebuffer, nullptr);
      if (final_pass) vkDestroyRenderPass(device, final_pass, nullptr);
      if (filter_pipeline) vkDestroyPipeline(device, filter_pipeline, nullptr);
      if (post_layout) vkDestroyPipelineLayout(device, post_layout, nullptr);
      if (post_set_layout) vkDestroyDescriptorSetLayout(device, post_set_layout, nullptr);
      destroy_image(color_ms);
      destroy_image(depth_ms);
      destroy_image(resolve);
      destroy_image(filter_source);
      free_buffer(readback);
      free_buffer(overlay_vertices);
      destroy_image(atlas[0]);
      destroy_image(atlas[1]);
      for (VkPipeline p : overlay_pipelines)
        if (p) vkDestroyPipeline(device, p, nullptr);
      if (overlay_layout) vkDestroyPipelineLayout(device, overlay_layout, nullptr);
      if (overlay_set_layout) vkDestroyDescriptorSetLayout(device, overlay_set_layout, nullptr);
      if (sampler) vkDestroySampler(device, sampler, nullptr);
      if (timestamps) vkDestroyQueryPool(device, timestamps, nullptr);
      if (fence) vkDestroyFence(device, fence, nullptr);
      if (pool) vkDestroyCommandPool(device, pool, nullptr);
      vkDestroyDevice(device, nullptr);
      device = VK_NULL_HANDLE;
    }
    if (messenger) {
      auto destroy_fn = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(vkGetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT"));
      if (destroy_fn) destroy_fn(instance, messenger, nullptr);
      messenger = VK_NULL_HANDLE;
    }
    if (instance) vkDestroyInstance(instance, nullptr);
    instance = VK_NULL_HANDLE;
  }

  // one command buffer, recorded and submitted once per call, waited on with a fence
  void begin_commands() {
    CP_VK(vkResetCommandBuffer(cmd, 0));
    VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
    begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
    CP_VK(vkBeginCommandBuffer(cmd, &begin));
  }

  void submit_and_wait() {
    CP_VK(vkEndCommandBuffer(cmd));
    VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
    submit.commandBufferCount = 1;
    submit.pCommandBuffers = &cmd;
    CP_VK(vkResetFences(device, 1, &fence));
    CP_VK(vkQueueSubmit(queue, 1, &submit, fence));
    CP_VK(vkWaitForFences(device, 1, &fence, VK_TRUE, UINT64_MAX));
  }

  void release_leg(Leg& l) {
    for (Buffer& b : l.buffers) free_buffer(b);
    l.draws.clear();
    l.model = nullptr;
  }

  void release_particles(Leg& l) {
    for (Buffer& b : l.pbuf) free_buffer(b);
    l.particle_count = 0;
  }

  // Descriptor sets are lists of buffers, each bound as one of these types. Tables the shaders
  // gather from (index by another value) are uniform texel buffers: a CPU device loads a storage
  // buffer's gathered values lane by lane with a bounds check each, but fetches texels as vectors
  // (on lavapipe 8 gathered vec4s cost 4.4 ms per 400k invocations as texels, 47 ms from a storage
  // buffer), and a GPU reads them through its texture cache.
  static constexpr VkDescriptorType kSsbo = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
  static constexpr VkDescriptorType kUbo = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
  static constexpr VkDescriptorType kTexels = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
  static constexpr VkDescriptorType kImage = VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER;
  // deform.comp's and normals.comp's bindings: rest vertices, deformed positions, deformed
  // positions as texels, frames, paths, vessels, bodies, segments, valves, adjacency, normals
  static constexpr std::array<VkDescriptorType, 11> kDeformBindings{kTexels, kSsbo, kTexels, kTexels, kTexels, kTexels,
                                                                    kTexels, kTexels, kTexels, kTexels, kSsbo};
  // particles.comp's bindings (see the shader)
  static constexpr std::array<VkDescriptorType, 18> kParticleBindings{kImage,  kSsbo,   kTexels, kTexels, kTexels, kTexels,
                                                                      kTexels, kTexels, kTexels, kTexels, kTexels, kSsbo,
                                                                      kTexels, kTexels, kTexels, kTexels, kUbo,    kSsbo};
  // splat.frag's: the splat words as texels
  static constexpr std::array<VkDescriptorType, 1> kCompositeBindings{kTexels};

  template <std::size_t N>
  VkDescriptorSetLayout set_layout_of(const std::array<VkDescriptorType, N>& types, VkShaderStageFlags stages) {
    std::array<VkDescriptorSetLayoutBinding, N> b{};
    for (std::uint32_t i = 0; i < N; ++i) b[i] = {i, types[i], 1, stages, nullptr};
    VkDescriptorSetLayoutCreateInfo li{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    li.bindingCount = static_cast<std::uint32_t>(N);
    li.pBindings = b.data();
    VkDescriptorSetLayout l;
    CP_VK(vkCreateDescriptorSetLayout(device, &li, nullptr, &l));
    return l;
  }

  VkDescriptorSet allocate_set(VkDescriptorSetLayout l) {
    VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    ai.descriptorPool = descriptor_pool;
    ai.descriptorSetCount = 1;
    ai.pSetLayouts = &l;
    VkDescriptorSet set;
    CP_VK(vkAllocateDescriptorSets(device, &ai, &set));
    return set;
  }

  // binds buffer i at binding i as types[i] (texel bindings use the buffer's view)
  template <std::size_t N>
  void write_set(VkDescriptorSet set, const std::array<const Buffer*, N>& bufs, const std::array<VkDescriptorType, N>& types) {
    std::array<VkDescriptorBufferInfo, N> infos{};
    std::array<VkWriteDescriptorSet, N> writes{};
    for (std::size_t i = 0; i < N; ++i) {
      const bool texel = types[i] == kTexels || types[i] == kImage;
      if (texel && !bufs[i]->view) throw RenderError(fmt::format("internal: binding {} has no texel view", i));
      infos[i] = {bufs[i]->buffer, 0, VK_WHOLE_SIZE};
      writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
      writes[i].dstSet = set;
      writes[i].dstBinding = static_cast<std::uint32_t>(i);
      writes[i].descriptorCount = 1;
      writes[i].descriptorType = types[i];
      if (texel)
        writes[i].pTexelBufferView = &bufs[i]->view;
      else
        writes[i].pBufferInfo = &infos[i];
    }
    vkUpdateDescriptorSets(device, static_cast<std::uint32_t>(N), writes.data(), 0, nullptr);
  }

  // gives `b` a texel view of its first `bytes` bytes (all of it when 0) in `format`, whose texel
  // is `texel_bytes` long; `what` names the table in the error a too-small device limit gives
  void texel_view(Buffer& b, VkFormat format, VkDeviceSize texel_bytes, const char* what, VkDeviceSize bytes = 0) {
    const VkDeviceSize range = bytes > 0 ? bytes : b.size / texel_bytes * texel_bytes;
    if (range / texel_bytes > max_texel_elements)
      throw RenderError(fmt::format("{}: {} needs {} texels, more than the {} this device's texel buffers hold", device_name, what,
                                    range / texel_bytes, max_texel_elements));
    VkBufferViewCreateInfo vi{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
    vi.buffer = b.buffer;
    vi.format = format;
    vi.offset = 0;
    vi.range = range;
    CP_VK(vkCreateBufferView(device, &vi, nullptr, &b.view));
  }

  void create_particle_pipelines() {
    // the views the blood is drawn into are a uniform buffer: every invocation reads the same
    // numbers (a CPU device loads a storage buffer's lane by lane)
    particle_set_layout = set_layout_of(kParticleBindings, VK_SHADER_STAGE_COMPUTE_BIT);
    composite_set_layout = set_layout_of(kCompositeBindings, VK_SHADER_STAGE_FRAGMENT_BIT);
    for (Leg& l : legs) l.particle_set = allocate_set(particle_set_layout);
    particle_layout = pipeline_layout(&particle_set_layout, VK_SHADER_STAGE_COMPUTE_BIT, 32);
    particle_compute = compute_pipeline("particles.comp.spv", particle_layout);
    composite_layout = pipeline_layout(&composite_set_layout, VK_SHADER_STAGE_FRAGMENT_BIT, sizeof(CompositePush));
    const VkPipelineVertexInputStateCreateInfo none{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
    // where the edge filter runs, the blood is marked for it (alpha 0: left as drawn)
    const VkBool32 mark = edge_filter ? VK_TRUE : VK_FALSE;
    const VkSpecializationMapEntry entry{0, 0, sizeof(VkBool32)};
    const VkSpecializationInfo spec{1, &entry, sizeof(VkBool32), &mark};
    composite_pipeline = graphics_pipeline("splat.vert.spv", "splat.frag.spv", none, composite_layout, true, false, true, VK_CULL_MODE_NONE,
                                           VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST, &spec);
    splat = make_static(nullptr, 2 * frame_pixels() * 4, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT);
    texel_view(splat, VK_FORMAT_R32_UINT, 4, "the blood's splat words");
    composite_set = allocate_set(composite_set_layout);
    write_set(composite_set, std::array<const Buffer*, 1>{&splat}, kCompositeBindings);
  }

  VkDeviceSize frame_pixels() const { return static_cast<VkDeviceSize>(options.width) * static_cast<VkDeviceSize>(options.height); }

  void create_overlay_pipeline() {
    VkSamplerCreateInfo si{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
    si.magFilter = si.minFilter = VK_FILTER_LINEAR;
    si.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
    si.addressModeU = si.addressModeV = si.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
    CP_VK(vkCreateSampler(device, &si, nullptr, &sampler));
    VkDescriptorSetLayoutBinding b[2] = {{0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, nullptr},
                                         {1, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, nullptr}};
    VkDescriptorSetLayoutCreateInfo li{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    li.bindingCount = 2;
    li.pBindings = b;
    CP_VK(vkCreateDescriptorSetLayout(device, &li, nullptr, &overlay_set_layout));
    overlay_set = allocate_set(overlay_set_layout);
    overlay_layout = pipeline_layout(&overlay_set_layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 16);
    VkVertexInputBindingDescription binding{0, sizeof(OverlayVertex), VK_VERTEX_INPUT_RATE_VERTEX};
    VkVertexInputAttributeDescription attrs[3] = {{0, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(OverlayVertex, x)},
                                                  {1, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(OverlayVertex, u)},
                                                  {2, 0, VK_FORMAT_R8G8B8A8_UNORM, offsetof(OverlayVertex, rgba)}};
    VkPipelineVertexInputStateCreateInfo vi{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
    vi.vertexBindingDescriptionCount = 1;
    vi.pVertexBindingDescriptions = &binding;
    vi.vertexAttributeDescriptionCount = 3;
    vi.pVertexAttributeDescriptions = attrs;
    // the overlay is drawn in the final pass, over the finished scene
    for (std::int32_t kind = 0; kind < 3; ++kind) {
      const VkSpecializationMapEntry entry{0, 0, sizeof(std::int32_t)};
      const VkSpecializationInfo spec{1, &entry, sizeof(std::int32_t), &kind};
      overlay_pipelines[static_cast<std::size_t>(kind)] = graphics_pipeline("overlay.vert.spv", "overlay.frag.spv", vi, overlay_layout, false, true,
                                                                            false, VK_CULL_MODE_NONE, VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST, &spec, true);
    }

    // the edge filter: the legs' boxes of the scene, from a copy of it
    if (!edge_filter) return;
    VkDescriptorSetLayoutBinding pb{0, VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 1, VK_SHADER_STAGE_FRAGMENT_BIT, nullptr};
    VkDescriptorSetLayoutCreateInfo pli{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    pli.bindingCount = 1;
    pli.pBindings = &pb;
    CP_VK(vkCreateDescriptorSetLayout(device, &pli, nullptr, &post_set_layout));
    post_set = allocate_set(post_set_layout);
    post_layout = pipeline_layout(&post_set_layout, VK_SHADER_STAGE_FRAGMENT_BIT, 8);
    const VkPipelineVertexInputStateCreateInfo none{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
    filter_pipeline = graphics_pipeline("splat.vert.spv", "post.frag.spv", none, post_layout, false, false, false, VK_CULL_MODE_NONE,
                                        VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST, nullptr, true);
    const VkDescriptorImageInfo scene{sampler, filter_source.view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
    VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    w.dstSet = post_set;
    w.dstBinding = 0;
    w.descriptorCount = 1;
    w.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
    w.pImageInfo = &scene;
    vkUpdateDescriptorSets(device, 1, &w, 0, nullptr);
  }

  // a font atlas into a sampled R8 image (staging copy), once
  void upload_atlas(int which, const FontAtlas& font) {
    if (font.width <= 0 || font.height <= 0 || font.pixels.size() != static_cast<std::size_t>(font.width) * static_cast<std::size_t>(font.height))
      throw RenderError("set_fonts: a font atlas is empty or its size does not match its pixels");
    vkDeviceWaitIdle(device);
    destroy_image(atlas[which]);
    create_image(VK_FORMAT_R8_UNORM, VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, VK_SAMPLE_COUNT_1_BIT, VK_IMAGE_ASPECT_COLOR_BIT,
                 atlas[which], font.width, font.height);
    Buffer staging = make_buffer(font.pixels.size(), VK_BUFFER_USAGE_TRANSFER_SRC_BIT);
    std::memcpy(staging.mapped, font.pixels.data(), font.pixels.size());
    begin_commands();
    VkImageMemoryBarrier to_dst{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    to_dst.srcAccessMask = 0;
    to_dst.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    to_dst.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    to_dst.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    to_dst.srcQueueFamilyIndex = to_dst.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    to_dst.image = atlas[which].image;
    to_dst.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr, 1, &to_dst);
    VkBufferImageCopy copy{};
    copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    copy.imageExtent = {static_cast<std::uint32_t>(font.width), static_cast<std::uint32_t>(font.height), 1};
    vkCmdCopyBufferToImage(cmd, staging.buffer, atlas[which].image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &copy);
    VkImageMemoryBarrier to_read = to_dst;
    to_read.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    to_read.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    to_read.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    to_read.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, 0, nullptr, 0, nullptr, 1, &to_read);
    submit_and_wait();
    free_buffer(staging);
    atlas_range[which] = font.px_range;
  }

  void create_compute() {
    // one pool for every leg's two sets (deformation, particle transport with the blood's
    // rasterization), the blood's composite set and the overlay's font atlases
    // (combined image samplers: the two font atlases and the scene for the final pass)
    std::array<VkDescriptorPoolSize, 5> sizes{{{kSsbo, 0}, {kUbo, 0}, {kTexels, 0}, {kImage, 0}, {VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 3}}};
    auto count = [&](VkDescriptorType t, std::uint32_t sets) {
      for (VkDescriptorPoolSize& ps : sizes)
        if (ps.type == t) ps.descriptorCount += sets;
    };
    for (VkDescriptorType t : kDeformBindings) count(t, kMaxLegs);
    for (VkDescriptorType t : kParticleBindings) count(t, kMaxLegs);
    for (VkDescriptorType t : kCompositeBindings) count(t, 1);
    VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pi.maxSets = static_cast<std::uint32_t>(kMaxLegs) * 2 + 1 + 1 + 1;
    pi.poolSizeCount = static_cast<std::uint32_t>(sizes.size());
    pi.pPoolSizes = sizes.data();
    CP_VK(vkCreateDescriptorPool(device, &pi, nullptr, &descriptor_pool));
    set_layout = set_layout_of(kDeformBindings, VK_SHADER_STAGE_COMPUTE_BIT);
    for (Leg& l : legs) l.deform_set = allocate_set(set_layout);
    compute_layout = pipeline_layout(&set_layout, VK_SHADER_STAGE_COMPUTE_BIT, 20);
    for (std::uint32_t stage = 0; stage < deform_pipelines.size(); ++stage) {
      const VkSpecializationMapEntry entry{0, 0, sizeof(std::uint32_t)};
      const VkSpecializationInfo spec{1, &entry, sizeof(std::uint32_t), &stage};
      // bones (kind 0) never move: 0 is the normals
      deform_pipelines[stage] = stage == 0 ? compute_pipeline("normals.comp.spv", compute_layout) : compute_pipeline("deform.comp.spv", compute_layout, &spec);
    }
  }

  void create_instance() {
    std::uint32_t count = 0;
    CP_VK(vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr));
    std::vector<VkExtensionProperties> available(count);
    CP_VK(vkEnumerateInstanceExtensionProperties(nullptr, &count, available.data()));
    auto has_ext = [&](const char* n) {
      return std::any_of(available.begin(), available.end(), [&](const VkExtensionProperties& e) { return std::strcmp(e.extensionName, n) == 0; });
    };
    std::vector<const char*> extensions, layers;
    VkInstanceCreateFlags flags = 0;
    // MoltenVK and other portability drivers are listed only when asked for
    if (has_ext(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME)) {
      extensions.push_back(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME);
      flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
    }
    if (options.validation) {
      std::uint32_t lc = 0;
      CP_VK(vkEnumerateInstanceLayerProperties(&lc, nullptr));
      std::vector<VkLayerProperties> ls(lc);
      CP_VK(vkEnumerateInstanceLayerProperties(&lc, ls.data()));
      const bool found = std::any_of(ls.begin(), ls.end(), [](const VkLayerProperties& l) { return std::strcmp(l.layerName, "VK_LAYER_KHRONOS_validation") == 0; });
      if (!found) throw RenderError("validation was asked for but VK_LAYER_KHRONOS_validation is not installed (Debian: vulkan-validationlayers)");
      layers.push_back("VK_LAYER_KHRONOS_validation");
      if (!has_ext(VK_EXT_DEBUG_UTILS_EXTENSION_NAME)) throw RenderError("validation needs VK_EXT_debug_utils, which this Vulkan loader lacks");
      extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    }
    VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
    app.pApplicationName = "CalfPump";
    app.apiVersion = VK_API_VERSION_1_2;
    VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
    info.flags = flags;
    info.pApplicationInfo = &app;
    info.enabledExtensionCount = static_cast<std::uint32_t>(extensions.size());
    info.ppEnabledExtensionNames = extensions.data();
    info.enabledLayerCount = static_cast<std::uint32_t>(layers.size());
    info.ppEnabledLayerNames = layers.data();
    // synchronization validation on, when validating
    VkValidationFeatureEnableEXT enables[] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
    VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
    features.enabledValidationFeatureCount = 1;
    features.pEnabledValidationFeatures = enables;
    if (options.validation) info.pNext = &features;
    const VkResult r = vkCreateInstance(&info, nullptr, &instance);
    if (r == VK_ERROR_INCOMPATIBLE_DRIVER) throw RenderError("no Vulkan driver is installed (Debian: mesa-vulkan-drivers)");
    CP_VK(r);
    if (options.validation) {
      VkDebugUtilsMessengerCreateInfoEXT m{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
      m.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
      m.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                      VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
      m.pfnUserCallback = on_validation;
      m.pUserData = &validation;
      auto create_fn = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(vkGetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT"));
      if (!create_fn) throw RenderError("vkCreateDebugUtilsMessengerEXT is not available");
      CP_VK(create_fn(instance, &m, nullptr, &messenger));
    }
  }

  void pick_device() {
    std::uint32_t count = 0;
    CP_VK(vkEnumeratePhysicalDevices(instance, &count, nullptr));
    if (count == 0) throw RenderError("no Vulkan device found (Debian: mesa-vulkan-drivers provides the lavapipe CPU device)");
    std::vector<VkPhysicalDevice> devices(count);
    CP_VK(vkEnumeratePhysicalDevices(instance, &count, devices.data()));
    auto rank = [](VkPhysicalDeviceType t) {
      switch (t) {
        case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
        case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
        case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
        case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
        default: return 4;
      }
    };
    int best_rank = 99;
    std::string names;
    for (VkPhysicalDevice d : devices) {
      VkPhysicalDeviceProperties p;
      vkGetPhysicalDeviceProperties(d, &p);
      names += (names.empty() ? "" : ", ") + std::string(p.deviceName);
      if (VK_API_VERSION_MINOR(p.apiVersion) < 2 && VK_API_VERSION_MAJOR(p.apiVersion) == 1) continue;
      std::uint32_t qc = 0;
      vkGetPhysicalDeviceQueueFamilyProperties(d, &qc, nullptr);
      std::vector<VkQueueFamilyProperties> qs(qc);
      vkGetPhysicalDeviceQueueFamilyProperties(d, &qc, qs.data());
      int family = -1;
      for (std::uint32_t i = 0; i < qc && family < 0; ++i)
        if (qs[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) family = static_cast<int>(i);
      if (family < 0) continue;
      if (!options.device.empty() && std::string(p.deviceName).find(options.device) == std::string::npos) continue;
      if (rank(p.deviceType) < best_rank) {
        best_rank = rank(p.deviceType);
        physical = d;
        queue_family = static_cast<std::uint32_t>(family);
        device_name = p.deviceName;
        max_texel_elements = p.limits.maxTexelBufferElements;
        const VkSampleCountFlags ok = p.limits.framebufferColorSampleCounts & p.limits.framebufferDepthSampleCounts;
        // how edges are smoothed: a CPU device pays for every sample's depth test and blend
        // (4x multisampling took about 30 of 63 ms of the comparison frame's drawing on lavapipe),
        // so it draws one sample and filters the edges; GPUs multisample
        const bool cpu = p.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
        const bool multisample = options.antialiasing == Antialiasing::Multisample || (options.antialiasing == Antialiasing::Automatic && !cpu);
        samples = multisample && (ok & VK_SAMPLE_COUNT_4_BIT) ? VK_SAMPLE_COUNT_4_BIT : VK_SAMPLE_COUNT_1_BIT;
        edge_filter = samples == VK_SAMPLE_COUNT_1_BIT && options.antialiasing != Antialiasing::None;
      }
    }
    if (!physical)
      throw RenderError(options.device.empty() ? fmt::format("no Vulkan 1.2 device with graphics found (devices: {})", names)
                                               : fmt::format("no Vulkan 1.2 device named like '{}' (devices: {})", options.device, names));
    const float priority = 1.0f;
    VkDeviceQueueCreateInfo q{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
    q.queueFamilyIndex = queue_family;
    q.queueCount = 1;
    q.pQueuePriorities = &priority;
    std::vector<const char*> extensions;
    std::uint32_t ec = 0;
    CP_VK(vkEnumerateDeviceExtensionProperties(physical, nullptr, &ec, nullptr));
    std::vector<VkExtensionProperties> exts(ec);
    CP_VK(vkEnumerateDeviceExtensionProperties(physical, nullptr, &ec, exts.data()));
    for (const auto& e : exts)
      if (std::strcmp(e.extensionName, "VK_KHR_portability_subset") == 0) extensions.push_back("VK_KHR_portability_subset");
    // the particle shader sums its waiting count per subgroup
    VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
    VkPhysicalDeviceProperties2 props2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
    props2.pNext = &subgroup;
    vkGetPhysicalDeviceProperties2(physical, &props2);
    if (!(subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) || !(subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT))
      throw RenderError(fmt::format("{} lacks subgroup arithmetic in compute shaders, which the particle system needs", device_name));
    // the texel formats the tables are read (and the particles written) as: Vulkan requires these,
    // a portability driver might still lack one
    struct TexelFormat {
      VkFormat format;
      const char* name;
      VkFormatFeatureFlags needed;
    };
    constexpr VkFormatFeatureFlags kRead = VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT;
    const TexelFormat texel_formats[] = {{VK_FORMAT_R32G32B32A32_SFLOAT, "R32G32B32A32_SFLOAT", kRead},
                                         {VK_FORMAT_R32G32B32A32_UINT, "R32G32B32A32_UINT", kRead | VK_FORMAT_FEATURE_STORAGE_TEXEL_BUFFER_BIT},
                                         {VK_FORMAT_R32G32B32A32_SINT, "R32G32B32A32_SINT", kRead},
                                         {VK_FORMAT_R32G32_UINT, "R32G32_UINT", kRead},
                                         {VK_FORMAT_R32G32_SFLOAT, "R32G32_SFLOAT", kRead},
                                         {VK_FORMAT_R32_UINT, "R32_UINT", kRead},
                                         {VK_FORMAT_R32_SFLOAT, "R32_SFLOAT", kRead}};
    for (const TexelFormat& f : texel_formats) {
      VkFormatProperties fp;
      vkGetPhysicalDeviceFormatProperties(physical, f.format, &fp);
      if ((fp.bufferFeatures & f.needed) != f.needed)
        throw RenderError(fmt::format("{} cannot use texel buffers of format {}, which the deformation and particles use", device_name, f.name));
    }
    VkPhysicalDeviceFeatures enabled{};  // core 1.2 features only: nothing optional is needed
    VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
    info.pEnabledFeatures = &enabled;
    info.queueCreateInfoCount = 1;
    info.pQueueCreateInfos = &q;
    info.enabledExtensionCount = static_cast<std::uint32_t>(extensions.size());
    info.ppEnabledExtensionNames = extensions.data();
    CP_VK(vkCreateDevice(physical, &info, nullptr, &device));
    vkGetDeviceQueue(device, queue_family, 0, &queue);
    VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
    pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
    pool_info.queueFamilyIndex = queue_family;
    CP_VK(vkCreateCommandPool(device, &pool_info, nullptr, &pool));
    VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    alloc.commandPool = pool;
    alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    alloc.commandBufferCount = 1;
    CP_VK(vkAllocateCommandBuffers(device, &alloc, &cmd));
    VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    CP_VK(vkCreateFence(device, &fi, nullptr, &fence));
    std::uint32_t qc = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &qc, nullptr);
    std::vector<VkQueueFamilyProperties> qs(qc);
    vkGetPhysicalDeviceQueueFamilyProperties(physical, &qc, qs.data());
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(physical, &props);
    if (qs[queue_family].timestampValidBits > 0 && props.limits.timestampPeriod > 0) {
      VkQueryPoolCreateInfo qi{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
      qi.queryType = VK_QUERY_TYPE_TIMESTAMP;
      qi.queryCount = static_cast<std::uint32_t>(stamp_values.size());
      CP_VK(vkCreateQueryPool(device, &qi, nullptr, &timestamps));
      timestamp_ns = props.limits.timestampPeriod;
    }
  }

  void create_target() {
    constexpr VkFormat kColor = VK_FORMAT_R8G8B8A8_UNORM, kDepth = VK_FORMAT_D32_SFLOAT;
    const bool msaa = samples != VK_SAMPLE_COUNT_1_BIT;
    constexpr VkImageUsageFlags kScene = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
    create_image(kColor, msaa ? VkImageUsageFlags{VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT} : kScene, samples, VK_IMAGE_ASPECT_COLOR_BIT, color_ms);
    create_image(kDepth, VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT, samples, VK_IMAGE_ASPECT_DEPTH_BIT, depth_ms);
    if (msaa) create_image(kColor, kScene, VK_SAMPLE_COUNT_1_BIT, VK_IMAGE_ASPECT_COLOR_BIT, resolve);
    if (edge_filter)
      create_image(kColor, VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, VK_SAMPLE_COUNT_1_BIT, VK_IMAGE_ASPECT_COLOR_BIT,
                   filter_source);
    readback.size = static_cast<VkDeviceSize>(options.width) * static_cast<VkDeviceSize>(options.height) * 4;
    create_buffer(readback.size, VK_BUFFER_USAGE_TRANSFER_DST_BIT, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                  VK_MEMORY_PROPERTY_HOST_CACHED_BIT, readback.buffer, readback.memory);
    CP_VK(vkMapMemory(device, readback.memory, 0, VK_WHOLE_SIZE, 0, &readback.mapped));

    VkAttachmentDescription att[3]{};
    att[0].format = kColor;
    att[0].samples = samples;
    att[0].loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
    att[0].storeOp = msaa ? VK_ATTACHMENT_STORE_OP_DONT_CARE : VK_ATTACHMENT_STORE_OP_STORE;
    att[0].stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    att[0].stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    att[0].initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    att[0].finalLayout = msaa ? VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL : VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    att[1].format = kDepth;
    att[1].samples = samples;
    att[1].loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
    att[1].storeOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    att[1].stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    att[1].stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    att[1].initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    att[1].finalLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
    att[2] = att[0];
    att[2].samples = VK_SAMPLE_COUNT_1_BIT;
    att[2].loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    att[2].storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    att[2].finalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    VkAttachmentReference color_ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    VkAttachmentReference depth_ref{1, VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL};
    VkAttachmentReference resolve_ref{2, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    VkSubpassDescription sub{};
    sub.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
    sub.colorAttachmentCount = 1;
    sub.pColorAttachments = &color_ref;
    sub.pDepthStencilAttachment = &depth_ref;
    sub.pResolveAttachments = msaa ? &resolve_ref : nullptr;
    // the attachments are written by this pass (after the last frame's copies have read the scene
    // image) and then copied (to the read-back, or for the edge filter) and drawn over by the final pass
    VkSubpassDependency deps[2]{};
    deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
    deps[0].dstSubpass = 0;
    deps[0].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
    deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_EARLY_FRAGMENT_TESTS_BIT | VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT;
    deps[0].srcAccessMask = VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
    deps[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT | VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_READ_BIT;
    deps[1].srcSubpass = 0;
    deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
    deps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    deps[1].dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    deps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    deps[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    VkRenderPassCreateInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
    rp.attachmentCount = msaa ? 3 : 2;
    rp.pAttachments = att;
    rp.subpassCount = 1;
    rp.pSubpasses = &sub;
    rp.dependencyCount = 2;
    rp.pDependencies = deps;
    CP_VK(vkCreateRenderPass(device, &rp, nullptr, &render_pass));
    VkImageView views[3] = {color_ms.view, depth_ms.view, resolve.view};
    VkFramebufferCreateInfo fb{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
    fb.renderPass = render_pass;
    fb.attachmentCount = msaa ? 3 : 2;
    fb.pAttachments = views;
    fb.width = static_cast<std::uint32_t>(options.width);
    fb.height = static_cast<std::uint32_t>(options.height);
    fb.layers = 1;
    CP_VK(vkCreateFramebuffer(device, &fb, nullptr, &framebuffer));

    // the final pass: over the single-sampled scene image as the scene pass left it, which is then
    // copied out by a transfer
    VkAttachmentDescription out{};
    out.format = kColor;
    out.samples = VK_SAMPLE_COUNT_1_BIT;
    out.loadOp = VK_ATTACHMENT_LOAD_OP_LOAD;
    out.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    out.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    out.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    out.initialLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    out.finalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    VkAttachmentReference out_ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    VkSubpassDescription final_sub{};
    final_sub.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
    final_sub.colorAttachmentCount = 1;
    final_sub.pColorAttachments = &out_ref;
    VkSubpassDependency final_deps[2]{};
    final_deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
    final_deps[0].dstSubpass = 0;
    // after the scene pass's writes and the filter's copy of the scene; before the read-back copy
    final_deps[0].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
    final_deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    final_deps[0].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    final_deps[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT | VK_ACCESS_COLOR_ATTACHMENT_READ_BIT;
    final_deps[1] = deps[1];
    final_deps[1].dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
    final_deps[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    VkRenderPassCreateInfo frp{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
    frp.attachmentCount = 1;
    frp.pAttachments = &out;
    frp.subpassCount = 1;
    frp.pSubpasses = &final_sub;
    frp.dependencyCount = 2;
    frp.pDependencies = final_deps;
    CP_VK(vkCreateRenderPass(device, &frp, nullptr, &final_pass));
    VkFramebufferCreateInfo ffb = fb;
    ffb.renderPass = final_pass;
    ffb.attachmentCount = 1;
    ffb.pAttachments = &scene_image().view;
    CP_VK(vkCreateFramebuffer(device, &ffb, nullptr, &final_framebuffer));
  }

  VkShaderModule shader(const std::string& name) {
    const auto words = read_spirv(name);
    VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    info.codeSize = words.size() * 4;
    info.pCode = words.data();
    VkShaderModule m;
    CP_VK(vkCreateShaderModule(device, &info, nullptr, &m));
    return m;
  }

  // a graphics pipeline for the target: two stages, triangle lists, no culling (leaflets are sheets;
  // translucent layers show their inside), depth tested; depth written and/or alpha-blended
  VkPipeline graphics_pipeline(const char* vert, const char* frag, const VkPipelineVertexInputStateCreateInfo& vi,
                               VkPipelineLayout pipeline_layout, bool depth_write, bool blended, bool depth_test = true,
                               VkCullModeFlags cull = VK_CULL_MODE_NONE, VkPrimitiveTopology topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST,
                               const VkSpecializationInfo* specialization = nullptr, bool final = false) {
    VkShaderModule vs = shader(vert), fs = shader(frag);
    VkPipelineShaderStageCreateInfo stages[2]{};
    stages[0].pSpecializationInfo = specialization;
    stages[1].pSpecializationInfo = specialization;
    stages[0].sType = stages[1].sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
    stages[0].module = vs;
    stages[0].pName = "main";
    stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
    stages[1].module = fs;
    stages[1].pName = "main";
    VkPipelineInputAssemblyStateCreateInfo ia{VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
    ia.topology = topology;
    // viewport and scissor are set per leg while recording
    VkPipelineViewportStateCreateInfo vps{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
    vps.viewportCount = 1;
    vps.scissorCount = 1;
    const VkDynamicState dynamic[2] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
    VkPipelineDynamicStateCreateInfo dyn{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
    dyn.dynamicStateCount = 2;
    dyn.pDynamicStates = dynamic;
    VkPipelineRasterizationStateCreateInfo rs{VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
    rs.polygonMode = VK_POLYGON_MODE_FILL;
    rs.cullMode = cull;
    rs.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
    rs.lineWidth = 1.0f;
    VkPipelineMultisampleStateCreateInfo ms{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
    ms.rasterizationSamples = final ? VK_SAMPLE_COUNT_1_BIT : samples;
    VkPipelineDepthStencilStateCreateInfo ds{VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
    ds.depthTestEnable = depth_test ? VK_TRUE : VK_FALSE;
    ds.depthWriteEnable = depth_write ? VK_TRUE : VK_FALSE;
    ds.depthCompareOp = VK_COMPARE_OP_LESS_OR_EQUAL;
    VkPipelineColorBlendAttachmentState blend{};
    blend.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT | VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
    if (blended) {
      blend.blendEnable = VK_TRUE;
      blend.srcColorBlendFactor = VK_BLEND_FACTOR_SRC_ALPHA;
      blend.dstColorBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
      blend.colorBlendOp = VK_BLEND_OP_ADD;
      blend.srcAlphaBlendFactor = VK_BLEND_FACTOR_ONE;
      blend.dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
      blend.alphaBlendOp = VK_BLEND_OP_ADD;
    }
    VkPipelineColorBlendStateCreateInfo cb{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
    cb.attachmentCount = 1;
    cb.pAttachments = &blend;
    VkGraphicsPipelineCreateInfo info{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
    info.stageCount = 2;
    info.pStages = stages;
    info.pVertexInputState = &vi;
    info.pInputAssemblyState = &ia;
    info.pViewportState = &vps;
    info.pRasterizationState = &rs;
    info.pMultisampleState = &ms;
    info.pDepthStencilState = &ds;
    info.pColorBlendState = &cb;
    info.pDynamicState = &dyn;
    info.layout = pipeline_layout;
    info.renderPass = final ? final_pass : render_pass;
    VkPipeline pipeline;
    CP_VK(vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &info, nullptr, &pipeline));
    vkDestroyShaderModule(device, vs, nullptr);
    vkDestroyShaderModule(device, fs, nullptr);
    return pipeline;
  }

  VkPipeline compute_pipeline(const char* name, VkPipelineLayout pipeline_layout, const VkSpecializationInfo* specialization = nullptr) {
    VkShaderModule cs = shader(name);
    VkComputePipelineCreateInfo ci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
    ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
    ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
    ci.stage.module = cs;
    ci.stage.pName = "main";
    ci.stage.pSpecializationInfo = specialization;
    ci.layout = pipeline_layout;
    VkPipeline pipeline;
    CP_VK(vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &ci, nullptr, &pipeline));
    vkDestroyShaderModule(device, cs, nullptr);
    return pipeline;
  }

  VkPipelineLayout pipeline_layout(const VkDescriptorSetLayout* set, VkShaderStageFlags stages, std::uint32_t push_bytes) {
    VkPushConstantRange range{stages, 0, push_bytes};
    VkPipelineLayoutCreateInfo li{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    li.setLayoutCount = set ? 1u : 0u;
    li.pSetLayouts = set;
    li.pushConstantRangeCount = 1;
    li.pPushConstantRanges = &range;
    VkPipelineLayout l;
    CP_VK(vkCreatePipelineLayout(device, &li, nullptr, &l));
    return l;
  }

  void create_pipelines() {
    layout = pipeline_layout(nullptr, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, sizeof(Push));
    // positions and normals as vec4 (the deformation shader's layout), read as vec3
    VkVertexInputBindingDescription bindings[2] = {{0, 16, VK_VERTEX_INPUT_RATE_VERTEX}, {1, 16, VK_VERTEX_INPUT_RATE_VERTEX}};
    VkVertexInputAttributeDescription attrs[2] = {{0, 0, VK_FORMAT_R32G32B32_SFLOAT, 0}, {1, 1, VK_FORMAT_R32G32B32_SFLOAT, 0}};
    VkPipelineVertexInputStateCreateInfo vi{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
    vi.vertexBindingDescriptionCount = 2;
    vi.pVertexBindingDescriptions = bindings;
    vi.vertexAttributeDescriptionCount = 2;
    vi.pVertexAttributeDescriptions = attrs;
    for (std::int32_t kind = 0; kind < static_cast<std::int32_t>(opaque.size()); ++kind) {
      const VkSpecializationMapEntry entry{0, 0, sizeof(std::int32_t)};
      const VkSpecializationInfo spec{1, &entry, sizeof(std::int32_t), &kind};
      using K = anatomy::StructureKind;
      const auto k = static_cast<K>(kind);
      // closed, outward-wound surfaces (bone, muscle, tendon): their back faces are never seen.
      // Counter-clockwise in leg coordinates turns clockwise on screen: the projection flips y.
      const bool closed = k == K::Bone || k == K::Muscle || k == K::Tendon;
      opaque[static_cast<std::size_t>(kind)] = graphics_pipeline("mesh.vert.spv", "mesh.frag.spv", vi, layout, true, false, true,
                                                                 closed ? VK_CULL_MODE_BACK_BIT : VK_CULL_MODE_NONE, VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST, &spec);
      // translucent: blended over, depth-tested against the opaque tissue but not written
      translucent[static_cast<std::size_t>(kind)] = graphics_pipeline("mesh.vert.spv", "mesh.frag.spv", vi, layout, false, true, true,
                                                                      VK_CULL_MODE_NONE, VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST, &spec);
    }
  }

  // one global memory barrier
  void barrier(VkPipelineStageFlags src_stage, VkAccessFlags src, VkPipelineStageFlags dst_stage, VkAccessFlags dst) {
    VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    mb.srcAccessMask = src;
    mb.dstAccessMask = dst;
    vkCmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 1, &mb, 0, nullptr, 0, nullptr);
  }

  // GPU timestamp `i` (after all earlier work); the first of a frame resets the pool
  void stamp(std::uint32_t i, bool first = false) {
    if (!timestamps) return;
    if (first) vkCmdResetQueryPool(cmd, timestamps, 0, static_cast<std::uint32_t>(stamp_values.size()));
    vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, timestamps, i);
  }

  void read_timings() {
    timings = {};
    if (!timestamps) return;
    CP_VK(vkGetQueryPoolResults(device, timestamps, 0, 5, 5 * sizeof(std::uint64_t), stamp_values.data(), sizeof(std::uint64_t),
                                VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
    auto ms = [&](int a, int b) { return static_cast<double>(stamp_values[std::size_t(b)] - stamp_values[std::size_t(a)]) * timestamp_ns * 1e-6; };
    timings.particles_ms = ms(0, 1);
    timings.deform_ms = ms(1, 2);
    timings.draw_ms = ms(2, 3);
    timings.readback_ms = ms(3, 4);
  }

  // a state's deformation tables (muscle shortening, segment areas, valve states) into a leg's
  // mapped buffers; deformation and particle transport both read them
  void write_frame_tables(Leg& l, const anatomy::State& state) {
    const anatomy::DeformFrame df = anatomy::deform_frame(*l.model, l.paths, state);
    std::memcpy(l.buffers[kBodies].mapped, df.bodies.data(), df.bodies.size() * 32);
    std::memcpy(l.buffers[kSegments].mapped, df.segments.data(), df.segments.size() * 16);
    std::memcpy(l.buffers[kValves].mapped, df.valves.data(), df.valves.size() * 16);
  }

  std::vector<double> enter, leave, added;  // record_particles' scratch (kept: no allocation per frame)
  std::vector<std::pair<float, std::uint32_t>> opaque_order;  // record_leg_draw's scratch: (squared distance, draw)

  // particle transport over dt for one leg (after write_frame_tables for the same state): its flow
  // tables into their mapped buffers, then the dispatch (recorded into the open command buffer)
  // (dt 0: the particles stay, are placed and drawn; their random choices do not advance)
  // `positions`: also write each particle's position for read-back (set_particles, advance_particles;
  // a frame only draws the blood)
  void record_particles(Leg& l, const anatomy::State& state, double dt, std::span<const SplatView> views = {}, bool positions = false) {
    const anatomy::Model& m = *l.model;
    // each port's flow out of its segment, and each segment's flow as A + f B between its
    // junctions (A: what enters at the distal end; B: what leaves at the proximal end less A and
    // less what the part-way junctions add) with its whole section's area
    auto* port_flow = static_cast<float*>(l.pbuf[pPortFlow].mapped);
    auto* segment_flow = static_cast<float*>(l.pbuf[pSegmentFlow].mapped);
    const auto* areas = static_cast<const float*>(l.buffers[kSegments].mapped);  // write_frame_tables: (centre t, area per vein, ...)
    const std::size_t segments = m.segments.size();
    enter.assign(segments, 0.0);
    leave.assign(segments, 0.0);
    added.assign(segments, 0.0);
    for (std::size_t k = 0; k < l.host_ports.size(); ++k) {
      const Leg::HostPort& hp = l.host_ports[k];
      const double q = state.edge_flow_m3_s[hp.edge] * hp.sign;
      port_flow[k] = static_cast<float>(q);
      const std::size_t seg = hp.segment;
      if (hp.group == 0) enter[seg] -= q;
      else if (hp.group == 1) leave[seg] += q;
      else added[seg] -= q;
    }
    for (std::size_t seg = 0; seg < segments; ++seg) {
      segment_flow[4 * seg] = static_cast<float>(enter[seg]);
      segment_flow[4 * seg + 1] = static_cast<float>(leave[seg] - enter[seg] - added[seg]);
      segment_flow[4 * seg + 2] = areas[4 * seg + 1] * static_cast<float>(m.segments[seg].count);
      segment_flow[4 * seg + 3] = 0.0f;
    }
    auto* inflow = static_cast<float*>(l.pbuf[pInflow].mapped);
    double run = 0;
    for (std::size_t k = 0; k < m.inflows.size(); ++k) {
      run += state.bed_inflow_m3_s[static_cast<std::size_t>(m.inflows[k].bed)] * l.link_share[k];
      inflow[2 * k] = static_cast<float>(run);
      inflow[2 * k + 1] = static_cast<float>(m.inflows[k].segment);
    }
    // one waiting particle re-enters for each particle's worth of inflow
    l.inflow_owed += state.inflow_m3_s * dt;
    const auto inject = static_cast<std::uint32_t>(std::floor(l.inflow_owed / l.volume_per_particle));
    l.inflow_owed -= inject * l.volume_per_particle;
    auto* counters = static_cast<std::uint32_t*>(l.pbuf[pCounters].mapped);
    counters[1] = counters[0];  // waiting after the last step
    counters[0] = 0;

    barrier(VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_UNIFORM_READ_BIT);
    // earlier work on the particles (the previous dispatch) before this one rewrites them
    barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
            VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, particle_compute);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, particle_layout, 0, 1, &l.particle_set, 0, nullptr);
    if (views.size() > kMaxViews) throw RenderError(fmt::format("render: a leg is drawn in {} views; at most {}", views.size(), kMaxViews));
    if (!views.empty()) std::memcpy(l.pbuf[pViews].mapped, views.data(), views.size_bytes());
    if (dt > 0) ++l.particle_frame;
    struct {
      std::uint32_t count, frame, inject, links;
      float dt, ring;
      std::uint32_t views, positions;
    } pc{l.particle_count, l.particle_frame, inject, static_cast<std::uint32_t>(m.inflows.size()), static_cast<float>(dt),
         static_cast<float>(anatomy::kVeinRing), static_cast<std::uint32_t>(views.size()), positions ? 1u : 0u};
    vkCmdPushConstants(cmd, particle_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(pc), &pc);
    vkCmdDispatch(cmd, (l.particle_count + 63) / 64, 1, 1);
  }

  // the blood's sphere radius in a view: 0.45 mm shows the stream inside a 2-6 mm vein, and the
  // valve in it, when close; from afar at least three quarters of a pixel, so that the blood stays
  // visible on a projector
  static float blood_radius(const View& v, float asked_m) { return asked_m > 0 ? asked_m : std::max(0.00045f, 0.75f * v.metres_per_pixel); }

  // a view of a leg for the blood's rasterization, into region `region` of the splat words (0:
  // the legs' views, 1: the close-ups)
  SplatView splat_view(const Camera& camera, const std::array<int, 4>& viewport, float blood_radius_m, std::uint32_t region) const {
    const View v = make_view(camera, viewport);
    SplatView s{};
    std::memcpy(s.view_projection, v.view_projection.data(), sizeof(s.view_projection));
    s.radius = blood_radius(v, blood_radius_m);
    s.pixels_per_metre = v.pixels_per_metre;
    s.depth_near = v.depth_near;
    s.depth_range = v.depth_range;
    for (std::size_t k = 0; k < 4; ++k) s.viewport[k] = viewport[k];
    s.base = static_cast<std::uint32_t>(region * frame_pixels());
    s.frame_width = static_cast<std::uint32_t>(options.width);
    return s;
  }

  // the pixels of `viewport` where the structures `pick` selects can appear, padded by 2 pixels (all
  // of it when one reaches behind the eye); empty when none is picked
  template <class Pick>
  static VkRect2D screen_box(const Leg& l, const Mat4& view_projection, const std::array<int, 4>& viewport, Pick pick) {
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

  // one leg into its viewport: opaque tissue, the blood (from region `region` of the splat words),
  // then translucent layers from the inside out (valves, veins, skin). Where the edge filter is on,
  // the box the leg covers is kept for it.
  void record_leg_draw(const Leg& l, const Camera& camera, const std::array<int, 4>& viewport, std::uint32_t tissues = 0x3f,
                       float skin_opacity = 0.16f, bool lod = false, std::uint32_t region = 0) {
    const VkViewport vp{static_cast<float>(viewport[0]), static_cast<float>(viewport[1]), static_cast<float>(viewport[2]),
                        static_cast<float>(viewport[3]), 0, 1};
    const VkRect2D scissor{{viewport[0], viewport[1]}, {static_cast<std::uint32_t>(viewport[2]), static_cast<std::uint32_t>(viewport[3])}};
    vkCmdSetViewport(cmd, 0, 1, &vp);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
    const View view = make_view(camera, viewport);
    const Mat4& view_projection = view.view_projection;
    const bool coarse = simplified_view(view, lod);
    VkBuffer vbufs[2] = {l.buffers[kOut].buffer, l.buffers[kNormals].buffer};
    VkDeviceSize voffs[2] = {0, 0};
    if (edge_filter) {
      // what the view shows, and the veins (the blood is drawn where they are even when they are not)
      const VkRect2D box = screen_box(l, view_projection, viewport, [&](const DrawRange& r) {
        const bool shown = (tissues & tissue_bit(r.kind)) != 0 && (r.kind != anatomy::StructureKind::Skin || skin_opacity > 0.0f);
        return shown || r.kind == anatomy::StructureKind::Vein;
      });
      if (box.extent.width > 0) filter_boxes.push_back(box);
    }
    for (int pass = 0; pass < 2; ++pass) {
      if (pass == 1 && l.particle_count > 0) {
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, composite_pipeline);
        vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, composite_layout, 0, 1, &composite_set, 0, nullptr);
        const CompositePush push{view.depth_near, view.depth_range, view.projection[10], view.projection[14], static_cast<std::uint32_t>(options.width),
                                 static_cast<std::uint32_t>(region * frame_pixels())};
        vkCmdPushConstants(cmd, composite_layout, VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(push), &push);
        // only where the veins (padded by what they can swell) can appear: the blood is in them
        const VkRect2D blood = screen_box(l, view_projection, viewport, [](const DrawRange& r) { return r.kind == anatomy::StructureKind::Vein; });
        if (blood.extent.width > 0) {
          vkCmdSetScissor(cmd, 0, 1, &blood);
          vkCmdDraw(cmd, 3, 1, 0, 0);
          vkCmdSetScissor(cmd, 0, 1, &scissor);
        }
      }
      vkCmdBindVertexBuffers(cmd, 0, 2, vbufs, voffs);
      vkCmdBindIndexBuffer(cmd, l.buffers[kIndices].buffer, 0, VK_INDEX_TYPE_UINT32);
      auto style_of = [&](anatomy::StructureKind kind) {
        TissueStyle style = default_style(kind);
        if (kind == anatomy::StructureKind::Skin) style.color[3] = std::min(skin_opacity, 1.0f);
        return style;
      };
      auto use_kind = [&](anatomy::StructureKind kind) {
        Push push{};
        std::memcpy(push.view_projection, view_projection.data(), sizeof(push.view_projection));
        const TissueStyle style = style_of(kind);
        std::memcpy(push.color, style.color.data(), sizeof(push.color));
        push.material[0] = static_cast<float>(kind);
        push.material[1] = camera.eye[0];
        push.material[2] = camera.eye[1];
        push.material[3] = camera.eye[2];
        vkCmdPushConstants(cmd, layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(Push), &push);
      };
      auto draw = [&](const DrawRange& r) {
        if (coarse) vkCmdDrawIndexed(cmd, r.lod_index_count, 1, r.lod_first_index, 0, 0);
        else vkCmdDrawIndexed(cmd, r.index_count, 1, r.first_index, 0, 0);
      };
      auto shown = [&](anatomy::StructureKind kind) {
        if (kind == anatomy::StructureKind::Skin && skin_opacity <= 0.0f) return false;  // cut away
        return (tissues & tissue_bit(kind)) != 0;
      };
      if (pass == 0) {
        // opaque structures nearest first, so that what lies behind them fails the depth test
        // before it is shaded
        opaque_order.clear();
        for (std::uint32_t k = 0; k < l.draws.size(); ++k) {
          const DrawRange& r = l.draws[k];
          if (style_of(r.kind).color[3] < 1.0f || !shown(r.kind) || outside(view_projection, r.bounds)) continue;
          float d2 = 0;
          for (std::size_t c = 0; c < 3; ++c) {
            const float mid = 0.5f * (r.bounds[c] + r.bounds[3 + c]) - camera.eye[c];
            d2 += mid * mid;
          }
          opaque_order.push_back({d2, k});
        }
        std::sort(opaque_order.begin(), opaque_order.end());
        int bound = -1;
        for (const auto& [d2, k] : opaque_order) {
          const DrawRange& r = l.draws[k];
          if (static_cast<int>(r.kind) != bound) {
            vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, opaque[static_cast<std::size_t>(r.kind)]);
            use_kind(r.kind);
            bound = static_cast<int>(r.kind);
          }
          draw(r);
        }
        continue;
      }
      // translucent layers from the inside out
      for (anatomy::StructureKind kind : {anatomy::StructureKind::Valve, anatomy::StructureKind::Vein, anatomy::StructureKind::Skin}) {
        if (style_of(kind).color[3] >= 1.0f || !shown(kind)) continue;
        vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, translucent[static_cast<std::size_t>(kind)]);
        use_kind(kind);
        for (const auto& r : l.draws)
          if (r.kind == kind && !outside(view_projection, r.bounds)) draw(r);
      }
    }
  }

  void record_overlay(const Overlay& overlay) {
    const auto& verts = overlay.vertices();
    if (verts.empty()) return;
    if (!atlas[0].image) throw RenderError("render: a frame has an overlay but no fonts were given (set_fonts)");
    const VkDeviceSize bytes = verts.size() * sizeof(OverlayVertex);
    if (bytes > overlay_vertices.size) {
      // the buffer grows (by half again) only past the largest overlay so far; the frame before has finished
      free_buffer(overlay_vertices);
      overlay_vertices = make_buffer(bytes + bytes / 2, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
    }
    std::memcpy(overlay_vertices.mapped, verts.data(), bytes);
    const VkViewport vp{0, 0, static_cast<float>(options.width), static_cast<float>(options.height), 0, 1};
    const VkRect2D scissor{{0, 0}, {static_cast<std::uint32_t>(options.width), static_cast<std::uint32_t>(options.height)}};
    vkCmdSetViewport(cmd, 0, 1, &vp);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
    vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, overlay_layout, 0, 1, &overlay_set, 0, nullptr);
    const float pc[4] = {static_cast<float>(options.width), static_cast<float>(options.height), atlas_range[0], atlas_range[1]};
    vkCmdPushConstants(cmd, overlay_layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(pc), pc);
    const VkDeviceSize offset = 0;
    vkCmdBindVertexBuffers(cmd, 0, 1, &overlay_vertices.buffer, &offset);
    // runs of triangles of one kind, in order, each with its kind's pipeline
    auto kind_of = [&](std::size_t v) { return verts[v].u < -0.5f ? 0 : verts[v].u >= 1.5f ? 2 : 1; };
    int bound = -1;
    for (std::size_t first = 0; first + 2 < verts.size();) {
      const int kind = kind_of(first);
      std::size_t end = first + 3;
      while (end + 2 < verts.size() && kind_of(end) == kind) end += 3;
      if (kind != bound) vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, overlay_pipelines[static_cast<std::size_t>(kind)]);
      bound = kind;
      vkCmdDraw(cmd, static_cast<std::uint32_t>(end - first), 1, static_cast<std::uint32_t>(first), 0);
      first = end;
    }
  }
};

Renderer::Renderer(const RenderOptions& options) : impl_(std::make_unique<Impl>()) {
  if (options.width < 16 || options.height < 16 || options.width > 8192 || options.height > 8192)
    throw RenderError(fmt::format("image size {}x{} is out of range; expected 16 to 8192 pixels a side", options.width, options.height));
  impl_->options = options;
  impl_->create_instance();
  impl_->pick_device();
  impl_->create_target();
  impl_->create_pipelines();
  impl_->create_compute();
  impl_->create_particle_pipelines();
  impl_->create_overlay_pipeline();
}

void Renderer::set_fonts(const FontAtlas& regular, const FontAtlas& bold) {
  Impl& d = *impl_;
  d.upload_atlas(0, regular);
  d.upload_atlas(1, bold);
  VkDescriptorImageInfo info[2] = {{d.sampler, d.atlas[0].view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL},
                                   {d.sampler, d.atlas[1].view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL}};
  VkWriteDescriptorSet w[2]{};
  for (std::uint32_t i = 0; i < 2; ++i) {
    w[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    w[i].dstSet = d.overlay_set;
    w[i].dstBinding = i;
    w[i].descriptorCount = 1;
    w[i].descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
    w[i].pImageInfo = &info[i];
  }
  vkUpdateDescriptorSets(d.device, 2, w, 0, nullptr);
}

Renderer::~Renderer() = default;

const std::string& Renderer::device_name() const { return impl_->device_name; }
const char* Renderer::antialiasing() const {
  return impl_->samples != VK_SAMPLE_COUNT_1_BIT ? "4x multisampling" : impl_->edge_filter ? "edge filter" : "none";
}
std::uint64_t Renderer::validation_messages() const { return impl_->validation.count; }
const std::string& Renderer::first_validation_message() const { return impl_->validation.first; }

void Renderer::set_leg(const anatomy::Model& model, const anatomy::LegGeometry& rest, std::size_t slot) {
  Impl& d = *impl_;
  if (slot >= kMaxLegs) throw RenderError(fmt::format("set_leg: slot {} is out of range; a frame shows at most {} legs", slot, kMaxLegs));
  if (slot > d.leg_count) throw RenderError(fmt::format("set_leg: slot {} given before slot {}; slots are filled in order", slot, d.leg_count));
  vkDeviceWaitIdle(d.device);
  Impl::Leg& l = d.legs[slot];
  d.release_particles(l);
  d.release_leg(l);
  l.model = &model;
  l.paths = anatomy::make_leg_paths(model.leg);
  d.leg_count = std::max(d.leg_count, slot + 1);

  // all structures in one vertex array and one index array
  struct VertexIn {
    float position[4], normal[4], a[8];
  };
  std::vector<VertexIn> verts;
  std::vector<std::uint32_t> indices;
  std::vector<std::vector<std::uint32_t>> lod;  // per structure, its simplified triangles
  std::vector<std::uint32_t> structure_base;    // per structure, its first vertex (and the end last)
  for (std::size_t si = 0; si < rest.structures.size(); ++si) {
    const auto& s = rest.structures[si];
    const auto base = static_cast<std::uint32_t>(verts.size());
    structure_base.push_back(base);
    for (std::size_t v = 0; v < s.vertex_count(); ++v) {
      VertexIn vi{};
      for (int k = 0; k < 3; ++k) {
        vi.position[k] = s.positions[3 * v + std::size_t(k)];
        vi.normal[k] = s.normals[3 * v + std::size_t(k)];
      }
      vi.position[3] = static_cast<float>(s.kind);
      for (int k = 0; k < anatomy::kAttributeCount; ++k) vi.a[k] = s.attributes[v * anatomy::kAttributeCount + std::size_t(k)];
      verts.push_back(vi);
    }
    Impl::DrawRange r;
    r.first_index = static_cast<std::uint32_t>(indices.size());
    r.index_count = static_cast<std::uint32_t>(s.indices.size());
    r.kind = s.kind;
    // 3 cm covers what the deformation can move a surface: muscles thicken, veins fill, the skin
    // follows the muscles
    constexpr float kPad = 0.03f;
    r.bounds = {1e9f, 1e9f, 1e9f, -1e9f, -1e9f, -1e9f};
    for (std::size_t v = 0; v < s.vertex_count(); ++v)
      for (std::size_t k = 0; k < 3; ++k) {
        r.bounds[k] = std::min(r.bounds[k], s.positions[3 * v + k] - kPad);
        r.bounds[3 + k] = std::max(r.bounds[3 + k], s.positions[3 * v + k] + kPad);
      }
    l.draws.push_back(r);
    for (std::uint32_t i : s.indices) indices.push_back(base + i);
    lod.push_back(simplified(s));
    for (std::uint32_t& i : lod.back()) i += base;
  }
  l.vertex_count = static_cast<std::uint32_t>(verts.size());

  // Vertices that never move go first: bone, and skin that no muscle pushes (weight 0) whose
  // triangles are all such, so that its normal never changes either. Their deformed copy is written
  // here once; the per-frame passes start after them.
  std::vector<char> still(l.vertex_count, 0);
  for (std::uint32_t v = 0; v < l.vertex_count; ++v) {
    const auto kind = static_cast<anatomy::StructureKind>(static_cast<int>(verts[v].position[3] + 0.5f));
    still[v] = kind == anatomy::StructureKind::Bone || (kind == anatomy::StructureKind::Skin && verts[v].a[6] <= 0.0f);
  }
  std::vector<char> fixed = still;
  for (std::size_t t = 0; t + 2 < indices.size(); t += 3) {
    const bool all = still[indices[t]] && still[indices[t + 1]] && still[indices[t + 2]];
    if (!all)
      for (int k = 0; k < 3; ++k) fixed[indices[t + std::size_t(k)]] = 0;
  }
  // then the moving ones by kind (each kind deformed by its own pipeline): first the vertices of
  // the kind's simplified surfaces, structure by structure, then the others, structure by
  // structure; a frame deforms the simplified part of every structure a view shows and the rest
  // only of those a view draws in full
  structure_base.push_back(static_cast<std::uint32_t>(verts.size()));
  std::vector<std::uint32_t> slot_of(l.vertex_count);  // geometry order -> buffer order
  std::uint32_t next = 0;
  for (std::uint32_t v = 0; v < l.vertex_count; ++v)
    if (fixed[v]) slot_of[v] = next++;
  std::vector<char> simple(l.vertex_count, 0);
  for (const auto& tris : lod)
    for (std::uint32_t v : tris) simple[v] = 1;
  for (std::size_t k = 0; k < Impl::kKinds; ++k)
    for (int part = 1; part >= 0; --part)
      for (std::size_t si = 0; si < l.draws.size(); ++si) {
        if (static_cast<std::size_t>(l.draws[si].kind) != k) continue;
        (part == 1 ? l.draws[si].simple_begin : l.draws[si].rest_begin) = next;
        for (std::uint32_t v = structure_base[si]; v < structure_base[si + 1]; ++v)
          if (!fixed[v] && (simple[v] != 0) == (part == 1)) slot_of[v] = next++;
        (part == 1 ? l.draws[si].simple_end : l.draws[si].rest_end) = next;
      }
  l.marks.assign(l.draws.size(), 0);
  std::vector<VertexIn> ordered(verts.size());
  for (std::uint32_t v = 0; v < l.vertex_count; ++v) ordered[slot_of[v]] = verts[v];
  verts.swap(ordered);
  for (std::uint32_t& i : indices) i = slot_of[i];
  l.vertex_slot = std::move(slot_of);
  const std::size_t full_index_count = indices.size();
  // the simplified surfaces after the full ones in the index buffer; they use a subset of the full
  // surfaces' vertices, so the same deformation moves them (with normals from the simplified
  // triangles when no view of the frame draws that structure in full)
  for (std::size_t si = 0; si < lod.size(); ++si) {
    l.draws[si].lod_first_index = static_cast<std::uint32_t>(indices.size());
    l.draws[si].lod_index_count = static_cast<std::uint32_t>(lod[si].size());
    for (std::uint32_t i : lod[si]) indices.push_back(l.vertex_slot[i]);
  }
  // the deformed positions and normals, at rest until a frame moves them
  std::vector<float> out(static_cast<std::size_t>(l.vertex_count) * 4), out_normals(out.size());
  for (std::uint32_t v = 0; v < l.vertex_count; ++v)
    for (int k = 0; k < 4; ++k) {
      out[4 * v + std::size_t(k)] = k < 3 ? verts[v].position[k] : 1.0f;
      out_normals[4 * v + std::size_t(k)] = k < 3 ? verts[v].normal[k] : 0.0f;
    }
  // vertex -> triangles tables, of the full surfaces and then of the simplified ones: offsets
  // (n + 1), then for each triangle around the vertex its other two corners in the triangle's order
  // (the normal pass reads 2 numbers and 2 positions per triangle, not a triangle number, its 3
  // corners and 3 positions)
  std::vector<std::uint32_t> adjacency;
  auto add_table = [&](std::size_t first_triangle, std::size_t end_triangle) {
    const std::size_t base = adjacency.size();
    adjacency.resize(base + l.vertex_count + 1, 0);
    std::uint32_t* offsets = adjacency.data() + base;
    for (std::size_t t = first_triangle; t < end_triangle; ++t)
      for (std::size_t k = 0; k < 3; ++k) ++offsets[indices[3 * t + k] + 1];
    for (std::uint32_t v = 0; v < l.vertex_count; ++v) offsets[v + 1] += offsets[v];
    std::vector<std::uint32_t> fill(offsets, offsets + l.vertex_count);
    std::vector<std::uint32_t> pairs(2 * std::size_t(offsets[l.vertex_count]));
    for (std::size_t t = first_triangle; t < end_triangle; ++t)
      for (std::size_t k = 0; k < 3; ++k) {
        const std::uint32_t at = fill[indices[3 * t + k]]++;
        pairs[2 * std::size_t(at)] = indices[3 * t + (k + 1) % 3];
        pairs[2 * std::size_t(at) + 1] = indices[3 * t + (k + 2) % 3];
      }
    adjacency.insert(adjacency.end(), pairs.begin(), pairs.end());
  };
  add_table(0, full_index_count / 3);
  l.simple_adjacency = static_cast<std::uint32_t>(adjacency.size());
  add_table(full_index_count / 3, indices.size() / 3);

  // the swept paths: bodies' sweeps first, then vessels
  struct Frame {
    float c[4], t[4], n[4], b[4], r[4];
  };
  std::vector<Frame> frames;
  std::vector<std::array<std::uint32_t, 2>> path_table;
  auto add_path = [&](const anatomy::SweepPath& p) {
    path_table.push_back({static_cast<std::uint32_t>(frames.size()), static_cast<std::uint32_t>(p.frames.size())});
    for (const auto& f : p.frames) {
      Frame g{};
      for (int k = 0; k < 3; ++k) {
        g.c[k] = static_cast<float>(f.c[std::size_t(k)]);
        g.t[k] = static_cast<float>(f.t[std::size_t(k)]);
        g.n[k] = static_cast<float>(f.n[std::size_t(k)]);
        g.b[k] = static_cast<float>(f.b[std::size_t(k)]);
      }
      g.r[0] = static_cast<float>(f.rx);
      g.r[1] = static_cast<float>(f.ry);
      frames.push_back(g);
    }
  };
  for (const auto& body : l.paths.bodies)
    for (const auto& p : body) add_path(p);
  const auto vessel_path_base = static_cast<std::uint32_t>(path_table.size());
  for (const auto& p : l.paths.vessels) add_path(p);
  std::vector<std::array<std::uint32_t, 4>> vessels(model.leg.vessels.size(), {0, 0, 1, 0});
  for (std::size_t vi = 0; vi < vessels.size(); ++vi) {
    std::uint32_t first = 0, count = 0;
    for (std::size_t i = 0; i < model.segments.size(); ++i)
      if (model.segments[i].vessel == static_cast<int>(vi)) {
        if (count == 0) first = static_cast<std::uint32_t>(i);
        ++count;
      }
    vessels[vi] = {first, count, static_cast<std::uint32_t>(model.leg.vessels[vi].count), vessel_path_base + static_cast<std::uint32_t>(vi)};
  }

  constexpr VkBufferUsageFlags kTexels = VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT;
  constexpr VkFormat kF4 = VK_FORMAT_R32G32B32A32_SFLOAT, kU4 = VK_FORMAT_R32G32B32A32_UINT;
  Impl::Buffer* b = l.buffers;
  b[Impl::kRest] = d.upload(verts, kTexels);
  b[Impl::kOut] = d.upload(out, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | kTexels | VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
  b[Impl::kNormals] = d.upload(out_normals, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
  b[Impl::kFrames] = d.upload(frames, kTexels);
  b[Impl::kPaths] = d.upload(path_table, kTexels);
  b[Impl::kVessels] = d.upload(vessels, kTexels);
  b[Impl::kBodies] = d.make_buffer(model.leg.bodies.size() * 32, kTexels);
  b[Impl::kSegments] = d.make_buffer(model.segments.size() * 16, kTexels);
  b[Impl::kValves] = d.make_buffer(model.valves.size() * 16, kTexels);
  b[Impl::kAdjacency] = d.upload(adjacency, kTexels);
  b[Impl::kIndices] = d.upload(indices, VK_BUFFER_USAGE_INDEX_BUFFER_BIT);
  d.texel_view(b[Impl::kRest], kF4, 16, "the rest vertices");
  d.texel_view(b[Impl::kOut], kF4, 16, "the deformed positions");
  d.texel_view(b[Impl::kFrames], kF4, 16, "the swept paths' frames");
  d.texel_view(b[Impl::kPaths], VK_FORMAT_R32G32_UINT, 8, "the swept paths");
  d.texel_view(b[Impl::kVessels], kU4, 16, "the vessels");
  d.texel_view(b[Impl::kBodies], kF4, 16, "the muscle bodies");
  d.texel_view(b[Impl::kSegments], kF4, 16, "the segments");
  d.texel_view(b[Impl::kValves], kF4, 16, "the valves");
  d.texel_view(b[Impl::kAdjacency], VK_FORMAT_R32_UINT, 4, "the vertex -> triangles table");
  d.write_set(l.deform_set,
              std::array<const Impl::Buffer*, 11>{&b[Impl::kRest], &b[Impl::kOut], &b[Impl::kOut], &b[Impl::kFrames], &b[Impl::kPaths],
                                                  &b[Impl::kVessels], &b[Impl::kBodies], &b[Impl::kSegments], &b[Impl::kValves],
                                                  &b[Impl::kAdjacency], &b[Impl::kNormals]},
              Impl::kDeformBindings);
}

void Renderer::set_particles(const anatomy::State& state, std::size_t count, std::size_t slot) {
  Impl& d = *impl_;
  Impl::Leg& l = d.leg(slot, "set_particles");
  if (count > 16'000'000) throw RenderError(fmt::format("{} particles are too many; at most 16 million", count));
  vkDeviceWaitIdle(d.device);
  d.release_particles(l);
  if (count == 0) return;
  const anatomy::Model& m = *l.model;
  struct GpuParticle {
    std::uint32_t segment;
    float f, age;
    std::uint32_t id;
  };
  std::vector<GpuParticle> ps;
  ps.reserve(count);
  for (const auto& p : anatomy::initial_particles(state, count))
    ps.push_back({static_cast<std::uint32_t>(p.segment), p.f, p.age_s, p.id});
  l.volume_per_particle = anatomy::particle_volume(state, count);
  l.inflow_owed = 0;
  l.particle_frame = 0;
  l.link_share = anatomy::inflow_link_shares(m);
  std::vector<std::array<float, 4>> info;
  for (const auto& seg : m.segments)
    info.push_back({static_cast<float>(seg.vessel), static_cast<float>(seg.s0), static_cast<float>(seg.s1), static_cast<float>(seg.length_m)});
  // the vessels' centerlines as the particles read them (few numbers per particle): centre and
  // radius, then the section's axes as half floats; per segment, where its
  // vessel's frames are, its vein count and its neighbours along the vessel (itself at an end)
  std::vector<std::array<float, 4>> centres;
  std::vector<std::array<std::uint32_t, 4>> axes;
  std::vector<std::uint32_t> path_first;
  for (const auto& path : l.paths.vessels) {
    path_first.push_back(static_cast<std::uint32_t>(centres.size()));
    for (const auto& f : path.frames) {
      centres.push_back({static_cast<float>(f.c[0]), static_cast<float>(f.c[1]), static_cast<float>(f.c[2]), static_cast<float>(f.rx)});
      axes.push_back({half_pair(f.n[0], f.n[1]), half_pair(f.n[2], f.b[0]), half_pair(f.b[1], f.b[2]), 0});
    }
  }
  std::vector<std::array<std::uint32_t, 4>> places;
  for (std::size_t si = 0; si < m.segments.size(); ++si) {
    const auto& seg = m.segments[si];
    const auto v = static_cast<std::size_t>(seg.vessel);
    auto same = [&](std::size_t o) { return o < m.segments.size() && m.segments[o].vessel == seg.vessel; };
    const auto prev = static_cast<std::uint32_t>(si > 0 && same(si - 1) ? si - 1 : si);
    const auto next = static_cast<std::uint32_t>(same(si + 1) ? si + 1 : si);
    places.push_back({path_first[v], static_cast<std::uint32_t>(l.paths.vessels[v].frames.size()), static_cast<std::uint32_t>(seg.count), prev | (next << 16)});
  }
  const anatomy::ParticleNetwork net = anatomy::make_particle_network(m);
  struct GpuPort {
    std::int32_t other;  // -1: the outlet
    float entry_f, at_f, pad;
  };
  // each segment's ports grouped by where they are (distal end, proximal end, part-way), so that a
  // particle reaching one place reads only that place's ports
  std::vector<GpuPort> ports;
  std::vector<std::array<std::uint32_t, 4>> port_start;
  l.host_ports.clear();
  for (std::size_t seg = 0; seg + 1 < net.start.size(); ++seg) {
    std::array<std::uint32_t, 4> range{};
    for (std::uint32_t group = 0; group < 3; ++group) {
      range[group] = static_cast<std::uint32_t>(ports.size());
      for (std::uint32_t k = net.start[seg]; k < net.start[seg + 1]; ++k) {
        const auto& p = net.ports[k];
        if ((p.end == 0 ? 0u : p.end == 1 ? 1u : 2u) != group) continue;
        ports.push_back({p.other, p.entry_f, p.at_f, 0});
        l.host_ports.push_back({static_cast<std::uint32_t>(p.edge), static_cast<std::uint32_t>(seg), group, p.forward ? 1.0 : -1.0});
      }
    }
    range[3] = static_cast<std::uint32_t>(ports.size());
    port_start.push_back(range);
  }
  constexpr VkBufferUsageFlags kStorage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  constexpr VkBufferUsageFlags kTexels = VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT;
  constexpr VkFormat kF4 = VK_FORMAT_R32G32B32A32_SFLOAT, kU4 = VK_FORMAT_R32G32B32A32_UINT;
  l.particle_count = static_cast<std::uint32_t>(count);
  Impl::Buffer* b = l.pbuf;
  b[Impl::pParticles] = d.upload(ps, VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT);
  b[Impl::pPositions] = d.make_static(nullptr, count * 16, kStorage);
  b[Impl::pSegmentInfo] = d.upload(info, kTexels);
  b[Impl::pPortStart] = d.upload(port_start, kTexels);
  b[Impl::pPorts] = d.upload(ports, kTexels);
  b[Impl::pPortFlow] = d.make_buffer(ports.size() * 4, kTexels);
  b[Impl::pSegmentFlow] = d.make_buffer(m.segments.size() * 16, kTexels);
  b[Impl::pCentres] = d.upload(centres, kTexels);
  b[Impl::pAxes] = d.upload(axes, kTexels);
  b[Impl::pPlaces] = d.upload(places, kTexels);
  b[Impl::pViews] = d.make_buffer(Impl::kMaxViews * sizeof(SplatView), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT);
  b[Impl::pInflow] = d.make_buffer(m.inflows.size() * 8, kTexels);
  b[Impl::pCounters] = d.make_buffer(16, kStorage);
  std::memset(b[Impl::pCounters].mapped, 0, 16);
  d.texel_view(b[Impl::pParticles], kU4, 16, "the particles", static_cast<VkDeviceSize>(count) * 16);
  d.texel_view(b[Impl::pSegmentInfo], kF4, 16, "the segments' spans");
  d.texel_view(b[Impl::pPortStart], kU4, 16, "the segments' port ranges");
  d.texel_view(b[Impl::pPorts], VK_FORMAT_R32G32B32A32_SINT, 16, "the ports");
  d.texel_view(b[Impl::pPortFlow], VK_FORMAT_R32_SFLOAT, 4, "the ports' flows");
  d.texel_view(b[Impl::pSegmentFlow], kF4, 16, "the segments' flows");
  d.texel_view(b[Impl::pCentres], kF4, 16, "the centerlines");
  d.texel_view(b[Impl::pAxes], kU4, 16, "the centerlines' axes");
  d.texel_view(b[Impl::pPlaces], kU4, 16, "the segments' places");
  d.texel_view(b[Impl::pInflow], VK_FORMAT_R32G32_SFLOAT, 8, "the inflow links");
  const Impl::Buffer* g = l.buffers;
  d.write_set(l.particle_set,
              std::array<const Impl::Buffer*, 18>{&b[Impl::pParticles], &b[Impl::pPositions], &g[Impl::kFrames], &g[Impl::kPaths],
                                                  &g[Impl::kVessels], &g[Impl::kSegments], &b[Impl::pSegmentInfo], &b[Impl::pPortStart],
                                                  &b[Impl::pPorts], &b[Impl::pPortFlow], &b[Impl::pInflow], &b[Impl::pCounters],
                                                  &b[Impl::pSegmentFlow], &b[Impl::pCentres], &b[Impl::pAxes], &b[Impl::pPlaces],
                                                  &b[Impl::pViews], &d.splat},
              Impl::kParticleBindings);
  // the positions of the first frame, before any transport
  d.begin_commands();
  d.write_frame_tables(l, state);
  d.record_particles(l, state, 0.0, {}, true);
  d.barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
  d.submit_and_wait();
}

void Renderer::advance_particles(const anatomy::State& state, double dt, std::size_t slot) {
  Impl& d = *impl_;
  Impl::Leg& l = d.leg(slot, "advance_particles");
  if (l.particle_count == 0) return;
  d.begin_commands();
  d.write_frame_tables(l, state);
  d.record_particles(l, state, dt, {}, true);
  d.barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
  d.submit_and_wait();
}

std::vector<float> Renderer::particle_positions(std::size_t slot) const {
  Impl& d = *impl_;
  const Impl::Leg& l = d.leg(slot, "particle_positions");
  if (l.particle_count == 0) return {};
  return d.read_back(l.pbuf[Impl::pPositions], static_cast<VkDeviceSize>(l.particle_count) * 16);
}

std::vector<std::uint32_t> Renderer::particle_segments(std::size_t slot) const {
  Impl& d = *impl_;
  const Impl::Leg& l = d.leg(slot, "particle_segments");
  if (l.particle_count == 0) return {};
  const std::vector<float> raw = d.read_back(l.pbuf[Impl::pParticles], static_cast<VkDeviceSize>(l.particle_count) * 16);
  std::vector<std::uint32_t> out(l.particle_count);
  for (std::size_t i = 0; i < out.size(); ++i) std::memcpy(&out[i], &raw[4 * i], 4);  // (segment, f, age, id)
  return out;
}

std::vector<float> Renderer::deformed_positions(std::size_t slot) const {
  Impl& d = *impl_;
  const Impl::Leg& l = d.leg(slot, "deformed_positions");
  const std::vector<float> all = d.read_back(l.buffers[Impl::kOut], static_cast<VkDeviceSize>(l.vertex_count) * 16);
  // back into the geometry's order
  std::vector<float> out(static_cast<std::size_t>(l.vertex_count) * 3);
  for (std::size_t v = 0; v < l.vertex_slot.size(); ++v)
    for (std::size_t k = 0; k < 3; ++k) out[3 * v + k] = all[4 * std::size_t(l.vertex_slot[v]) + k];
  return out;
}

const FrameTimings& Renderer::last_timings() const { return impl_->timings; }

std::array<int, 4> leg_viewport(int width, int height, std::size_t index, std::size_t count, int top, int bottom) {
  const auto n = static_cast<int>(std::max<std::size_t>(count, 1));
  const auto i = static_cast<int>(index);
  const int x0 = i * width / n, x1 = (i + 1) * width / n;
  top = std::clamp(top, 0, height / 2 - 1);
  bottom = std::clamp(bottom, 0, height / 2 - 1);
  return {x0, top, x1 - x0, height - top - bottom};
}

std::array<float, 3> project(const Camera& camera, const std::array<float, 3>& point, const std::array<int, 4>& viewport) {
  const Mat4 vp = multiply(perspective(camera.fov_deg, static_cast<float>(viewport[2]) / static_cast<float>(viewport[3]), near_plane(camera), kFar), look_at(camera));
  float clip[4];
  for (int r = 0; r < 4; ++r)
    clip[r] = vp[std::size_t(r)] * point[0] + vp[std::size_t(4 + r)] * point[1] + vp[std::size_t(8 + r)] * point[2] + vp[std::size_t(12 + r)];
  if (clip[3] <= 0) return {0, 0, -1};
  return {static_cast<float>(viewport[0]) + (clip[0] / clip[3] * 0.5f + 0.5f) * static_cast<float>(viewport[2]),
          static_cast<float>(viewport[1]) + (clip[1] / clip[3] * 0.5f + 0.5f) * static_cast<float>(viewport[3]), clip[2] / clip[3]};
}

Image Renderer::render(const anatomy::State& state, const Camera& camera) {
  const anatomy::State* states[1] = {&state};
  Image img;
  render(states, camera, FrameOptions{}, img);
  return img;
}

void Renderer::render(std::span<const anatomy::State* const> states, const Camera& camera, const FrameOptions& frame, Image& out) {
  Impl& d = *impl_;
  if (d.leg_count == 0) throw RenderError("render: no leg was given (set_leg)");
  if (states.size() != d.leg_count)
    throw RenderError(fmt::format("render: {} states for {} legs; one state per leg", states.size(), d.leg_count));

  // this frame's small tables into their mapped buffers (nothing is allocated on the GPU per frame)
  for (std::size_t i = 0; i < d.leg_count; ++i) d.write_frame_tables(d.legs[i], *states[i]);

  d.begin_commands();
  d.stamp(0, true);
  // the blood: moved (by particle_dt), placed, and rasterized into the splat words of each view of
  // its leg (its own view, its close-up) in the same dispatch
  bool blood = false;
  for (std::size_t i = 0; i < d.leg_count; ++i) blood = blood || d.legs[i].particle_count > 0;
  if (blood) {
    vkCmdFillBuffer(d.cmd, d.splat.buffer, 0, (frame.insets.empty() ? 1 : 2) * d.frame_pixels() * 4, 0xffffffffu);
    d.barrier(VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
    for (std::size_t i = 0; i < d.leg_count; ++i) {
      if (d.legs[i].particle_count == 0) continue;
      std::array<SplatView, Impl::kMaxViews> views{};
      std::size_t n = 0;
      views[n++] = d.splat_view(camera, leg_viewport(d.options.width, d.options.height, i, d.leg_count, frame.leg_top, frame.leg_bottom), 0, 0);
      for (const Inset& inset : frame.insets) {
        if (inset.slot != i) continue;
        if (n == views.size()) throw RenderError(fmt::format("render: leg {} has more than {} close-up", i, Impl::kMaxViews - 1));
        views[n++] = d.splat_view(inset.camera, inset.viewport, inset.blood_radius_m, 1);
      }
      d.record_particles(d.legs[i], *states[i], frame.particle_dt, std::span<const SplatView>(views.data(), n));
    }
    // the splat words -> the blood's composite in the render pass
    d.barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
  }
  d.stamp(1);
  d.barrier(VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
  // the previous frame's vertex reads before this frame's writes
  d.barrier(VK_PIPELINE_STAGE_VERTEX_INPUT_BIT, VK_ACCESS_VERTEX_ATTRIBUTE_READ_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT);
  // which structures each leg's views show, and which of those some view draws in full (the same
  // culling and choice as the drawing)
  for (std::size_t i = 0; i < d.leg_count; ++i) std::fill(d.legs[i].marks.begin(), d.legs[i].marks.end(), std::uint8_t{0});
  auto mark = [&](std::size_t slot, const Camera& cam, const std::array<int, 4>& viewport, std::uint32_t tissues) {
    Impl::Leg& l = d.legs[slot];
    const View view = make_view(cam, viewport);
    const Mat4& vp = view.view_projection;
    const bool whole = !simplified_view(view, frame.simplify);
    for (std::size_t si = 0; si < l.draws.size(); ++si)
      if ((tissues & tissue_bit(l.draws[si].kind)) && !outside(vp, l.draws[si].bounds))
        l.marks[si] |= static_cast<std::uint8_t>(Impl::kDrawn | (whole ? Impl::kFull : 0));
  };
  for (std::size_t i = 0; i < d.leg_count; ++i)
    mark(i, camera, leg_viewport(d.options.width, d.options.height, i, d.leg_count, frame.leg_top, frame.leg_bottom),
         frame.skin_opacity > 0.0f ? 0x3fu : 0x3fu & ~tissue_bit(anatomy::StructureKind::Skin));
  for (const Inset& inset : frame.insets)
    if (inset.slot < d.leg_count) mark(inset.slot, inset.camera, inset.viewport, inset.tissues);
  for (std::uint32_t pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < d.leg_count; ++i) {
      const Impl::Leg& l = d.legs[i];
      vkCmdBindDescriptorSets(d.cmd, VK_PIPELINE_BIND_POINT_COMPUTE, d.compute_layout, 0, 1, &l.deform_set, 0, nullptr);
      // kind by kind (bones never move): the positions, then the normals from the triangles drawn
      // (a structure drawn in full: its full triangles; else its simplified ones); neighbouring
      // runs of vertices in one dispatch
      for (std::size_t k = 1; k < Impl::kKinds; ++k) {
        if (pass == 1 && k == static_cast<std::size_t>(anatomy::StructureKind::Vein)) continue;  // vein normals come with their positions
        bool bound = false;
        std::uint32_t run_begin = 0, run_end = 0, run_table = 0;
        auto flush = [&]() {
          if (run_end == run_begin) return;
          if (!bound) vkCmdBindPipeline(d.cmd, VK_PIPELINE_BIND_POINT_COMPUTE, d.deform_pipelines[pass == 0 ? k : 0]);
          bound = true;
          const std::uint32_t pc[5] = {l.vertex_count, run_begin, run_end, static_cast<std::uint32_t>(anatomy::kVeinRing), run_table};
          vkCmdPushConstants(d.cmd, d.compute_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(pc), pc);
          vkCmdDispatch(d.cmd, (run_end - run_begin + 63) / 64, 1, 1);
          run_begin = run_end = 0;
        };
        auto add = [&](std::uint32_t begin, std::uint32_t end, std::uint32_t table) {
          if (begin == end) return;
          if (run_end == begin && run_end > run_begin && (pass == 0 || table == run_table)) {
            run_end = end;
            return;
          }
          flush();
          run_begin = begin;
          run_end = end;
          run_table = table;
        };
        for (int part = 1; part >= 0; --part)
          for (std::size_t si = 0; si < l.draws.size(); ++si) {
            const Impl::DrawRange& r = l.draws[si];
            if (static_cast<std::size_t>(r.kind) != k || !(l.marks[si] & Impl::kDrawn)) continue;
            const bool whole = (l.marks[si] & Impl::kFull) != 0;
            if (part == 1) add(r.simple_begin, r.simple_end, whole ? 0u : l.simple_adjacency);
            else if (whole) add(r.rest_begin, r.rest_end, 0u);
          }
        flush();
      }
    }
    // positions -> the normal pass; then positions, normals and particles -> drawing
    if (pass == 0)
      d.barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
    else
      d.barrier(VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_VERTEX_INPUT_BIT | VK_PIPELINE_STAGE_VERTEX_SHADER_BIT,
                VK_ACCESS_VERTEX_ATTRIBUTE_READ_BIT | VK_ACCESS_SHADER_READ_BIT);
  }
  d.stamp(2);
  VkClearValue clear[3];
  clear[0].color = {{0.955f, 0.955f, 0.965f, 1.0f}};  // a neutral, projector-friendly background
  clear[1].depthStencil = {1.0f, 0};
  clear[2].color = clear[0].color;
  VkRenderPassBeginInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  rp.renderPass = d.render_pass;
  rp.framebuffer = d.framebuffer;
  rp.renderArea = {{0, 0}, {static_cast<std::uint32_t>(d.options.width), static_cast<std::uint32_t>(d.options.height)}};
  rp.clearValueCount = 3;
  rp.pClearValues = clear;
  d.filter_boxes.clear();
  vkCmdBeginRenderPass(d.cmd, &rp, VK_SUBPASS_CONTENTS_INLINE);
  if (!(frame.skin_opacity >= 0.0f && frame.skin_opacity <= 1.0f))
    throw RenderError(fmt::format("render: skin opacity {} is outside 0 to 1", frame.skin_opacity));
  for (std::size_t i = 0; i < d.leg_count; ++i)
    d.record_leg_draw(d.legs[i], camera, leg_viewport(d.options.width, d.options.height, i, d.leg_count, frame.leg_top, frame.leg_bottom), 0x3f,
                      frame.skin_opacity, frame.simplify, 0);
  for (const Inset& inset : frame.insets) {
    if (inset.slot >= d.leg_count) throw RenderError(fmt::format("render: an inset shows leg {}, but there are {} legs", inset.slot, d.leg_count));
    const auto& v = inset.viewport;
    if (v[2] <= 0 || v[3] <= 0 || v[0] < 0 || v[1] < 0 || v[0] + v[2] > d.options.width || v[1] + v[3] > d.options.height)
      throw RenderError(fmt::format("render: inset box {}x{} at ({}, {}) is outside the {}x{} frame", v[2], v[3], v[0], v[1], d.options.width, d.options.height));
    // its own background and depth
    VkClearAttachment clears[2]{};
    clears[0].aspectMask = VK_IMAGE_ASPECT_COLOR_BIT;
    clears[0].colorAttachment = 0;
    clears[0].clearValue.color = {{0.985f, 0.985f, 0.99f, 1.0f}};
    clears[1].aspectMask = VK_IMAGE_ASPECT_DEPTH_BIT;
    clears[1].clearValue.depthStencil = {1.0f, 0};
    const VkClearRect rect{{{v[0], v[1]}, {static_cast<std::uint32_t>(v[2]), static_cast<std::uint32_t>(v[3])}}, 0, 1};
    vkCmdClearAttachments(d.cmd, 2, clears, 1, &rect);
    d.record_leg_draw(d.legs[inset.slot], inset.camera, v, inset.tissues, 0.16f, frame.simplify, 1);
  }
  vkCmdEndRenderPass(d.cmd);
  // the edge filter reads a copy of the scene (a memory copy: drawing the whole frame through a
  // shader cost a CPU device about 4 ms)
  const bool filter = d.edge_filter && !d.filter_boxes.empty();
  if (filter) {
    VkImageMemoryBarrier to_dst{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    to_dst.srcAccessMask = 0;  // the last frame's filter has read it (execution dependency)
    to_dst.dstAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    to_dst.oldLayout = VK_IMAGE_LAYOUT_UNDEFINED;
    to_dst.newLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    to_dst.srcQueueFamilyIndex = to_dst.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    to_dst.image = d.filter_source.image;
    to_dst.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(d.cmd, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr, 0, nullptr, 1, &to_dst);
    VkImageCopy whole{};
    whole.srcSubresource = whole.dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    whole.extent = {static_cast<std::uint32_t>(d.options.width), static_cast<std::uint32_t>(d.options.height), 1};
    vkCmdCopyImage(d.cmd, d.scene_image().image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, d.filter_source.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1,
                   &whole);
    VkImageMemoryBarrier to_read = to_dst;
    to_read.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    to_read.dstAccessMask = VK_ACCESS_SHADER_READ_BIT;
    to_read.oldLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    to_read.newLayout = VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL;
    vkCmdPipelineBarrier(d.cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, 0, nullptr, 0, nullptr, 1, &to_read);
  }
  // the final pass, over the scene: the legs' boxes edge-filtered, then the overlay
  VkRenderPassBeginInfo fp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  fp.renderPass = d.final_pass;
  fp.framebuffer = d.final_framebuffer;
  fp.renderArea = rp.renderArea;
  vkCmdBeginRenderPass(d.cmd, &fp, VK_SUBPASS_CONTENTS_INLINE);
  const VkViewport full{0, 0, static_cast<float>(d.options.width), static_cast<float>(d.options.height), 0, 1};
  vkCmdSetViewport(d.cmd, 0, 1, &full);
  vkCmdSetScissor(d.cmd, 0, 1, &rp.renderArea);
  // the edge filter only where the legs are: the background is flat, the panels are the overlay's
  // (drawn next, with their own smooth edges), and a CPU device pays for every pixel filtered
  if (filter) {
    vkCmdBindPipeline(d.cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, d.filter_pipeline);
    vkCmdBindDescriptorSets(d.cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, d.post_layout, 0, 1, &d.post_set, 0, nullptr);
    const float texel[2] = {1.0f / static_cast<float>(d.options.width), 1.0f / static_cast<float>(d.options.height)};
    vkCmdPushConstants(d.cmd, d.post_layout, VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(texel), texel);
    for (const VkRect2D& box : d.filter_boxes) {
      vkCmdSetScissor(d.cmd, 0, 1, &box);
      vkCmdDraw(d.cmd, 3, 1, 0, 0);
    }
    vkCmdSetScissor(d.cmd, 0, 1, &rp.renderArea);
  }
  if (frame.overlay) d.record_overlay(*frame.overlay);
  vkCmdEndRenderPass(d.cmd);
  d.stamp(3);
  VkBufferImageCopy copy{};
  copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  copy.imageExtent = {static_cast<std::uint32_t>(d.options.width), static_cast<std::uint32_t>(d.options.height), 1};
  vkCmdCopyImageToBuffer(d.cmd, d.scene_image().image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, d.readback.buffer, 1, &copy);
  d.stamp(4);
  d.barrier(VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_SHADER_WRITE_BIT,
            VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
  d.submit_and_wait();
  d.read_timings();

  out.width = d.options.width;
  out.height = d.options.height;
  out.rgba.resize(static_cast<std::size_t>(out.width) * static_cast<std::size_t>(out.height) * 4);
  std::memcpy(out.rgba.data(), d.readback.mapped, out.rgba.size());
}

}  // namespace calfpump::render
