// The particle pass: the blood moved through the vessel graph by the frame's transport inputs
// (anatomy::particle_inputs; the rules in anatomy/physiology/include/anatomy/particles.hpp), placed
// in its veins and rasterized into the splat words of its leg's views, in one compute dispatch
// per leg (shaders/particles.comp with splat.glsl).

#include <cstring>

#include <fmt/format.h>

#include "renderer_impl.hpp"

namespace calfpump::render {

void Renderer::Impl::create_particle_pipelines() {
  // the views the blood is drawn into are a uniform buffer: every invocation reads the same
  // numbers (a CPU device loads a storage buffer's lane by lane)
  particle_set_layout = owner->keep(vk::set_layout_of(device, kParticleBindings, VK_SHADER_STAGE_COMPUTE_BIT));
  for (Leg& l : legs)
    for (LegSlot& s : l.slots) s.particle_set = vk::allocate_set(device, descriptor_pool, particle_set_layout);
  particle_layout = owner->keep(vk::pipeline_layout(device, &particle_set_layout, VK_SHADER_STAGE_COMPUTE_BIT, 32));
  particle_pipeline = owner->keep(vk::compute_pipeline(device, "particles.comp.spv", particle_layout));
}

namespace {

// the blood's sphere radius in a view: 0.45 mm shows the stream inside a 2-6 mm vein, and the
// valve in it, when close; from afar at least three quarters of a pixel, so that the blood stays
// visible on a projector
float blood_radius(const View& v, float asked_m) { return asked_m > 0 ? asked_m : std::max(0.00045f, 0.75f * v.metres_per_pixel); }

}  // namespace

SplatView Renderer::Impl::splat_view(const Camera& camera, const std::array<int, 4>& viewport, float blood_radius_m, std::uint32_t region) const {
  const View v = make_view(camera, viewport);
  SplatView s{};
  std::memcpy(s.view_projection, &v.view_projection[0][0], sizeof(s.view_projection));
  s.radius = blood_radius(v, blood_radius_m);
  s.pixels_per_metre = v.pixels_per_metre;
  s.depth_near = v.depth_near;
  s.depth_range = v.depth_range;
  for (std::size_t k = 0; k < 4; ++k) s.viewport[k] = viewport[k];
  s.base = static_cast<std::uint32_t>(region * frame_pixels());
  s.frame_width = static_cast<std::uint32_t>(attachments.width);
  std::memcpy(s.clip, camera.clip.data(), sizeof(s.clip));
  return s;
}

void Renderer::Impl::record_particles(VkCommandBuffer cmd, Leg& l, LegSlot& s, double dt, const anatomy::ParticleInputs& in,
                                      std::uint32_t views, bool positions) {
  // the waiting counts, three words in turn: this dispatch reads the one the last counted into,
  // counts into its own and zeroes the next one's, so that re-entry needs nothing from the host
  // and no copy or fill between dispatches
  const std::uint32_t phase = l.counter_parity;
  l.counter_parity = (phase + 1u) % 3u;
  vk::barrier(cmd, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
              VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_UNIFORM_READ_BIT);
  // earlier work on the particles (the previous dispatch) before this one rewrites them
  vk::barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
              VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT);
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, particle_pipeline);
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_COMPUTE, particle_layout, 0, 1, &s.particle_set, 0, nullptr);
  if (dt > 0) ++l.particle_frame;
  // the inflow's worth of particles over dt: each waiting particle re-enters with chance
  // expected / waiting (anatomy::reentry_chance), the waiting count being the GPU's own
  const double expected = dt > 0 && l.volume_per_particle > 0 ? in.inflow_m3_s * dt / l.volume_per_particle : 0.0;
  struct {
    std::uint32_t count, frame, links, views;
    float dt, ring, expected;
    std::uint32_t flags;  // bit 0: write positions; bits 1-2: the waiting counters' phase (0, 1, 2)
  } pc{l.particle_count, l.particle_frame, static_cast<std::uint32_t>(in.inflow.size()), views, static_cast<float>(dt),
       static_cast<float>(anatomy::kVeinRing), static_cast<float>(expected), (positions ? 1u : 0u) | (phase << 1)};
  vkCmdPushConstants(cmd, particle_layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, sizeof(pc), &pc);
  vkCmdDispatch(cmd, (l.particle_count + 63) / 64, 1, 1);
}

}  // namespace calfpump::render
