// The blood pass: the splat words the particle pass left (the nearest sphere surface per pixel)
// shaded inside the scene pass, with its depth, under the see-through vein walls
// (shaders/splat.vert, splat.frag).

#include "renderer_impl.hpp"

namespace calfpump::render {

namespace {

struct CompositePush {
  float depth_near, depth_range, p10, p14;
  std::uint32_t frame_width, base;
};

}  // namespace

void Renderer::Impl::create_blood_pipeline() {
  composite_set_layout = owner->keep(vk::set_layout_of(device, kCompositeBindings, VK_SHADER_STAGE_FRAGMENT_BIT));
  composite_layout = owner->keep(vk::pipeline_layout(device, &composite_set_layout, VK_SHADER_STAGE_FRAGMENT_BIT, sizeof(CompositePush)));
  // where the edge filter runs, the blood is marked for it (alpha 0: left as drawn)
  const VkBool32 mark = ctx->edge_filter ? VK_TRUE : VK_FALSE;
  const VkSpecializationMapEntry entry{0, 0, sizeof(VkBool32)};
  const VkSpecializationInfo spec{1, &entry, sizeof(VkBool32), &mark};
  vk::GraphicsPipelineDesc d;
  d.vert = "splat.vert.spv";
  d.frag = "splat.frag.spv";
  d.layout = composite_layout;
  d.pass = scene_pass;
  d.samples = ctx->samples;
  d.depth_write = true;
  d.specialization = &spec;
  composite_pipeline = owner->keep(vk::graphics_pipeline(device, d));
  composite_set = vk::allocate_set(device, descriptor_pool, composite_set_layout);
}

void Renderer::Impl::record_blood(VkCommandBuffer cmd, const Leg& l, const View& view, const std::array<int, 4>& viewport, std::uint32_t region) {
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, composite_pipeline);
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, composite_layout, 0, 1, &composite_set, 0, nullptr);
  const CompositePush push{view.depth_near,
                           view.depth_range,
                           view.projection[2][2],
                           view.projection[3][2],
                           static_cast<std::uint32_t>(attachments.width),
                           static_cast<std::uint32_t>(region * frame_pixels())};
  vkCmdPushConstants(cmd, composite_layout, VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(push), &push);
  // only where the veins (padded by what they can swell) can appear: the blood is in them
  const VkRect2D blood = screen_box(l, view.view_projection, viewport, [](const DrawRange& r) { return r.kind == anatomy::StructureKind::Vein; });
  if (blood.extent.width > 0) {
    vkCmdSetScissor(cmd, 0, 1, &blood);
    vkCmdDraw(cmd, 3, 1, 0, 0);
  }
}

}  // namespace calfpump::render
