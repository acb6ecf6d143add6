// The overlay pass: the frame's 2D triangles (text, lines, plots; render/overlay.hpp) over the
// finished scene in the final pass, in runs of one kind (solid, regular text, bold text) with a
// specialised pipeline each (shaders/overlay.vert, overlay.frag).

#include <cstring>

#include "renderer_impl.hpp"

namespace calfpump::render {

void Renderer::Impl::create_overlay_pipelines() {
  VkSamplerCreateInfo si{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  si.magFilter = si.minFilter = VK_FILTER_LINEAR;
  si.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
  si.addressModeU = si.addressModeV = si.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  CP_VK(vkCreateSampler(device, &si, nullptr, &sampler));
  owner->keep(sampler);
  overlay_set_layout = owner->keep(vk::set_layout_of(device, std::array<VkDescriptorType, 2>{vk::kSampled, vk::kSampled}, VK_SHADER_STAGE_FRAGMENT_BIT));
  overlay_set = vk::allocate_set(device, descriptor_pool, overlay_set_layout);
  overlay_layout = owner->keep(vk::pipeline_layout(device, &overlay_set_layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 16));
  VkVertexInputBindingDescription binding{0, sizeof(OverlayVertex), VK_VERTEX_INPUT_RATE_VERTEX};
  VkVertexInputAttributeDescription attrs[3] = {{0, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(OverlayVertex, x)},
                                                {1, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(OverlayVertex, u)},
                                                {2, 0, VK_FORMAT_R8G8B8A8_UNORM, offsetof(OverlayVertex, rgba)}};
  VkPipelineVertexInputStateCreateInfo vi{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  vi.vertexBindingDescriptionCount = 1;
  vi.pVertexBindingDescriptions = &binding;
  vi.vertexAttributeDescriptionCount = 3;
  vi.pVertexAttributeDescriptions = attrs;
  for (std::int32_t kind = 0; kind < 3; ++kind) {
    const VkSpecializationMapEntry entry{0, 0, sizeof(std::int32_t)};
    const VkSpecializationInfo spec{1, &entry, sizeof(std::int32_t), &kind};
    vk::GraphicsPipelineDesc d;
    d.vert = "overlay.vert.spv";
    d.frag = "overlay.frag.spv";
    d.vertex_input = &vi;
    d.layout = overlay_layout;
    d.pass = final_pass;
    d.blended = true;
    d.depth_test = false;
    d.specialization = &spec;
    overlay_pipelines[static_cast<std::size_t>(kind)] = owner->keep(vk::graphics_pipeline(device, d));
  }
}

void Renderer::Impl::record_overlay(VkCommandBuffer cmd, std::size_t slot, std::span<const OverlayVertex> verts) {
  if (verts.empty()) return;
  const VkDeviceSize bytes = verts.size() * sizeof(OverlayVertex);
  vk::Buffer& buffer = overlay_vertices[slot];
  if (bytes > buffer.size) {
    // a slot's buffer grows (by half again) only past the largest overlay so far; its last frame has finished
    buffer = vk::Buffer(*ctx, bytes + bytes / 2, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT, vk::BufferDomain::Host);
  }
  std::memcpy(buffer.mapped, verts.data(), bytes);
  const VkViewport vp{0, 0, static_cast<float>(attachments.width), static_cast<float>(attachments.height), 0, 1};
  const VkRect2D scissor{{0, 0}, {static_cast<std::uint32_t>(attachments.width), static_cast<std::uint32_t>(attachments.height)}};
  vkCmdSetViewport(cmd, 0, 1, &vp);
  vkCmdSetScissor(cmd, 0, 1, &scissor);
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, overlay_layout, 0, 1, &overlay_set, 0, nullptr);
  const float pc[4] = {static_cast<float>(attachments.width), static_cast<float>(attachments.height), atlas_range[0], atlas_range[1]};
  vkCmdPushConstants(cmd, overlay_layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(pc), pc);
  const VkDeviceSize offset = 0;
  vkCmdBindVertexBuffers(cmd, 0, 1, &buffer.buffer, &offset);
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

}  // namespace calfpump::render
