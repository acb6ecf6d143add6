#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#extension GL_KHR_shader_subgroup_basic : require
// GPU particle transport: the rules of anatomy/physiology/include/anatomy/particles.hpp, as the CPU
// reference (anatomy/physiology/src/particles.cpp) follows them, for every particle in parallel,
// from the same per-frame inputs (anatomy::particle_inputs). A particle moves along its segment with the local mean velocity Q/A, passes
// at a segment's end into an edge carrying blood out of it (chosen in proportion to the flows),
// stops where nothing leaves (a closed competent valve), leaves at the outlet to wait at the heart
// and re-enters with the arterial inflow: each waiting particle with chance min(1, n / w), n the
// inflow's worth of particles over the step and w the count waiting after the previous dispatch
// (the GPU's own count, in two words used in turn). Then it is placed in its vein and rasterized into its
// leg's views (splat.glsl); its position is written only when the host asks (read-back).
// Random choices hash the particle's id with the frame (anatomy::particle_hash, the same function
// and salts), so frames are reproducible.
// The tables it gathers from are uniform texel buffers, and the particles a storage texel buffer: a
// CPU device loads a storage buffer's values lane by lane, and fetches texels as vectors.

layout(local_size_x = 64) in;

struct Particle {
  uint segment;  // 0xffffffff: waiting at the heart
  float f;       // fraction along the segment
  float age;     // s in the leg
  uint id;
};

// per particle (segment, f, age, id): segment and id as integers, f and age as float bits
layout(set = 0, binding = 0, rgba32ui) uniform uimageBuffer particles;
layout(std430, set = 0, binding = 1) writeonly buffer Positions { vec4 positions[]; };  // xyz, age
layout(set = 0, binding = 2) uniform samplerBuffer frames_;    // PathFrame: 5 texels
layout(set = 0, binding = 3) uniform usamplerBuffer paths_;
layout(set = 0, binding = 4) uniform usamplerBuffer vessels_;  // (first segment, count, veins, path)
layout(set = 0, binding = 5) uniform samplerBuffer segments_;  // (centre t, area per vein, reference, 0)
layout(set = 0, binding = 6) uniform samplerBuffer segment_info;  // (vessel, s0, s1, length)
// per segment: where its distal-end ports, proximal-end ports and part-way ports begin, and their end
layout(set = 0, binding = 7) uniform usamplerBuffer port_start;
// per port: the segment it leads into (-1: the outlet), where a particle enters that segment, and
// for part-way ports where along this segment it is (the last two as float bits)
layout(set = 0, binding = 8) uniform isamplerBuffer ports;
layout(set = 0, binding = 9) uniform samplerBuffer port_flow;   // per port: out of its segment, m^3/s
layout(set = 0, binding = 10) uniform samplerBuffer inflow;     // (cumulative inflow, segment)
// waiting: [read] after the last dispatch, [count] counted now, [zero] zeroed for the next one
layout(std430, set = 0, binding = 11) buffer Counters { uint counters[]; };
// per segment this frame: flow A + f B between junctions (m^3/s), the whole section's area (m^2)
layout(set = 0, binding = 12) uniform samplerBuffer segment_flow;
// the vessels' centerlines for placing particles: per frame its centre and radius, and its
// section's axes n, b as half floats; per segment (first frame of its vessel, frames, veins,
// previous | next segment along the vessel << 16)
layout(set = 0, binding = 13) uniform samplerBuffer centres;
layout(set = 0, binding = 14) uniform usamplerBuffer axes;
layout(set = 0, binding = 15) uniform usamplerBuffer places;
// binding 16: the views (splat.glsl), 17: the splat words
// the leg's pose: the deformation's bodies table, whose first 6 texels are the joints (pose.glsl)
layout(set = 0, binding = 18) uniform samplerBuffer pose_table;

layout(push_constant) uniform Push {
  uint count;
  uint frame;
  uint inflow_links;
  uint views;        // views of this leg the blood is drawn into (splat.glsl)
  float dt;
  float ring;
  float expected;    // the arterial inflow's worth of particles over dt
  // bit 0: write each particle's position for read-back (Renderer::particle_positions; frames do
  // not); bits 1-2: the waiting counters' phase p: count into p, read p - 1, zero p + 1 (mod 3)
  uint flags;
} push;

bool write_positions() { return (push.flags & 1u) != 0u; }
uint count_counter() { return (push.flags >> 1) & 3u; }
uint read_counter() { return (count_counter() + 2u) % 3u; }
uint zero_counter() { return (count_counter() + 1u) % 3u; }

const float kPi = 3.14159265358979;

float port_at(uint k) { return intBitsToFloat(texelFetch(ports, int(k)).z); }
float port_q(uint k) { return texelFetch(port_flow, int(k)).x; }

// the views of this leg this frame (its own view, its close-ups) and the frame's splat words
#define SPLAT_VIEWS_BINDING 16
#define SPLAT_WORDS_BINDING 17
#include "splat.glsl"

