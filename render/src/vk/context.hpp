#pragma once
// The Vulkan context: the instance (with the validation layers and synchronization validation
// when asked), the device choice (a discrete GPU first, any Vulkan 1.2 device with graphics
// otherwise, or the one named), the logical device and its queue. Created once per renderer;
// nothing here depends on a frame's size.

#include <cstdint>
#include <string>

#include <vulkan/vulkan.h>

#include "render/renderer.hpp"

namespace calfpump::render::vk {

/// Validation messages are counted (tests require none) and the first is kept for the report.
struct ValidationLog {
  std::uint64_t count = 0;
  std::string first;
};

/// Instance, physical and logical device, queue. Not copyable or movable (the messenger points at it).
class Context {
 public:
  explicit Context(const RenderOptions& options);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  /// The first memory type with `required` and, if any has them, `preferred` as well; -1 if none.
  int memory_type(std::uint32_t bits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred = 0) const;

  VkInstance instance = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  std::uint32_t queue_family = 0;
  std::string device_name;
  std::uint32_t max_texel_elements = 0;  ///< the most texels a buffer view may hold
  bool cpu_device = false;               ///< a CPU implementation (lavapipe)
  /// How edges are smoothed on this device (RenderOptions::antialiasing resolved): 4x
  /// multisampling or one sample, and the edge filter where one sample is drawn.
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  bool edge_filter = false;
  double timestamp_ns = 0;  ///< nanoseconds per timestamp tick; 0: no timestamps on this queue
  bool presentation = false;  ///< VK_KHR_swapchain enabled (RenderOptions::surface_extensions given)
  ValidationLog validation;

 private:
  void create_instance(const RenderOptions& options);
  void pick_device(const RenderOptions& options);
  void create_device();
  void release();
};

}  // namespace calfpump::render::vk
