#pragma once
// Buffers and images as RAII handles (Granite's BufferCreateInfo and domains): a call site says
// "a device-local buffer of N bytes for texel reads", never memory type bits. A handle frees
// itself; moving it hands over ownership.

#include <cstdint>
#include <cstring>
#include <vector>

#include <vulkan/vulkan.h>

#include "vk/context.hpp"

namespace calfpump::render::vk {

/// Where a buffer lives.
enum class BufferDomain {
  Host,      ///< host-visible, coherent, mapped: small tables the host rewrites every frame
  Device,    ///< device-local; mapped too where the device offers that (lavapipe, integrated GPUs,
             ///< resizable BAR), else filled through a staging copy
  Readback,  ///< host-visible, coherent, cached where offered, mapped: the CPU reads every byte
};

/// A buffer, its memory, its mapping and optionally one texel view.
class Buffer {
 public:
  Buffer() = default;
  Buffer(const Context& ctx, VkDeviceSize size, VkBufferUsageFlags usage, BufferDomain domain);
  ~Buffer() { reset(); }
  Buffer(Buffer&& o) noexcept { *this = std::move(o); }
  Buffer& operator=(Buffer&& o) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  void reset();
  explicit operator bool() const { return buffer != VK_NULL_HANDLE; }

  /// Gives the buffer a texel view of its first `bytes` bytes (all of it when 0) in `format`, a
  /// texel being `texel_bytes` long; `what` names the table in the error a too-small device limit gives.
  void texel_view(const Context& ctx, VkFormat format, VkDeviceSize texel_bytes, const char* what, VkDeviceSize bytes = 0);

  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  void* mapped = nullptr;
  VkDeviceSize size = 0;
  VkBufferView view = VK_NULL_HANDLE;

 private:
  VkDevice device_ = VK_NULL_HANDLE;
};

/// A 2D image with its memory and one view.
class Image {
 public:
  Image() = default;
  Image(const Context& ctx, VkFormat format, VkImageUsageFlags usage, VkSampleCountFlagBits samples, VkImageAspectFlags aspect, int width,
        int height);
  ~Image() { reset(); }
  Image(Image&& o) noexcept { *this = std::move(o); }
  Image& operator=(Image&& o) noexcept;
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;
  void reset();
  explicit operator bool() const { return image != VK_NULL_HANDLE; }

  VkImage image = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkImageView view = VK_NULL_HANDLE;

 private:
  VkDevice device_ = VK_NULL_HANDLE;
};

/// Two numbers as IEEE half floats in one word (GLSL unpackHalf2x16: a in the low half).
std::uint32_t half_pair(double a, double b);

}  // namespace calfpump::render::vk