float hash01(uint a, uint b) {
  uint h = a * 0x9E3779B9u ^ (b + 0x7F4A7C15u + (a << 6) + (a >> 2));
  h ^= h >> 16; h *= 0x7feb352du; h ^= h >> 15; h *= 0x846ca68bu; h ^= h >> 16;
  return float(h >> 8) * (1.0 / 16777216.0);
}

// The flow along segment s at fraction f, and the nearest junctions above and below f (-1, 2:
// none). Only the part-way ports are read (most segments have none): the per-frame tables carry
// what the ports would give, so a particle reads a few numbers, not the network around it.
float scan_segment(float f, vec4 sf, uvec4 range, out float above, out float below) {
  float added_before = 0.0;
  above = 2.0;
  below = -1.0;
  for (uint k = range.z; k < range.w; ++k) {
    float at = port_at(k);
    if (at <= f) added_before -= port_q(k);
    if (at > f) above = min(above, at);
    if (at < f) below = max(below, at);
  }
  return sf.x + added_before + f * sf.y;
}

const float kJunctionStep = 1e-6;  // past a junction, distally (anatomy/particles.hpp)

// The way on from a place on the particle's segment where something happens: its distal (end 0) or
// proximal (end 1) end, or a junction part-way along at fraction `at` (end 2). Each port there
// carrying blood out takes the particle in proportion to its flow; at a junction the segment
// itself, past the junction, takes it in proportion to the flow going on through. One pass over
// the ports (a CPU device runs every loop of a shader for every particle of a group): the flows
// along the segment for the through-flow, and a weighted choice among the exits as they come
// (weighted reservoir sampling: exit k is kept with probability q_k / (sum of q so far), which
// leaves each exit chosen with probability q_k / total). Returns false when the particle is held
// (nothing leaves) or left the leg.
bool pass(inout Particle p, uint end, float at, bool upward, uint salt, vec4 sf, uvec4 range) {
  float past = end == 2u ? (upward ? at : max(0.0, at - kJunctionStep)) : (end == 1u ? 1.0 : 0.0);
  uint first = end == 0u ? range.x : (end == 1u ? range.y : range.z);
  uint last = end == 0u ? range.y : (end == 1u ? range.z : range.w);
  float added_before = 0.0, total = 0.0;
  int chosen = -1;
  for (uint k = first; k < last; ++k) {
    float out_q = port_q(k);
    bool here = true;
    if (end == 2u) {
      float at_k = port_at(k);
      if (at_k <= past) added_before -= out_q;
      here = at_k == at;
    }
    if (here && out_q > 0.0) {
      total += out_q;
      if (hash01(p.id, salt * 16u + (k - first)) * total < out_q) chosen = int(k);
    }
  }
  if (end == 2u) {
    float through = max(0.0, (upward ? 1.0 : -1.0) * (sf.x + added_before + past * sf.y));
    total += through;
    if (through > 0.0 && hash01(p.id, salt * 16u + 15u) * total < through) chosen = -1;
    p.f = past;
    if (chosen < 0) return true;  // on past the junction (or nothing leaves there)
  } else if (chosen < 0) {
    p.f = past;  // held at its end
    return false;
  }
  ivec4 q = texelFetch(ports, chosen);
  if (q.x < 0) {
    p.segment = 0xffffffffu;  // counted as waiting at the end of main
    return false;
  }
  p.segment = uint(q.x);
  p.f = intBitsToFloat(q.y);
  return true;
}

#include "vessel.glsl"
#define POSE_TABLE pose_table
#include "pose.glsl"

// Placing a particle reads as few numbers as it can (on a CPU device each fetch is paid for every
// particle of a group): the area at t on segment s, linear between s's centre and the neighbour's
// centre on t's side (vessel_area without its search) ...
vec2 segment_area(uint s, uint neighbours, float t) {
  vec3 c = get_segment(s).xyz;
  uint o = t >= c.x ? neighbours >> 16 : neighbours & 0xffffu;
  if (o == s) return c.yz;
  vec3 n = get_segment(o).xyz;
  float u = clamp((t - c.x) / (n.x - c.x), 0.0, 1.0);
  return mix(c.yz, n.yz, u);
}

// ... and the centerline frame at s: the centre and radius interpolated, the section's axes of the
// frame below s (neighbouring frames are a few millimetres apart and differ by a few degrees)
PathFrame frame_near(uint first, uint count, float s) {
  float x = clamp(s, 0.0, 1.0) * float(count - 1u);
  uint i = min(uint(x), count - 2u);
  float u = x - float(i);
  uint a = first + i;
  vec4 ca = texelFetch(centres, int(a)), cb = texelFetch(centres, int(a + 1u));
  uvec3 ax = texelFetch(axes, int(a)).xyz;
  vec2 n_xy = unpackHalf2x16(ax.x), nz_bx = unpackHalf2x16(ax.y), b_yz = unpackHalf2x16(ax.z);
  PathFrame f;
  f.c = vec4(mix(ca.xyz, cb.xyz, u), 1.0);
  f.t = vec4(0.0);
  f.n = vec4(n_xy, nz_bx.x, 0.0);
  f.b = vec4(nz_bx.y, b_yz, 0.0);
  f.r = vec4(mix(ca.w, cb.w, u), 0.0, 0.0, 0.0);
  return f;
}

