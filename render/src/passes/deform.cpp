// The deformation pass: the leg's vertices moved on the GPU for a frame's state (shaders/
// deform.comp: one specialised pipeline per tissue kind that moves, since a CPU device runs every
// branch of a shader for every vertex), then the normals (shaders/normals.comp) from the triangles
// drawn. A frame deforms only what it draws: the simplified surfaces' vertices of the structures a
// view shows, and all vertices of those a view draws in full. Vein normals come with their
// positions in closed form.

#include <cstring>

#include "renderer_impl.hpp"

namespace calfpump::render {

void Renderer::Impl::create_deform_pipelines() {
  deform_set_layout = owner->keep(vk::set_layout_of(device, kDeformBindings, VK_SHADER_STAGE_COMPUTE_BIT));
  for (Leg& l : legs)
    for (LegSlot& s : l.slots) s.deform_set = vk::allocate_set(device, descriptor_pool, deform_set_layout);
  deform_layout = owner->keep(vk::pipeline_layout(device, &deform_set_layout, VK_SHADER_STAGE_COMPUTE_BIT, 20));
  for (std::uint32_t stage = 0; stage < deform_pipelines.size(); ++stage) {
    const VkSpecializationMapEntry entry{0, 0, sizeof(std::uint32_t)};
    const VkSpecializationInfo spec{1, &entry, sizeof(std::uint32_t), &stage};
    // 0 is the normals; the kinds 1..5 deform by their own stage; the bones (kind 0) are turned
    // with the joints by stage 6
    deform_pipelines[stage] = owner->keep(stage == 0 ? vk::compute_pipeline(device, "normals.comp.spv", deform_layout)
                                                     : vk::compute_pipeline(device, "deform.comp.spv", deform_layout, &spec));
  }
}

void Renderer::Impl::write_leg_tables(Leg& l, LegSlot& s, const LegFrame& f, std::span<const SplatView> views) {
  // the deformation's tables (muscle shortening, segment areas, valve states)
  std::memcpy(s.bodies.mapped, f.deform.joints.data(), 96);
  std::memcpy(static_cast<char*>(s.bodies.mapped) + 96, f.deform.bodies.data(), f.deform.bodies.size() * 32);
  std::memcpy(s.segments.mapped, f.deform.segments.data(), f.deform.segments.size() * 16);
  std::memcpy(s.valves.mapped, f.deform.valves.data(), f.deform.valves.size() * 16);
  if (l.particle_count == 0) return;
  // the transport's inputs (anatomy::particle_inputs) and the blood's views
  const anatomy::ParticleInputs& in = f.particles;
  std::memcpy(s.port_flow.mapped, in.port_outflow_m3_s.data(), in.port_outflow_m3_s.size() * sizeof(float));
  std::memcpy(s.segment_flow.mapped, in.segment_flow.data(), in.segment_flow.size() * 16);
  std::memcpy(s.inflow.mapped, in.inflow.data(), in.inflow.size() * 8);
  if (!views.empty()) std::memcpy(s.views.mapped, views.data(), views.size_bytes());
}

void Renderer::Impl::mark_structures(const FrameDesc& frame) {
  for (std::size_t i = 0; i < leg_count; ++i) std::fill(legs[i].marks.begin(), legs[i].marks.end(), std::uint8_t{0});
  auto mark = [&](std::size_t slot, const Camera& cam, const std::array<int, 4>& viewport, std::uint32_t tissues) {
    Leg& l = legs[slot];
    const View view = make_view(cam, viewport);
    const bool whole = !simplified_view(view, frame.simplify);
    for (std::size_t si = 0; si < l.draws.size(); ++si)
      if ((tissues & tissue_bit(l.draws[si].kind)) && !outside(view.view_projection, l.draws[si].bounds) && !cut_away(cam.clip, l.draws[si].bounds))
        l.marks[si] |= static_cast<std::uint8_t>(kDrawn | (whole ? kFull : 0));
  };
  std::uint32_t shown = 0;
  for (std::size_t k = 0; k < kKinds; ++k)
    if (frame.layers[k] > 0.0f) shown |= 1u << k;
  for (std::size_t i = 0; i < leg_count; ++i)
    mark(i, leg_camera(frame, i), leg_viewport(frame.width, frame.height, i, leg_count, frame.leg_top, frame.leg_bottom), shown);
  for (const Inset& inset : frame.insets) mark(inset.slot, inset.camera, inset.viewport, inset.tissues);
}

void Renderer::Impl::record_deform(VkCommandBuffer cmd, std::size_t slot) {
  for (std::uint32_t pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < leg_count; ++i) {
      const Leg& l = legs[i];
      vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, deform_layout, 0, 1, &l.slots[slot].deform_set, 0, nullptr);
      // kind by kind (the shank's bones never move, those of the foot and thigh turn): the positions, then the normals from the triangles drawn
      // (a structure drawn in full: its full triangles; else its simplified ones); neighbouring
      // runs of vertices in one dispatch
      for (std::size_t k = 0; k < kKinds; ++k) {
        // vein and bone normals come with their positions
        if (pass == 1 && (k == static_cast<std::size_t>(anatomy::StructureKind::Vein) || k == static_cast<std::size_t>(anatomy::StructureKind::Bone)))
          continue;
        bool bound = false;
        std::uint32_t run_begin = 0, run_end = 0, run_table = 0;
        auto flush = [&]() {
          if (run_end == run_begin) return;
          if (!bound) vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, deform_pipelines[pass == 1 ? 0 : k == 0 ? kBoneStage : k]);
          bound = true;
          const std::uint32_t pc[5] = {l.vertex_count, run_begin, run_end, static_cast<std::uint32_t>(anatomy::kVeinRing), run_table};
          vkCmdPushConstants(cmd, deform_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(pc), pc);
          vkCmdDispatch(cmd, (run_end - run_begin + 63) / 64, 1, 1);
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
            const DrawRange& r = l.draws[si];
            if (static_cast<std::size_t>(r.kind) != k || !(l.marks[si] & kDrawn)) continue;
            const bool whole = (l.marks[si] & kFull) != 0;
            if (part == 1) add(r.simple_begin, r.simple_end, whole ? 0u : l.simple_adjacency);
            else if (whole) add(r.rest_begin, r.rest_end, 0u);
          }
        flush();
      }
    }
    // positions -> the normal pass; then positions, normals and particles -> drawing
    if (pass == 0)
      vk::barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT);
    else
      vk::barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT,
                  VK_PIPELINE_STAGE_VERTEX_INPUT_BIT | VK_PIPELINE_STAGE_VERTEX_SHADER_BIT,
                  VK_ACCESS_VERTEX_ATTRIBUTE_READ_BIT | VK_ACCESS_SHADER_READ_BIT);
  }
}

}  // namespace calfpump::render
