// The renderer: setup, the frame (one submission: particles, deformation, scene pass, final pass,
// the target's copy) and the public API. Each pass records itself from its own file
// (render/src/passes/); the Vulkan basics are in render/src/vk/.

#include "render/renderer.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "renderer_impl.hpp"

namespace calfpump::render {

LegFrame leg_frame(const anatomy::Model& model, const anatomy::LegPaths& paths, const anatomy::ParticleNetwork& network,
                   const anatomy::State& state) {
  return {anatomy::deform_frame(model, paths, state), anatomy::particle_inputs(model, network, state)};
}

namespace {

bool finite_plane(const std::array<float, 4>& p) {
  for (float c : p)
    if (!std::isfinite(c)) return false;
  return true;
}

}  // namespace

Renderer::Impl::Impl(const RenderOptions& o) : options(o) {
  ctx = std::make_unique<vk::Context>(options);
  device = ctx->device;
  commands = std::make_unique<vk::Commands>(*ctx);
  owner = std::make_unique<vk::Owner>(device);
  create_passes();
  create_descriptor_pool();
  create_tissue_pipelines();
  create_deform_pipelines();
  create_particle_pipelines();
  create_blood_pipeline();
  create_edge_filter();
  create_overlay_pipelines();
  for (Leg& l : legs) l.marks.clear();
  ensure_attachments(16, 16);  // a first size, so that every set binds something; frames resize it
}

Renderer::Impl::~Impl() {
  if (device) vkDeviceWaitIdle(device);
  for (Leg& l : legs) release_leg(l);
  for (VkFramebuffer f : {attachments.framebuffer, attachments.final_framebuffer})
    if (f) vkDestroyFramebuffer(device, f, nullptr);
}

void Renderer::Impl::create_descriptor_pool() {
  // every leg's two sets per frame in flight (deformation, particle transport with the blood's
  // rasterization), the blood's composite set, the overlay's font atlases and the edge filter's
  // scene (combined image samplers)
  std::array<VkDescriptorPoolSize, 5> sizes{{{vk::kSsbo, 0}, {vk::kUbo, 0}, {vk::kTexels, 0}, {vk::kImage, 0}, {vk::kSampled, 3}}};
  auto count = [&](VkDescriptorType t, std::uint32_t sets) {
    for (VkDescriptorPoolSize& ps : sizes)
      if (ps.type == t) ps.descriptorCount += sets;
  };
  constexpr auto kLegSets = static_cast<std::uint32_t>(kMaxLegs * kFramesInFlight);
  for (VkDescriptorType t : kDeformBindings) count(t, kLegSets);
  for (VkDescriptorType t : kParticleBindings) count(t, kLegSets);
  for (VkDescriptorType t : kCompositeBindings) count(t, 1);
  VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pi.maxSets = 2 * kLegSets + 3;
  pi.poolSizeCount = static_cast<std::uint32_t>(sizes.size());
  pi.pPoolSizes = sizes.data();
  CP_VK(vkCreateDescriptorPool(device, &pi, nullptr, &descriptor_pool));
  owner->keep(descriptor_pool);
}

// The scene pass draws the legs into the colour and depth attachments (4x multisampled and
// resolved on GPUs); the final pass draws over the single-sampled scene image in place; the
// target then copies it out.
void Renderer::Impl::create_passes() {
  constexpr VkFormat kColor = VK_FORMAT_R8G8B8A8_UNORM, kDepth = VK_FORMAT_D32_SFLOAT;
  const VkSampleCountFlagBits samples = ctx->samples;
  const bool msaa = samples != VK_SAMPLE_COUNT_1_BIT;
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
  CP_VK(vkCreateRenderPass(device, &rp, nullptr, &scene_pass));
  owner->keep(scene_pass);

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
  owner->keep(final_pass);
}

void Renderer::Impl::ensure_attachments(int width, int height) {
  Attachments& a = attachments;
  if (a.width == width && a.height == height) return;
  commands->wait_all();
  for (VkFramebuffer* f : {&a.framebuffer, &a.final_framebuffer})
    if (*f) vkDestroyFramebuffer(device, *f, nullptr);
  a = Attachments{};
  a.width = width;
  a.height = height;
  constexpr VkFormat kColor = VK_FORMAT_R8G8B8A8_UNORM, kDepth = VK_FORMAT_D32_SFLOAT;
  const VkSampleCountFlagBits samples = ctx->samples;
  const bool msaa = samples != VK_SAMPLE_COUNT_1_BIT;
  constexpr VkImageUsageFlags kScene = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
  const vk::Context& c = *ctx;
  a.color = vk::Image(c, kColor, msaa ? VkImageUsageFlags{VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT} : kScene, samples, VK_IMAGE_ASPECT_COLOR_BIT, width, height);
  a.depth = vk::Image(c, kDepth, VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT, samples, VK_IMAGE_ASPECT_DEPTH_BIT, width, height);
  if (msaa) a.resolve = vk::Image(c, kColor, kScene, VK_SAMPLE_COUNT_1_BIT, VK_IMAGE_ASPECT_COLOR_BIT, width, height);
  if (ctx->edge_filter)
    a.filter_source = vk::Image(c, kColor, VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, VK_SAMPLE_COUNT_1_BIT,
                                VK_IMAGE_ASPECT_COLOR_BIT, width, height);
  VkImageView views[3] = {a.color.view, a.depth.view, a.resolve.view};
  VkFramebufferCreateInfo fb{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
  fb.renderPass = scene_pass;
  fb.attachmentCount = msaa ? 3 : 2;
  fb.pAttachments = views;
  fb.width = static_cast<std::uint32_t>(width);
  fb.height = static_cast<std::uint32_t>(height);
  fb.layers = 1;
  CP_VK(vkCreateFramebuffer(device, &fb, nullptr, &a.framebuffer));
  VkFramebufferCreateInfo ffb = fb;
  ffb.renderPass = final_pass;
  ffb.attachmentCount = 1;
  ffb.pAttachments = &scene_image().view;
  CP_VK(vkCreateFramebuffer(device, &ffb, nullptr, &a.final_framebuffer));
  // the blood's splat words: the legs' views, then the close-ups
  a.splat = vk::Buffer(c, 2 * frame_pixels() * 4, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT, vk::BufferDomain::Device);
  a.splat.texel_view(c, VK_FORMAT_R32_UINT, 4, "the blood's splat words");
  vk::write_set(device, composite_set, std::array<const vk::Buffer*, 1>{&a.splat}, kCompositeBindings);
  if (ctx->edge_filter) vk::write_image(device, post_set, 0, sampler, a.filter_source.view);
  for (std::size_t i = 0; i < leg_count; ++i) write_particle_sets(legs[i]);
}

Leg& Renderer::Impl::leg(std::size_t slot, const char* what) {
  if (slot >= leg_count || !legs[slot].model) throw RenderError(fmt::format("{}: no leg in slot {} (set_leg)", what, slot));
  return legs[slot];
}

std::string Renderer::Impl::check_frame(const FrameDesc& f, const Target::Impl& target) const {
  if (leg_count == 0) return "no leg was given (set_leg)";
  if (f.legs.size() != leg_count) return fmt::format("{} legs in the frame for {} in the renderer; one per leg", f.legs.size(), leg_count);
  if (f.width != target.width || f.height != target.height)
    return fmt::format("the frame is {}x{} but the target {}x{}", f.width, f.height, target.width, target.height);
  for (std::size_t i = 0; i < leg_count; ++i) {
    const Leg& l = legs[i];
    const LegFrame& lf = f.legs[i];
    if (lf.deform.bodies.size() != l.model->leg.bodies.size() || lf.deform.segments.size() != l.model->segments.size() ||
        lf.deform.valves.size() != l.model->valves.size())
      return fmt::format("leg {}: its deformation tables do not match its model (render::leg_frame makes them)", i);
    if (l.particle_count > 0 && (lf.particles.port_outflow_m3_s.size() != l.network.ports.size() ||
                                 lf.particles.segment_flow.size() != l.model->segments.size() ||
                                 lf.particles.inflow.size() != l.model->inflows.size()))
      return fmt::format("leg {}: its particle inputs do not match its model (render::leg_frame makes them)", i);
    if (!finite_plane(lf.cut)) return fmt::format("leg {}: its cut plane is not a finite plane", i);
  }
  if (!finite_plane(f.camera.clip)) return "the camera's cut plane is not a finite plane";
  for (std::size_t k = 0; k < f.layers.size(); ++k)
    if (!(f.layers[k] >= 0.0f && f.layers[k] <= 1.0f)) return fmt::format("layer opacity {} of tissue {} is outside 0 to 1", f.layers[k], k);
  if (!(f.particle_dt >= 0.0 && f.particle_dt < 1e3)) return fmt::format("particle time step {} s is not a time step", f.particle_dt);
  std::array<int, kMaxLegs> per_leg{};
  for (const Inset& inset : f.insets) {
    if (inset.slot >= leg_count) return fmt::format("an inset shows leg {}, but there are {} legs", inset.slot, leg_count);
    if (++per_leg[inset.slot] > static_cast<int>(kMaxViews) - 1) return fmt::format("leg {} has more than {} close-up", inset.slot, kMaxViews - 1);
    const auto& v = inset.viewport;
    if (v[2] <= 0 || v[3] <= 0 || v[0] < 0 || v[1] < 0 || v[0] + v[2] > f.width || v[1] + v[3] > f.height)
      return fmt::format("inset box {}x{} at ({}, {}) is outside the {}x{} frame", v[2], v[3], v[0], v[1], f.width, f.height);
  }
  if (!f.overlay.empty() && !atlas[0]) return "the frame has an overlay but no fonts were given (set_fonts)";
  if (f.overlay.size() % 3 != 0) return "the overlay is not a list of triangles";
  return {};
}

std::uint64_t Renderer::Impl::record_frame(const FrameDesc& frame, Target::Impl& target) {
  ensure_attachments(frame.width, frame.height);
  const std::size_t si = next_slot;
  vk::FrameSlot& slot = commands->slots[si];
  commands->wait(slot);  // the frame kFramesInFlight before has finished with this slot's tables
  if (FrameStatus st = target.begin(si); !st) throw vk::VulkanError(st.message, VK_ERROR_OUT_OF_DATE_KHR);
  next_slot = (next_slot + 1) % kFramesInFlight;

  // this frame's small tables into the slot's mapped buffers (nothing is allocated on the GPU per frame)
  bool blood = false;
  for (std::size_t i = 0; i < leg_count; ++i) {
    Leg& l = legs[i];
    std::array<SplatView, kMaxViews> views{};
    std::size_t n = 0;
    if (l.particle_count > 0) {
      views[n++] = splat_view(leg_camera(frame, i), leg_viewport(frame.width, frame.height, i, leg_count, frame.leg_top, frame.leg_bottom), 0, 0);
      for (const Inset& inset : frame.insets)
        if (inset.slot == i) views[n++] = splat_view(inset.camera, inset.viewport, inset.blood_radius_m, 1);
      blood = true;
    }
    write_leg_tables(l, l.slots[si], frame.legs[i], std::span<const SplatView>(views.data(), n));
  }

  commands->begin(slot);
  VkCommandBuffer cmd = slot.cmd;
  vk::stamp(cmd, slot, 0);
  // the blood: moved (by particle_dt), placed, and rasterized into the splat words of each view of
  // its leg (its own view, its close-up) in the same dispatch
  if (blood) {
    // the last frame's drawing has read the splat words
    vk::barrier(cmd, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT);
    vkCmdFillBuffer(cmd, attachments.splat.buffer, 0, (frame.insets.empty() ? 1 : 2) * frame_pixels() * 4, 0xffffffffu);
    vk::barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
    for (std::size_t i = 0; i < leg_count; ++i) {
      Leg& l = legs[i];
      if (l.particle_count == 0) continue;
      std::uint32_t views = 1;
      for (const Inset& inset : frame.insets) views += inset.slot == i;
      record_particles(cmd, l, l.slots[si], frame.particle_dt, frame.legs[i].particles, views, false);
    }
    // the splat words -> the blood's composite in the render pass
    vk::barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
  }
  vk::stamp(cmd, slot, 1);
  vk::barrier(cmd, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
  // the previous frame's vertex reads before this frame's writes
  vk::barrier(cmd, VK_PIPELINE_STAGE_VERTEX_INPUT_BIT, VK_ACCESS_VERTEX_ATTRIBUTE_READ_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT);
  mark_structures(frame);
  record_deform(cmd, si);
  vk::stamp(cmd, slot, 2);

  VkClearValue clear[3];
  clear[0].color = {{0.955f, 0.955f, 0.965f, 1.0f}};  // a neutral, projector-friendly background
  clear[1].depthStencil = {1.0f, 0};
  clear[2].color = clear[0].color;
  VkRenderPassBeginInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  rp.renderPass = scene_pass;
  rp.framebuffer = attachments.framebuffer;
  rp.renderArea = {{0, 0}, {static_cast<std::uint32_t>(frame.width), static_cast<std::uint32_t>(frame.height)}};
  rp.clearValueCount = 3;
  rp.pClearValues = clear;
  filter_boxes.clear();
  vkCmdBeginRenderPass(cmd, &rp, VK_SUBPASS_CONTENTS_INLINE);
  for (std::size_t i = 0; i < leg_count; ++i)
    record_leg_draw(cmd, legs[i], leg_camera(frame, i), leg_viewport(frame.width, frame.height, i, leg_count, frame.leg_top, frame.leg_bottom), kAllTissues,
                    frame.layers, frame.simplify, 0);
  for (const Inset& inset : frame.insets) {
    const auto& v = inset.viewport;
    // its own background and depth
    VkClearAttachment clears[2]{};
    clears[0].aspectMask = VK_IMAGE_ASPECT_COLOR_BIT;
    clears[0].colorAttachment = 0;
    clears[0].clearValue.color = {{0.985f, 0.985f, 0.99f, 1.0f}};
    clears[1].aspectMask = VK_IMAGE_ASPECT_DEPTH_BIT;
    clears[1].clearValue.depthStencil = {1.0f, 0};
    const VkClearRect rect{{{v[0], v[1]}, {static_cast<std::uint32_t>(v[2]), static_cast<std::uint32_t>(v[3])}}, 0, 1};
    vkCmdClearAttachments(cmd, 2, clears, 1, &rect);
    record_leg_draw(cmd, legs[inset.slot], inset.camera, v, inset.tissues, frame.layers, frame.simplify, 1);
  }
  vkCmdEndRenderPass(cmd);
  const bool filter = ctx->edge_filter && !filter_boxes.empty();
  if (filter) record_edge_filter(cmd, scene_image().image);
  // the final pass, over the scene: the legs' boxes edge-filtered, then the overlay
  VkRenderPassBeginInfo fp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  fp.renderPass = final_pass;
  fp.framebuffer = attachments.final_framebuffer;
  fp.renderArea = rp.renderArea;
  vkCmdBeginRenderPass(cmd, &fp, VK_SUBPASS_CONTENTS_INLINE);
  const VkViewport full{0, 0, static_cast<float>(frame.width), static_cast<float>(frame.height), 0, 1};
  vkCmdSetViewport(cmd, 0, 1, &full);
  vkCmdSetScissor(cmd, 0, 1, &rp.renderArea);
  if (filter) {
    draw_edge_filter(cmd);
    vkCmdSetScissor(cmd, 0, 1, &rp.renderArea);
  }
  record_overlay(cmd, si, frame.overlay);
  vkCmdEndRenderPass(cmd);
  vk::stamp(cmd, slot, 3);
  target.record_output(cmd, scene_image().image, si);
  vk::stamp(cmd, slot, 4);
  vk::barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_SHADER_WRITE_BIT,
              VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
  const Target::Impl::Sync sync = target.sync(si);
  commands->submit(slot, sync.wait, sync.wait_stage, sync.signal);
  slot.frame = ++frame_count;
  target.submitted(si, slot.frame);
  return slot.frame;
}

void Renderer::Impl::finish(vk::FrameSlot& slot) {
  commands->wait(slot);
  timings = commands->timings(slot);
}

// --- the public API

Renderer::Renderer(const RenderOptions& options) : impl_(std::make_unique<Impl>(options)) {}

Renderer::~Renderer() = default;

void Renderer::set_leg(const anatomy::Model& model, const anatomy::LegGeometry& rest, std::size_t slot) { impl_->upload_leg(model, rest, slot); }

void Renderer::set_particles(const anatomy::State& state, std::size_t count, std::size_t slot) { impl_->upload_particles(state, count, slot); }

void Renderer::set_fonts(const FontAtlas& regular, const FontAtlas& bold) {
  impl_->upload_atlas(0, regular);
  impl_->upload_atlas(1, bold);
}

std::size_t Renderer::leg_count() const { return impl_->leg_count; }

void Renderer::keep_legs(std::size_t count) {
  Impl& d = *impl_;
  if (count >= d.leg_count) return;
  d.commands->wait_all();
  for (std::size_t i = count; i < d.leg_count; ++i) {
    d.release_leg(d.legs[i]);
    d.legs[i].model = nullptr;
  }
  d.leg_count = count;
}

void Renderer::replace_model(const anatomy::Model& model, std::size_t slot) {
  Leg& l = impl_->leg(slot, "replace_model");
  // the leg's previous model may be gone already (a session replaces it first): the network as
  // the renderer took it is what the new one must match
  if (std::array<std::size_t, 6>{model.segments.size(), model.edges.size(), model.valves.size(), model.inflows.size(), model.leg.bodies.size(),
                                 model.leg.vessels.size()} != l.shape)
    throw RenderError(fmt::format("replace_model: the model for slot {} has another network; give it with set_leg", slot));
  anatomy::ParticleNetwork network = anatomy::make_particle_network(model);
  if (network.ports.size() != l.network.ports.size()) throw RenderError(fmt::format("replace_model: the model for slot {} has another network", slot));
  l.model = &model;
  l.network = std::move(network);
}

FrameStatus Renderer::render(const FrameDesc& frame, Target& target) {
  using Code = FrameStatus::Code;
  Impl& d = *impl_;
  if (d.lost) return {Code::DeviceLost, "the Vulkan device was lost; the renderer must be recreated", 0};
  if (d.lose_next) {
    d.lost = true;
    return {Code::DeviceLost, "the Vulkan device was lost (simulated)", 0};
  }
  if (target.impl().renderer != &d) return {Code::InvalidFrame, "render: the target belongs to another renderer", 0};
  try {
    const std::string why = d.check_frame(frame, target.impl());
    if (!why.empty()) return {Code::InvalidFrame, "render: " + why, 0};
    return {Code::Ok, {}, d.record_frame(frame, target.impl())};
  } catch (const vk::VulkanError& e) {
    if (e.result == VK_ERROR_DEVICE_LOST) {
      d.lost = true;
      return {Code::DeviceLost, e.what(), 0};
    }
    if (e.result == VK_ERROR_OUT_OF_DATE_KHR || e.result == VK_SUBOPTIMAL_KHR || e.result == VK_ERROR_SURFACE_LOST_KHR)
      return {Code::OutOfDate, e.what(), 0};
    return {Code::Failed, e.what(), 0};
  } catch (const std::exception& e) {
    return {Code::Failed, e.what(), 0};
  } catch (...) {
    return {Code::Failed, "render: an unknown failure", 0};
  }
}

const FrameTimings& Renderer::last_timings() const { return impl_->timings; }

void Renderer::advance_particles(const LegFrame& frame, double dt, std::size_t slot) {
  Impl& d = *impl_;
  Leg& l = d.leg(slot, "advance_particles");
  if (l.particle_count == 0) return;
  const anatomy::ParticleInputs& in = frame.particles;
  if (in.port_outflow_m3_s.size() != l.network.ports.size() || in.segment_flow.size() != l.model->segments.size() ||
      in.inflow.size() != l.model->inflows.size() || frame.deform.segments.size() != l.model->segments.size() ||
      frame.deform.bodies.size() != l.model->leg.bodies.size() || frame.deform.valves.size() != l.model->valves.size())
    throw RenderError("advance_particles: the frame inputs do not match the leg's model (render::leg_frame makes them)");
  VkCommandBuffer cmd = d.commands->begin_once();  // every frame in flight has finished
  LegSlot& s = l.slots[0];
  d.write_leg_tables(l, s, frame, {});
  d.record_particles(cmd, l, s, dt, in, 0, true);
  vk::barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
  d.commands->submit_once();
}

std::vector<float> Renderer::particle_positions(std::size_t slot) const {
  Impl& d = *impl_;
  const Leg& l = d.leg(slot, "particle_positions");
  if (l.particle_count == 0) return {};
  const std::vector<std::uint8_t> raw = d.commands->read_back(l.positions, static_cast<VkDeviceSize>(l.particle_count) * 16);
  std::vector<float> out(raw.size() / 4);
  std::memcpy(out.data(), raw.data(), raw.size());
  return out;
}

std::vector<std::uint32_t> Renderer::particle_segments(std::size_t slot) const {
  Impl& d = *impl_;
  const Leg& l = d.leg(slot, "particle_segments");
  if (l.particle_count == 0) return {};
  const std::vector<std::uint8_t> raw = d.commands->read_back(l.particles, static_cast<VkDeviceSize>(l.particle_count) * 16);
  std::vector<std::uint32_t> out(l.particle_count);
  for (std::size_t i = 0; i < out.size(); ++i) std::memcpy(&out[i], &raw[16 * i], 4);  // (segment, f, age, id)
  return out;
}

std::vector<float> Renderer::deformed_positions(std::size_t slot) const {
  Impl& d = *impl_;
  const Leg& l = d.leg(slot, "deformed_positions");
  const std::vector<std::uint8_t> raw = d.commands->read_back(l.out, static_cast<VkDeviceSize>(l.vertex_count) * 16);
  std::vector<float> all(raw.size() / 4);
  std::memcpy(all.data(), raw.data(), raw.size());
  // back into the geometry's order
  std::vector<float> out(static_cast<std::size_t>(l.vertex_count) * 3);
  for (std::size_t v = 0; v < l.vertex_slot.size(); ++v)
    for (std::size_t k = 0; k < 3; ++k) out[3 * v + k] = all[4 * std::size_t(l.vertex_slot[v]) + k];
  return out;
}

const std::string& Renderer::device_name() const { return impl_->ctx->device_name; }

const char* Renderer::antialiasing() const {
  return impl_->ctx->samples != VK_SAMPLE_COUNT_1_BIT ? "4x multisampling" : impl_->ctx->edge_filter ? "edge filter" : "none";
}

std::uint64_t Renderer::validation_messages() const { return impl_->ctx->validation.count; }

const std::string& Renderer::first_validation_message() const { return impl_->ctx->validation.first; }

void Renderer::simulate_device_loss() { impl_->lose_next = true; }

void* Renderer::instance_handle() const { return impl_->ctx->instance; }

}  // namespace calfpump::render
