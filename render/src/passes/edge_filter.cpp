// The edge filter: on devices that draw one sample per pixel (CPU devices, where 4x multisampling
// costs most), the legs' boxes are smoothed along the edges found in the picture (shaders/
// post.frag, FXAA-like), reading a memory copy of the scene, inside the final pass.

#include "renderer_impl.hpp"

namespace calfpump::render {

void Renderer::Impl::create_edge_filter() {
  if (!ctx->edge_filter) return;
  post_set_layout = owner->keep(vk::set_layout_of(device, std::array<VkDescriptorType, 1>{vk::kSampled}, VK_SHADER_STAGE_FRAGMENT_BIT));
  post_set = vk::allocate_set(device, descriptor_pool, post_set_layout);
  post_layout = owner->keep(vk::pipeline_layout(device, &post_set_layout, VK_SHADER_STAGE_FRAGMENT_BIT, 8));
  vk::GraphicsPipelineDesc d;
  d.vert = "splat.vert.spv";
  d.frag = "post.frag.spv";
  d.layout = post_layout;
  d.pass = final_pass;
  d.depth_test = false;
  filter_pipeline = owner->keep(vk::graphics_pipeline(device, d));
}

void Renderer::Impl::record_edge_filter(VkCommandBuffer cmd, VkImage scene) {
  // a memory copy of the scene (drawing the whole frame through a shader cost a CPU device about 4 ms)
  // the last frame's filter has read it (an execution dependency; its contents are not kept)
  const VkImage copy = attachments.filter_source.image;
  vk::image_barrier(cmd, copy, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0, VK_ACCESS_TRANSFER_WRITE_BIT,
                    VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
  VkImageCopy whole{};
  whole.srcSubresource = whole.dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  whole.extent = {static_cast<std::uint32_t>(attachments.width), static_cast<std::uint32_t>(attachments.height), 1};
  vkCmdCopyImage(cmd, scene, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, copy, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &whole);
  vk::image_barrier(cmd, copy, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
                    VK_ACCESS_SHADER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
}

void Renderer::Impl::draw_edge_filter(VkCommandBuffer cmd) {
  // only where the legs are: the background is flat, the panels are the overlay's (drawn next,
  // with their own smooth edges), and a CPU device pays for every pixel filtered
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, filter_pipeline);
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, post_layout, 0, 1, &post_set, 0, nullptr);
  const float texel[2] = {1.0f / static_cast<float>(attachments.width), 1.0f / static_cast<float>(attachments.height)};
  vkCmdPushConstants(cmd, post_layout, VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(texel), texel);
  for (const VkRect2D& box : filter_boxes) {
    vkCmdSetScissor(cmd, 0, 1, &box);
    vkCmdDraw(cmd, 3, 1, 0, 0);
  }
}

}  // namespace calfpump::render
