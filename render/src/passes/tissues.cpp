// The tissue pass: a leg's structures in its viewport, lit and smooth-shaded (shaders/mesh.vert,
// mesh.frag with one specialised pipeline per tissue kind): opaque structures nearest first, the
// blood (blood.cpp), then the see-through layers from the inside out.

#include <algorithm>
#include <cstring>

#include "renderer_impl.hpp"

namespace calfpump::render {

namespace {

struct Push {
  float view_projection[16];
  float color[4];
  float material[4];
  float clip[4];
};

}  // namespace

TissueStyle default_style(anatomy::StructureKind kind) {
  const float alpha = default_layers()[static_cast<std::size_t>(kind)];
  const anatomy::TissueColour c = anatomy::atlas_colour(kind);  // vein walls see-through (alpha), so the blood shows
  return {{c.r, c.g, c.b, alpha}};
}

void Renderer::Impl::create_tissue_pipelines() {
  mesh_layout = owner->keep(vk::pipeline_layout(device, nullptr, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, sizeof(Push)));
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
    vk::GraphicsPipelineDesc d;
    d.vert = "mesh.vert.spv";
    d.frag = "mesh.frag.spv";
    d.vertex_input = &vi;
    d.layout = mesh_layout;
    d.pass = scene_pass;
    d.samples = ctx->samples;
    d.specialization = &spec;
    d.depth_write = true;
    d.cull = closed ? VK_CULL_MODE_BACK_BIT : VK_CULL_MODE_NONE;
    opaque[static_cast<std::size_t>(kind)] = owner->keep(vk::graphics_pipeline(device, d));
    d.cull = VK_CULL_MODE_NONE;
    opaque_cut[static_cast<std::size_t>(kind)] = closed ? owner->keep(vk::graphics_pipeline(device, d)) : opaque[static_cast<std::size_t>(kind)];
    // translucent: blended over, depth-tested against the opaque tissue but not written
    d.depth_write = false;
    d.blended = true;
    d.cull = VK_CULL_MODE_NONE;
    translucent[static_cast<std::size_t>(kind)] = owner->keep(vk::graphics_pipeline(device, d));
  }
}

void Renderer::Impl::record_leg_draw(VkCommandBuffer cmd, const Leg& l, const Camera& camera, const std::array<int, 4>& viewport,
                                     std::uint32_t tissues, const LayerOpacity& layers, bool lod, std::uint32_t region) {
  const VkViewport vp{static_cast<float>(viewport[0]), static_cast<float>(viewport[1]), static_cast<float>(viewport[2]),
                      static_cast<float>(viewport[3]), 0, 1};
  const VkRect2D scissor{{viewport[0], viewport[1]}, {static_cast<std::uint32_t>(viewport[2]), static_cast<std::uint32_t>(viewport[3])}};
  vkCmdSetViewport(cmd, 0, 1, &vp);
  vkCmdSetScissor(cmd, 0, 1, &scissor);
  const View view = make_view(camera, viewport);
  const glm::mat4& view_projection = view.view_projection;
  const bool coarse = simplified_view(view, lod);
  const bool cut = camera.clip[0] != 0.0f || camera.clip[1] != 0.0f || camera.clip[2] != 0.0f;
  const auto& solid = cut ? opaque_cut : opaque;
  auto alpha_of = [&](anatomy::StructureKind kind) { return std::clamp(layers[static_cast<std::size_t>(kind)], 0.0f, 1.0f); };
  auto shown = [&](anatomy::StructureKind kind) { return alpha_of(kind) > 0.0f && (tissues & tissue_bit(kind)) != 0; };
  if (ctx->edge_filter) {
    // what the view shows, and the veins (the blood is drawn where they are even when they are not)
    const VkRect2D box = screen_box(l, view_projection, viewport, [&](const DrawRange& r) { return shown(r.kind) || r.kind == anatomy::StructureKind::Vein; });
    if (box.extent.width > 0) filter_boxes.push_back(box);
  }
  VkBuffer vbufs[2] = {l.out.buffer, l.normals.buffer};
  VkDeviceSize voffs[2] = {0, 0};
  auto bind_mesh = [&]() {
    vkCmdBindVertexBuffers(cmd, 0, 2, vbufs, voffs);
    vkCmdBindIndexBuffer(cmd, l.indices.buffer, 0, VK_INDEX_TYPE_UINT32);
  };
  auto use_kind = [&](anatomy::StructureKind kind) {
    Push push{};
    std::memcpy(push.view_projection, &view_projection[0][0], sizeof(push.view_projection));
    TissueStyle style = default_style(kind);
    style.color[3] = alpha_of(kind);
    std::memcpy(push.color, style.color.data(), sizeof(push.color));
    push.material[0] = static_cast<float>(kind);
    push.material[1] = camera.eye[0];
    push.material[2] = camera.eye[1];
    push.material[3] = camera.eye[2];
    std::memcpy(push.clip, camera.clip.data(), sizeof(push.clip));
    vkCmdPushConstants(cmd, mesh_layout, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(Push), &push);
  };
  auto draw = [&](const DrawRange& r) {
    if (coarse) vkCmdDrawIndexed(cmd, r.lod_index_count, 1, r.lod_first_index, 0, 0);
    else vkCmdDrawIndexed(cmd, r.index_count, 1, r.first_index, 0, 0);
  };
  // opaque structures nearest first, so that what lies behind them fails the depth test before it
  // is shaded
  bind_mesh();
  opaque_order.clear();
  for (std::uint32_t k = 0; k < l.draws.size(); ++k) {
    const DrawRange& r = l.draws[k];
    if (alpha_of(r.kind) < 1.0f || !shown(r.kind) || outside(view_projection, r.bounds) || cut_away(camera.clip, r.bounds)) continue;
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
    if (static_cast<int>(r.kind) != bound) {  // the pipeline of its kind (all faces where the view is cut)
      vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, solid[static_cast<std::size_t>(r.kind)]);
      use_kind(r.kind);
      bound = static_cast<int>(r.kind);
    }
    draw(r);
  }
  // the blood, under the see-through layers
  if (l.particle_count > 0) {
    record_blood(cmd, l, view, viewport, region);
    vkCmdSetScissor(cmd, 0, 1, &scissor);
    bind_mesh();
  }
  // see-through layers from the inside out
  using K = anatomy::StructureKind;
  for (K kind : {K::Bone, K::Muscle, K::Tendon, K::Valve, K::Vein, K::Skin}) {
    if (alpha_of(kind) >= 1.0f || !shown(kind)) continue;
    vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, translucent[static_cast<std::size_t>(kind)]);
    use_kind(kind);
    for (const auto& r : l.draws)
      if (r.kind == kind && !outside(view_projection, r.bounds) && !cut_away(camera.clip, r.bounds)) draw(r);
  }
}

}  // namespace calfpump::render
