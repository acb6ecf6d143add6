#pragma once
// Shaders, pipelines, descriptor sets. Every object made here is registered with an Owner that
// destroys them together (the renderer's pipelines live as long as it does).

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <vulkan/vulkan.h>

#include "vk/check.hpp"
#include "vk/memory.hpp"

namespace calfpump::render::vk {

/// Destroys the pipelines, layouts, set layouts, samplers and pools it was given, last first.
class Owner {
 public:
  explicit Owner(VkDevice device) : device_(device) {}
  ~Owner();
  Owner(const Owner&) = delete;
  Owner& operator=(const Owner&) = delete;
  VkPipeline keep(VkPipeline p) { return add(p, VK_OBJECT_TYPE_PIPELINE), p; }
  VkPipelineLayout keep(VkPipelineLayout p) { return add(p, VK_OBJECT_TYPE_PIPELINE_LAYOUT), p; }
  VkDescriptorSetLayout keep(VkDescriptorSetLayout p) { return add(p, VK_OBJECT_TYPE_DESCRIPTOR_SET_LAYOUT), p; }
  VkSampler keep(VkSampler p) { return add(p, VK_OBJECT_TYPE_SAMPLER), p; }
  VkDescriptorPool keep(VkDescriptorPool p) { return add(p, VK_OBJECT_TYPE_DESCRIPTOR_POOL), p; }
  VkRenderPass keep(VkRenderPass p) { return add(p, VK_OBJECT_TYPE_RENDER_PASS), p; }

 private:
  template <class H>
  void add(H h, VkObjectType type) {
    objects_.push_back({reinterpret_cast<std::uint64_t>(h), type});
  }
  struct Object {
    std::uint64_t handle;
    VkObjectType type;
  };
  VkDevice device_;
  std::vector<Object> objects_;
};

/// A graphics pipeline: two stages, triangle lists, dynamic viewport and scissor.
struct GraphicsPipelineDesc {
  const char* vert = nullptr;
  const char* frag = nullptr;
  const VkPipelineVertexInputStateCreateInfo* vertex_input = nullptr;
  VkPipelineLayout layout = VK_NULL_HANDLE;
  VkRenderPass pass = VK_NULL_HANDLE;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_1_BIT;
  bool depth_write = false;
  bool blended = false;  ///< straight alpha blending
  bool depth_test = true;
  VkCullModeFlags cull = VK_CULL_MODE_NONE;
  const VkSpecializationInfo* specialization = nullptr;  ///< for both stages
};

/// A SPIR-V module compiled by the build (CALFPUMP_SHADER_DIR), by file name.
VkShaderModule shader_module(VkDevice device, const std::string& name);
VkPipeline graphics_pipeline(VkDevice device, const GraphicsPipelineDesc& desc);
VkPipeline compute_pipeline(VkDevice device, const char* name, VkPipelineLayout layout, const VkSpecializationInfo* specialization = nullptr);
/// A layout of at most one set and one push-constant range of `push_bytes` for `stages`.
VkPipelineLayout pipeline_layout(VkDevice device, const VkDescriptorSetLayout* set, VkShaderStageFlags stages, std::uint32_t push_bytes);

/// Descriptor types as the tables are bound. Tables the shaders gather from (index by another
/// value) are uniform texel buffers: a CPU device loads a storage buffer's gathered values lane by
/// lane with a bounds check each, but fetches texels as vectors (on lavapipe 8 gathered vec4s cost
/// 4.4 ms per 400k invocations as texels, 47 ms from a storage buffer), and a GPU reads them
/// through its texture cache.
inline constexpr VkDescriptorType kSsbo = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
inline constexpr VkDescriptorType kUbo = VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER;
inline constexpr VkDescriptorType kTexels = VK_DESCRIPTOR_TYPE_UNIFORM_TEXEL_BUFFER;
inline constexpr VkDescriptorType kImage = VK_DESCRIPTOR_TYPE_STORAGE_TEXEL_BUFFER;
inline constexpr VkDescriptorType kSampled = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;

/// A set layout binding types[i] at binding i for `stages`.
template <std::size_t N>
VkDescriptorSetLayout set_layout_of(VkDevice device, const std::array<VkDescriptorType, N>& types, VkShaderStageFlags stages) {
  std::array<VkDescriptorSetLayoutBinding, N> b{};
  for (std::uint32_t i = 0; i < N; ++i) b[i] = {i, types[i], 1, stages, nullptr};
  VkDescriptorSetLayoutCreateInfo li{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  li.bindingCount = static_cast<std::uint32_t>(N);
  li.pBindings = b.data();
  VkDescriptorSetLayout l;
  CP_VK(vkCreateDescriptorSetLayout(device, &li, nullptr, &l));
  return l;
}

VkDescriptorSet allocate_set(VkDevice device, VkDescriptorPool pool, VkDescriptorSetLayout layout);

/// Binds buffer i at binding i as types[i] (texel bindings use the buffer's view).
template <std::size_t N>
void write_set(VkDevice device, VkDescriptorSet set, const std::array<const Buffer*, N>& bufs, const std::array<VkDescriptorType, N>& types) {
  std::array<VkDescriptorBufferInfo, N> infos{};
  std::array<VkWriteDescriptorSet, N> writes{};
  for (std::size_t i = 0; i < N; ++i) {
    const bool texel = types[i] == kTexels || types[i] == kImage;
    if (texel && !bufs[i]->view) throw RenderError("internal: a texel binding has no texel view");
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

/// Binds a sampled image at `binding` of a set.
void write_image(VkDevice device, VkDescriptorSet set, std::uint32_t binding, VkSampler sampler, VkImageView view);

}  // namespace calfpump::render::vk
