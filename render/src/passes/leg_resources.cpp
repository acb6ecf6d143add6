// A leg's resources on the GPU, uploaded once: its meshes with their simplified surfaces, swept
// paths and deformation tables (set_leg), its blood particles and the particle network's tables
// (set_particles), and the overlay's font atlases.

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "anatomy/pose.hpp"
#include "renderer_impl.hpp"

namespace calfpump::render {

namespace {

// A structure's surface with fewer triangles, for views where a millimetre is under a pixel
// (anatomy::simplified_indices: edge collapses within kLodErrorM, borders kept)
std::vector<std::uint32_t> simplified(const anatomy::StructureMesh& s) { return anatomy::simplified_indices(s, kLodErrorM, 50); }

}  // namespace

void Renderer::Impl::release_leg(Leg& l) {
  release_particles(l);
  for (vk::Buffer* b : {&l.rest, &l.out, &l.normals, &l.frames, &l.path_table, &l.vessels, &l.adjacency, &l.indices}) b->reset();
  for (LegSlot& s : l.slots)
    for (vk::Buffer* b : {&s.bodies, &s.segments, &s.valves}) b->reset();
  l.draws.clear();
  l.model = nullptr;
}

void Renderer::Impl::release_particles(Leg& l) {
  for (vk::Buffer* b : {&l.particles, &l.positions, &l.segment_info, &l.port_start, &l.ports, &l.centres, &l.axes, &l.places, &l.counters})
    b->reset();
  for (LegSlot& s : l.slots)
    for (vk::Buffer* b : {&s.port_flow, &s.segment_flow, &s.inflow, &s.views}) b->reset();
  l.particle_count = 0;
}

void Renderer::Impl::upload_leg(const anatomy::Model& model, const anatomy::LegGeometry& rest, std::size_t slot) {
  if (slot >= kMaxLegs) throw RenderError(fmt::format("set_leg: slot {} is out of range; a frame shows at most {} legs", slot, kMaxLegs));
  if (slot > leg_count) throw RenderError(fmt::format("set_leg: slot {} given before slot {}; slots are filled in order", slot, leg_count));
  commands->wait_all();
  Leg& l = legs[slot];
  release_leg(l);
  l.model = &model;
  l.shape = {model.segments.size(), model.edges.size(), model.valves.size(), model.inflows.size(), model.leg.bodies.size(), model.leg.vessels.size()};
  l.paths = anatomy::make_leg_paths(model.leg);
  l.network = anatomy::make_particle_network(model);
  leg_count = std::max(leg_count, slot + 1);

  // all structures in one vertex array and one index array
  struct VertexIn {
    float position[4], normal[4], a[8];
  };
  std::vector<VertexIn> verts;
  std::vector<std::uint32_t> indices;
  std::vector<std::vector<std::uint32_t>> lod;  // per structure, its simplified triangles
  std::vector<std::uint32_t> structure_base;    // per structure, its first vertex (and the end last)
  std::vector<char> moves_with_joints;          // per vertex: a joint turns it
  const std::array<double, 5> range = anatomy::joint_range(model.leg);
  const bool lifts = range[4] > 0.0;  // a raise lifts the whole leg: then every vertex moves
  for (std::size_t si = 0; si < rest.structures.size(); ++si) {
    const auto& s = rest.structures[si];
    const auto base = static_cast<std::uint32_t>(verts.size());
    structure_base.push_back(base);
    const int bone_part = s.kind == anatomy::StructureKind::Bone ? anatomy::bone_part(model.leg, s.name) : 0;
    for (std::size_t v = 0; v < s.vertex_count(); ++v) {
      VertexIn vi{};
      for (int k = 0; k < 3; ++k) {
        vi.position[k] = s.positions[3 * v + std::size_t(k)];
        vi.normal[k] = s.normals[3 * v + std::size_t(k)];
      }
      vi.position[3] = static_cast<float>(s.kind);
      for (int k = 0; k < anatomy::kAttributeCount; ++k) vi.a[k] = s.attributes[v * anatomy::kAttributeCount + std::size_t(k)];
      if (s.kind == anatomy::StructureKind::Bone) vi.a[0] = static_cast<float>(bone_part);  // bones have no attributes of their own
      verts.push_back(vi);
    }
    DrawRange r;
    r.first_index = static_cast<std::uint32_t>(indices.size());
    r.index_count = static_cast<std::uint32_t>(s.indices.size());
    r.kind = s.kind;
    // 3 cm covers what the deformation can move a surface: muscles thicken, veins fill, the skin
    // follows the muscles
    constexpr float kPad = 0.03f;
    r.bounds = {1e9f, 1e9f, 1e9f, -1e9f, -1e9f, -1e9f};
    // and wherever the joints turn it over their range (sampled finely enough that the arcs
    // between samples stay inside the pad)
    std::vector<anatomy::LegPose> poses;
    for (int i = 0; i <= 6; ++i)
      for (int j = 0; j <= 6; ++j)
        poses.push_back(anatomy::leg_pose(model.leg, range[0] + (range[1] - range[0]) * i / 6.0, range[2] + (range[3] - range[2]) * j / 6.0));
    for (std::size_t v = 0; v < s.vertex_count(); ++v) {
      const anatomy::Point3 p{s.positions[3 * v], s.positions[3 * v + 1], s.positions[3 * v + 2]};
      const auto w = s.kind == anatomy::StructureKind::Bone ? anatomy::part_weights(bone_part) : anatomy::soft_weights(poses[0], p);
      const bool turns = w[0] != 0.0 || w[1] != 0.0;
      for (std::size_t q = 0; q < (turns ? poses.size() : 1); ++q) {
        const anatomy::Point3 at = turns ? anatomy::pose_point(poses[q], w, p) : p;
        for (std::size_t k = 0; k < 3; ++k) {
          r.bounds[k] = std::min(r.bounds[k], static_cast<float>(at[k]) - kPad);
          r.bounds[3 + k] = std::max(r.bounds[3 + k], static_cast<float>(at[k] + (k == 2 ? range[4] : 0.0)) + kPad);
        }
      }
      moves_with_joints.push_back(turns || lifts ? 1 : 0);
    }
    l.draws.push_back(r);
    for (std::uint32_t i : s.indices) indices.push_back(base + i);
    lod.push_back(simplified(s));
    for (std::uint32_t& i : lod.back()) i += base;
  }
  l.vertex_count = static_cast<std::uint32_t>(verts.size());

  // Vertices that never move go first: bone of the shank, and skin that no muscle pushes (weight
  // 0) and no joint turns, whose triangles are all such, so that its normal never changes either. Their deformed copy is written
  // here once; the per-frame passes start after them.
  std::vector<char> still(l.vertex_count, 0);
  for (std::uint32_t v = 0; v < l.vertex_count; ++v) {
    const auto kind = static_cast<anatomy::StructureKind>(static_cast<int>(verts[v].position[3] + 0.5f));
    still[v] = !moves_with_joints[v] && (kind == anatomy::StructureKind::Bone || (kind == anatomy::StructureKind::Skin && verts[v].a[6] <= 0.0f));
  }
  std::vector<char> fixed = still;
  for (std::size_t t = 0; t + 2 < indices.size(); t += 3) {
    const bool all = still[indices[t]] && still[indices[t + 1]] && still[indices[t + 2]];
    if (!all)
      for (int k = 0; k < 3; ++k) fixed[indices[t + std::size_t(k)]] = 0;
  }
  // then the moving ones by kind (each kind deformed by its own pipeline): first the vertices of
  // the kind's simplified surfaces, structure by structure, then the others, structure by
  // structure; a frame deforms the simplified part of every structure a view shows and the rest
  // only of those a view draws in full
  structure_base.push_back(static_cast<std::uint32_t>(verts.size()));
  std::vector<std::uint32_t> slot_of(l.vertex_count);  // geometry order -> buffer order
  std::uint32_t next = 0;
  for (std::uint32_t v = 0; v < l.vertex_count; ++v)
    if (fixed[v]) slot_of[v] = next++;
  std::vector<char> simple(l.vertex_count, 0);
  for (const auto& tris : lod)
    for (std::uint32_t v : tris) simple[v] = 1;
  for (std::size_t k = 0; k < kKinds; ++k)
    for (int part = 1; part >= 0; --part)
      for (std::size_t si = 0; si < l.draws.size(); ++si) {
        if (static_cast<std::size_t>(l.draws[si].kind) != k) continue;
        (part == 1 ? l.draws[si].simple_begin : l.draws[si].rest_begin) = next;
        for (std::uint32_t v = structure_base[si]; v < structure_base[si + 1]; ++v)
          if (!fixed[v] && (simple[v] != 0) == (part == 1)) slot_of[v] = next++;
        (part == 1 ? l.draws[si].simple_end : l.draws[si].rest_end) = next;
      }
  l.marks.assign(l.draws.size(), 0);
  std::vector<VertexIn> ordered(verts.size());
  for (std::uint32_t v = 0; v < l.vertex_count; ++v) ordered[slot_of[v]] = verts[v];
  verts.swap(ordered);
  for (std::uint32_t& i : indices) i = slot_of[i];
  l.vertex_slot = std::move(slot_of);
  const std::size_t full_index_count = indices.size();
  // the simplified surfaces after the full ones in the index buffer; they use a subset of the full
  // surfaces' vertices, so the same deformation moves them (with normals from the simplified
  // triangles when no view of the frame draws that structure in full)
  for (std::size_t si = 0; si < lod.size(); ++si) {
    l.draws[si].lod_first_index = static_cast<std::uint32_t>(indices.size());
    l.draws[si].lod_index_count = static_cast<std::uint32_t>(lod[si].size());
    for (std::uint32_t i : lod[si]) indices.push_back(l.vertex_slot[i]);
  }
  // the deformed positions and normals, at rest until a frame moves them
  std::vector<float> out(static_cast<std::size_t>(l.vertex_count) * 4), out_normals(out.size());
  for (std::uint32_t v = 0; v < l.vertex_count; ++v)
    for (int k = 0; k < 4; ++k) {
      out[4 * v + std::size_t(k)] = k < 3 ? verts[v].position[k] : 1.0f;
      out_normals[4 * v + std::size_t(k)] = k < 3 ? verts[v].normal[k] : 0.0f;
    }
  // vertex -> triangles tables, of the full surfaces and then of the simplified ones: offsets
  // (n + 1), then for each triangle around the vertex its other two corners in the triangle's order
  // (the normal pass reads 2 numbers and 2 positions per triangle, not a triangle number, its 3
  // corners and 3 positions)
  std::vector<std::uint32_t> adjacency;
  auto add_table = [&](std::size_t first_triangle, std::size_t end_triangle) {
    const std::size_t base = adjacency.size();
    adjacency.resize(base + l.vertex_count + 1, 0);
    std::uint32_t* offsets = adjacency.data() + base;
    for (std::size_t t = first_triangle; t < end_triangle; ++t)
      for (std::size_t k = 0; k < 3; ++k) ++offsets[indices[3 * t + k] + 1];
    for (std::uint32_t v = 0; v < l.vertex_count; ++v) offsets[v + 1] += offsets[v];
    std::vector<std::uint32_t> fill(offsets, offsets + l.vertex_count);
    std::vector<std::uint32_t> pairs(2 * std::size_t(offsets[l.vertex_count]));
    for (std::size_t t = first_triangle; t < end_triangle; ++t)
      for (std::size_t k = 0; k < 3; ++k) {
        const std::uint32_t at = fill[indices[3 * t + k]]++;
        pairs[2 * std::size_t(at)] = indices[3 * t + (k + 1) % 3];
        pairs[2 * std::size_t(at) + 1] = indices[3 * t + (k + 2) % 3];
      }
    adjacency.insert(adjacency.end(), pairs.begin(), pairs.end());
  };
  add_table(0, full_index_count / 3);
  l.simple_adjacency = static_cast<std::uint32_t>(adjacency.size());
  add_table(full_index_count / 3, indices.size() / 3);

  // the swept paths: bodies' sweeps first, then vessels
  struct Frame {
    float c[4], t[4], n[4], b[4], r[4];
  };
  std::vector<Frame> frames;
  std::vector<std::array<std::uint32_t, 2>> path_table;
  auto add_path = [&](const anatomy::SweepPath& p) {
    path_table.push_back({static_cast<std::uint32_t>(frames.size()), static_cast<std::uint32_t>(p.frames.size())});
    for (const auto& f : p.frames) {
      Frame g{};
      for (int k = 0; k < 3; ++k) {
        g.c[k] = static_cast<float>(f.c[std::size_t(k)]);
        g.t[k] = static_cast<float>(f.t[std::size_t(k)]);
        g.n[k] = static_cast<float>(f.n[std::size_t(k)]);
        g.b[k] = static_cast<float>(f.b[std::size_t(k)]);
      }
      g.r[0] = static_cast<float>(f.rx);
      g.r[1] = static_cast<float>(f.ry);
      frames.push_back(g);
    }
  };
  for (const auto& body : l.paths.bodies)
    for (const auto& p : body) add_path(p);
  const auto vessel_path_base = static_cast<std::uint32_t>(path_table.size());
  for (const auto& p : l.paths.vessels) add_path(p);
  std::vector<std::array<std::uint32_t, 4>> vessels(model.leg.vessels.size(), {0, 0, 1, 0});
  for (std::size_t vi = 0; vi < vessels.size(); ++vi) {
    std::uint32_t first = 0, count = 0;
    for (std::size_t i = 0; i < model.segments.size(); ++i)
      if (model.segments[i].vessel == static_cast<int>(vi)) {
        if (count == 0) first = static_cast<std::uint32_t>(i);
        ++count;
      }
    vessels[vi] = {first, count, static_cast<std::uint32_t>(model.leg.vessels[vi].count), vessel_path_base + static_cast<std::uint32_t>(vi)};
  }

  constexpr VkBufferUsageFlags kTexelUse = VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT;
  constexpr VkFormat kF4 = VK_FORMAT_R32G32B32A32_SFLOAT, kU4 = VK_FORMAT_R32G32B32A32_UINT;
  const vk::Context& c = *ctx;
  l.rest = commands->upload(verts, kTexelUse);
  l.out = commands->upload(out, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | kTexelUse | VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
  l.normals = commands->upload(out_normals, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_VERTEX_BUFFER_BIT);
  l.frames = commands->upload(frames, kTexelUse);
  l.path_table = commands->upload(path_table, kTexelUse);
  l.vessels = commands->upload(vessels, kTexelUse);
  l.adjacency = commands->upload(adjacency, kTexelUse);
  l.indices = commands->upload(indices, VK_BUFFER_USAGE_INDEX_BUFFER_BIT);
  l.rest.texel_view(c, kF4, 16, "the rest vertices");
  l.out.texel_view(c, kF4, 16, "the deformed positions");
  l.frames.texel_view(c, kF4, 16, "the swept paths' frames");
  l.path_table.texel_view(c, VK_FORMAT_R32G32_UINT, 8, "the swept paths");
  l.vessels.texel_view(c, kU4, 16, "the vessels");
  l.adjacency.texel_view(c, VK_FORMAT_R32_UINT, 4, "the vertex -> triangles table");
  // the tables a frame rewrites, one set per frame in flight
  for (LegSlot& s : l.slots) {
    // the pose's 6 texels (anatomy::DeformFrame::joints), then 2 per body
    s.bodies = vk::Buffer(c, 96 + model.leg.bodies.size() * 32, kTexelUse, vk::BufferDomain::Host);
    s.segments = vk::Buffer(c, model.segments.size() * 16, kTexelUse, vk::BufferDomain::Host);
    s.valves = vk::Buffer(c, model.valves.size() * 16, kTexelUse, vk::BufferDomain::Host);
    s.bodies.texel_view(c, kF4, 16, "the pose and the muscle bodies");
    s.segments.texel_view(c, kF4, 16, "the segments");
    s.valves.texel_view(c, kF4, 16, "the valves");
    vk::write_set(device, s.deform_set,
                  std::array<const vk::Buffer*, 11>{&l.rest, &l.out, &l.out, &l.frames, &l.path_table, &l.vessels, &s.bodies, &s.segments,
                                                    &s.valves, &l.adjacency, &l.normals},
                  kDeformBindings);
  }
}

void Renderer::Impl::upload_particles(const anatomy::State& state, std::size_t count, std::size_t slot) {
  Leg& l = leg(slot, "set_particles");
  if (count > 16'000'000) throw RenderError(fmt::format("{} particles are too many; at most 16 million", count));
  commands->wait_all();
  release_particles(l);
  if (count == 0) return;
  const anatomy::Model& m = *l.model;
  struct GpuParticle {
    std::uint32_t segment;
    float f, age;
    std::uint32_t id;
  };
  std::vector<GpuParticle> ps;
  ps.reserve(count);
  for (const auto& p : anatomy::initial_particles(state, count))
    ps.push_back({static_cast<std::uint32_t>(p.segment), p.f, p.age_s, p.id});
  l.volume_per_particle = anatomy::particle_volume(state, count);
  l.particle_frame = 0;
  l.counter_parity = 0;
  std::vector<std::array<float, 4>> info;
  for (const auto& seg : m.segments)
    info.push_back({static_cast<float>(seg.vessel), static_cast<float>(seg.s0), static_cast<float>(seg.s1), static_cast<float>(seg.length_m)});
  // the vessels' centerlines as the particles read them (few numbers per particle): centre and
  // radius, then the section's axes as half floats; per segment, where its
  // vessel's frames are, its vein count and its neighbours along the vessel (itself at an end)
  std::vector<std::array<float, 4>> centres;
  std::vector<std::array<std::uint32_t, 4>> axes;
  std::vector<std::uint32_t> path_first;
  for (const auto& path : l.paths.vessels) {
    path_first.push_back(static_cast<std::uint32_t>(centres.size()));
    for (const auto& f : path.frames) {
      centres.push_back({static_cast<float>(f.c[0]), static_cast<float>(f.c[1]), static_cast<float>(f.c[2]), static_cast<float>(f.rx)});
      axes.push_back({vk::half_pair(f.n[0], f.n[1]), vk::half_pair(f.n[2], f.b[0]), vk::half_pair(f.b[1], f.b[2]), 0});
    }
  }
  std::vector<std::array<std::uint32_t, 4>> places;
  for (std::size_t si = 0; si < m.segments.size(); ++si) {
    const auto& seg = m.segments[si];
    const auto v = static_cast<std::size_t>(seg.vessel);
    auto same = [&](std::size_t o) { return o < m.segments.size() && m.segments[o].vessel == seg.vessel; };
    const auto prev = static_cast<std::uint32_t>(si > 0 && same(si - 1) ? si - 1 : si);
    const auto next = static_cast<std::uint32_t>(same(si + 1) ? si + 1 : si);
    places.push_back({path_first[v], static_cast<std::uint32_t>(l.paths.vessels[v].frames.size()), static_cast<std::uint32_t>(seg.count), prev | (next << 16)});
  }
  // the network's ports as anatomy groups them (each segment's distal-end ports, then proximal-end,
  // then part-way), so that a particle reaching one place reads only that place's ports
  struct GpuPort {
    std::int32_t other;  // -1: the outlet
    float entry_f, at_f, pad;
  };
  std::vector<GpuPort> ports;
  for (const anatomy::ParticlePort& p : l.network.ports) ports.push_back({p.other, p.entry_f, p.at_f, 0});
  const std::vector<std::array<std::uint32_t, 4>>& port_start = l.network.groups;
  constexpr VkBufferUsageFlags kStorage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT;
  constexpr VkBufferUsageFlags kTexelUse = VK_BUFFER_USAGE_UNIFORM_TEXEL_BUFFER_BIT;
  constexpr VkFormat kF4 = VK_FORMAT_R32G32B32A32_SFLOAT, kU4 = VK_FORMAT_R32G32B32A32_UINT;
  const vk::Context& c = *ctx;
  l.particle_count = static_cast<std::uint32_t>(count);
  l.particles = commands->upload(ps, VK_BUFFER_USAGE_STORAGE_TEXEL_BUFFER_BIT);
  l.positions = vk::Buffer(c, count * 16, kStorage, vk::BufferDomain::Device);
  l.segment_info = commands->upload(info, kTexelUse);
  l.port_start = commands->upload(port_start, kTexelUse);
  l.ports = commands->upload(ports, kTexelUse);
  l.centres = commands->upload(centres, kTexelUse);
  l.axes = commands->upload(axes, kTexelUse);
  l.places = commands->upload(places, kTexelUse);
  // the waiting counts, three words read, counted into and zeroed in turn (the GPU's own, never the host's)
  l.counters = commands->upload(std::vector<std::uint32_t>{0, 0, 0, 0}, kStorage);
  l.particles.texel_view(c, kU4, 16, "the particles", static_cast<VkDeviceSize>(count) * 16);
  l.segment_info.texel_view(c, kF4, 16, "the segments' spans");
  l.port_start.texel_view(c, kU4, 16, "the segments' port ranges");
  l.ports.texel_view(c, VK_FORMAT_R32G32B32A32_SINT, 16, "the ports");
  l.centres.texel_view(c, kF4, 16, "the centerlines");
  l.axes.texel_view(c, kU4, 16, "the centerlines' axes");
  l.places.texel_view(c, kU4, 16, "the segments' places");
  for (LegSlot& s : l.slots) {
    s.port_flow = vk::Buffer(c, ports.size() * 4, kTexelUse, vk::BufferDomain::Host);
    s.segment_flow = vk::Buffer(c, m.segments.size() * 16, kTexelUse, vk::BufferDomain::Host);
    s.inflow = vk::Buffer(c, m.inflows.size() * 8, kTexelUse, vk::BufferDomain::Host);
    s.views = vk::Buffer(c, kMaxViews * sizeof(SplatView), VK_BUFFER_USAGE_UNIFORM_BUFFER_BIT, vk::BufferDomain::Host);
    s.port_flow.texel_view(c, VK_FORMAT_R32_SFLOAT, 4, "the ports' flows");
    s.segment_flow.texel_view(c, kF4, 16, "the segments' flows");
    s.inflow.texel_view(c, VK_FORMAT_R32G32_SFLOAT, 8, "the inflow links");
  }
  write_particle_sets(l);
  // the positions of the first frame, before any transport
  VkCommandBuffer cmd = commands->begin_once();
  LegSlot& s = l.slots[0];
  const LegFrame f = leg_frame(m, l.paths, l.network, state);
  write_leg_tables(l, s, f, {});
  record_particles(cmd, l, s, 0.0, f.particles, 0, true);
  vk::barrier(cmd, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_ACCESS_SHADER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
  commands->submit_once();
}

void Renderer::Impl::write_particle_sets(Leg& l) {
  if (l.particle_count == 0) return;
  for (LegSlot& s : l.slots)
    vk::write_set(device, s.particle_set,
                  std::array<const vk::Buffer*, 19>{&l.particles, &l.positions, &l.frames, &l.path_table, &l.vessels, &s.segments,
                                                    &l.segment_info, &l.port_start, &l.ports, &s.port_flow, &s.inflow, &l.counters,
                                                    &s.segment_flow, &l.centres, &l.axes, &l.places, &s.views, &attachments.splat,
                                                    &s.bodies},
                  kParticleBindings);
}

// a font atlas into a sampled R8 image (staging copy), once
void Renderer::Impl::upload_atlas(int which, const FontAtlas& font) {
  if (font.width <= 0 || font.height <= 0 || font.pixels.size() != static_cast<std::size_t>(font.width) * static_cast<std::size_t>(font.height))
    throw RenderError("set_fonts: a font atlas is empty or its size does not match its pixels");
  commands->wait_all();
  atlas[which] = vk::Image(*ctx, VK_FORMAT_R8_UNORM, VK_IMAGE_USAGE_SAMPLED_BIT | VK_IMAGE_USAGE_TRANSFER_DST_BIT, VK_SAMPLE_COUNT_1_BIT,
                           VK_IMAGE_ASPECT_COLOR_BIT, font.width, font.height);
  vk::Buffer staging(*ctx, font.pixels.size(), VK_BUFFER_USAGE_TRANSFER_SRC_BIT, vk::BufferDomain::Host);
  std::memcpy(staging.mapped, font.pixels.data(), font.pixels.size());
  VkCommandBuffer cmd = commands->begin_once();
  const VkImage image = atlas[which].image;
  vk::image_barrier(cmd, image, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0, VK_ACCESS_TRANSFER_WRITE_BIT,
                    VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
  VkBufferImageCopy copy{};
  copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  copy.imageExtent = {static_cast<std::uint32_t>(font.width), static_cast<std::uint32_t>(font.height), 1};
  vkCmdCopyBufferToImage(cmd, staging.buffer, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &copy);
  vk::image_barrier(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
                    VK_ACCESS_SHADER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
  commands->submit_once();
  atlas_range[which] = font.px_range;
  vk::write_image(device, overlay_set, static_cast<std::uint32_t>(which), sampler, atlas[which].view);
}

}  // namespace calfpump::render