// the particle's new state and drawing position; waiting ones are drawn far below the floor.
// Returns whether it waits at the heart.
bool step(uint i) {
  uvec4 state = imageLoad(particles, int(i));
  Particle p;
  p.segment = state.x;
  p.f = uintBitsToFloat(state.y);
  p.age = uintBitsToFloat(state.z);
  p.id = i;  // the id is the index
  if (p.segment == 0xffffffffu) {
    // waiting at the heart: re-enter with this frame's share of the arterial inflow
    float chance = min(1.0, push.expected / max(float(counters[read_counter()]), 1.0));
    if (hash01(p.id, push.frame * 4u + 1u) < chance && push.inflow_links > 0u) {
      float u = hash01(p.id, push.frame * 4u + 2u) * texelFetch(inflow, int(push.inflow_links - 1u)).x;
      uint k = 0u;
      while (k + 1u < push.inflow_links && texelFetch(inflow, int(k)).x < u) ++k;
      p.segment = uint(texelFetch(inflow, int(k)).y + 0.5);
      p.f = hash01(p.id, push.frame * 4u + 3u);
      p.age = 0.0;
    } else {
      if (write_positions()) positions[i] = vec4(0, 0, -10, 0);
      return true;
    }
  }
  p.age += push.dt;
  float left = push.dt;
  for (uint hop = 0u; hop < 16u && left > 0.0; ++hop) {
    float len = texelFetch(segment_info, int(p.segment)).w;
    vec4 sf = texelFetch(segment_flow, int(p.segment));
    uvec4 range = texelFetch(port_start, int(p.segment));
    float above, below;
    float vel = scan_segment(p.f, sf, range, above, below) / max(sf.z, 1e-12);
    if (vel == 0.0) break;
    // the next place where something happens: a junction part-way along, or the segment's end
    bool junction = vel > 0.0 ? above <= 1.0 : below >= 0.0;
    float target = junction ? (vel > 0.0 ? above : below) : (vel > 0.0 ? 1.0 : 0.0);
    float to_target = abs(target - p.f) * len / abs(vel);
    if (to_target > left) {
      p.f = clamp(p.f + vel * left / len, 0.0, 1.0);
      break;
    }
    left -= to_target;
    uint salt = push.frame * 32u + hop;
    if (!pass(p, junction ? 2u : (vel > 0.0 ? 1u : 0u), target, vel > 0.0, salt, sf, range)) break;
  }
  imageStore(particles, int(i), uvec4(p.segment, floatBitsToUint(p.f), floatBitsToUint(p.age), i));
  if (p.segment == 0xffffffffu) {
    if (write_positions()) positions[i] = vec4(0, 0, -10, 0);
    return true;
  }
  // where it is: on its vessel's centerline at its fraction, spread over the cross-section
  vec2 span = texelFetch(segment_info, int(p.segment)).yz;
  uvec4 place = texelFetch(places, int(p.segment));
  float t = mix(span.x, span.y, p.f);
  PathFrame fr = frame_near(place.x, place.y, t);
  vec3 centre = tube_center(fr, place.z, p.id % place.z);
  // spread over the vein's section there (the area between segment centres, as the wall is drawn)
  vec2 area = segment_area(p.segment, place.w, t);
  float theta = 2.0 * kPi * hash01(p.id, 7u);
  float rho = 0.75 * sqrt(hash01(p.id, 11u));
  vec2 off = vein_section(theta, area.x, area.y, push.ring) * rho;
  vec3 at = centre + fr.n.xyz * off.x + fr.b.xyz * off.y;
  at = pose_point(pose_soft_weights(fr.c.xyz), at);  // turned with its vein's ring (anatomy::Deformer::particle_place)
  if (write_positions()) positions[i] = vec4(at, p.age);
  // the views by constant index: a CPU device then reads each number once for all particles (with
  // a loop's index it gathers them lane by lane)
  if (push.views > 0u) splat_sphere(views[0], at, p.age);
  if (push.views > 1u) splat_sphere(views[1], at, p.age);
  return false;
}

void main() {
  uint i = gl_GlobalInvocationID.x;
  bool waiting = false;
  if (i < push.count) {
    waiting = step(i);
  }
  // one atomic per subgroup for the waiting count (one per particle serialises on a CPU device)
  uint n = subgroupAdd(waiting ? 1u : 0u);
  if (subgroupElect() && n > 0u) atomicAdd(counters[count_counter()], n);
  if (gl_GlobalInvocationID.x == 0u) counters[zero_counter()] = 0u;  // the next dispatch counts into it
}
