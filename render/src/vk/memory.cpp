// Buffers and images: creation, memory choice, release.

#include "vk/memory.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "vk/check.hpp"

namespace calfpump::render::vk {

Buffer::Buffer(const Context& ctx, VkDeviceSize bytes, VkBufferUsageFlags usage, BufferDomain domain) : device_(ctx.device) {
  size = std::max<VkDeviceSize>(bytes, 16);
  constexpr VkMemoryPropertyFlags kHost = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  VkMemoryPropertyFlags required = kHost, preferred = 0;
  if (domain == BufferDomain::Device) {
    usage |= VK_BUFFER_USAGE_TRANSFER_DST_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT;
    required = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
    preferred = kHost;
  } else if (domain == BufferDomain::Readback) {
    preferred = VK_MEMORY_PROPERTY_HOST_CACHED_BIT;
  }
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = size;
  info.usage = usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  CP_VK(vkCreateBuffer(device_, &info, nullptr, &buffer));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device_, buffer, &req);
  const int type = ctx.memory_type(req.memoryTypeBits, required, preferred);
  if (type < 0) {
    reset();
    throw RenderError(fmt::format("no Vulkan memory type for a {} byte buffer", size));
  }
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = static_cast<std::uint32_t>(type);
  CP_VK(vkAllocateMemory(device_, &alloc, nullptr, &memory));
  CP_VK(vkBindBufferMemory(device_, buffer, memory, 0));
  VkPhysicalDeviceMemoryProperties props;
  vkGetPhysicalDeviceMemoryProperties(ctx.physical, &props);
  const VkMemoryPropertyFlags got = props.memoryTypes[type].propertyFlags;
  if ((got & kHost) == kHost) CP_VK(vkMapMemory(device_, memory, 0, VK_WHOLE_SIZE, 0, &mapped));
}

Buffer& Buffer::operator=(Buffer&& o) noexcept {
  if (this != &o) {
    reset();
    std::swap(buffer, o.buffer);
    std::swap(memory, o.memory);
    std::swap(mapped, o.mapped);
    std::swap(size, o.size);
    std::swap(view, o.view);
    std::swap(device_, o.device_);
  }
  return *this;
}

void Buffer::reset() {
  if (view) vkDestroyBufferView(device_, view, nullptr);
  if (mapped) vkUnmapMemory(device_, memory);
  if (buffer) vkDestroyBuffer(device_, buffer, nullptr);
  if (memory) vkFreeMemory(device_, memory, nullptr);
  buffer = VK_NULL_HANDLE;
  memory = VK_NULL_HANDLE;
  mapped = nullptr;
  size = 0;
  view = VK_NULL_HANDLE;
}

void Buffer::texel_view(const Context& ctx, VkFormat format, VkDeviceSize texel_bytes, const char* what, VkDeviceSize bytes) {
  const VkDeviceSize range = bytes > 0 ? bytes : size / texel_bytes * texel_bytes;
  if (range / texel_bytes > ctx.max_texel_elements)
    throw RenderError(fmt::format("{}: {} needs {} texels, more than the {} this device's texel buffers hold", ctx.device_name, what,
                                  range / texel_bytes, ctx.max_texel_elements));
  VkBufferViewCreateInfo vi{VK_STRUCTURE_TYPE_BUFFER_VIEW_CREATE_INFO};
  vi.buffer = buffer;
  vi.format = format;
  vi.offset = 0;
  vi.range = range;
  CP_VK(vkCreateBufferView(device_, &vi, nullptr, &view));
}

Image::Image(const Context& ctx, VkFormat format, VkImageUsageFlags usage, VkSampleCountFlagBits samples, VkImageAspectFlags aspect, int width,
             int height)
    : device_(ctx.device) {
  VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  info.imageType = VK_IMAGE_TYPE_2D;
  info.format = format;
  info.extent = {static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height), 1};
  info.mipLevels = 1;
  info.arrayLayers = 1;
  info.samples = samples;
  info.tiling = VK_IMAGE_TILING_OPTIMAL;
  info.usage = usage;
  info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  CP_VK(vkCreateImage(device_, &info, nullptr, &image));
  VkMemoryRequirements req;
  vkGetImageMemoryRequirements(device_, image, &req);
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = req.size;
  const int type = ctx.memory_type(req.memoryTypeBits, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  if (type < 0) {
    reset();
    throw RenderError("no Vulkan memory type for the image");
  }
  alloc.memoryTypeIndex = static_cast<std::uint32_t>(type);
  CP_VK(vkAllocateMemory(device_, &alloc, nullptr, &memory));
  CP_VK(vkBindImageMemory(device_, image, memory, 0));
  VkImageViewCreateInfo view_info{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
  view_info.image = image;
  view_info.viewType = VK_IMAGE_VIEW_TYPE_2D;
  view_info.format = format;
  view_info.subresourceRange = {aspect, 0, 1, 0, 1};
  CP_VK(vkCreateImageView(device_, &view_info, nullptr, &view));
}

Image& Image::operator=(Image&& o) noexcept {
  if (this != &o) {
    reset();
    std::swap(image, o.image);
    std::swap(memory, o.memory);
    std::swap(view, o.view);
    std::swap(device_, o.device_);
  }
  return *this;
}

void Image::reset() {
  if (view) vkDestroyImageView(device_, view, nullptr);
  if (image) vkDestroyImage(device_, image, nullptr);
  if (memory) vkFreeMemory(device_, memory, nullptr);
  image = VK_NULL_HANDLE;
  memory = VK_NULL_HANDLE;
  view = VK_NULL_HANDLE;
}

namespace {

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

}  // namespace

std::uint32_t half_pair(double a, double b) { return half_bits(a) | (half_bits(b) << 16); }

}  // namespace calfpump::render::vk
