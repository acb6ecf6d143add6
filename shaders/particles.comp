#version 450
#extension GL_GOOGLE_include_directive : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#extension GL_KHR_shader_subgroup_basic : require
// GPU particle transport: the rules of the CPU reference (anatomy/src/particles.cpp) for every
// particle in parallel. A particle moves along its segment with the local mean velocity Q/A, passes
// at a segment's end into an edge carrying blood out of it (chosen in proportion to the flows),
// stops where nothing leaves (a closed competent valve), leaves at the outlet to wait at the heart
// and re-enters with the arterial inflow. Then its position in the leg is written for drawing.
// Random choices hash the particle's id with the frame, so frames are reproducible.

layout(local_size_x = 64) in;

struct Particle {
  uint segment;  // 0xffffffff: waiting at the heart
  float f;       // fraction along the segment
  float age;     // s in the leg
  uint id;
};
struct Port {
  uint edge;
  int other;     // -1: the outlet
  uint flags;    // bit 0: positive flow leaves through it; bits 1-2: end (0 distal, 1 proximal, 2 part-way)
  float entry_f;
  float at_f;
  float pad0, pad1, pad2;
};
struct PathFrame {
  vec4 c;
  vec4 t;
  vec4 n;
  vec4 b;
  vec4 r;
};

layout(std430, set = 0, binding = 0) buffer Particles { Particle particles[]; };
layout(std430, set = 0, binding = 1) writeonly buffer Positions { vec4 positions[]; };  // xyz, age
layout(std430, set = 0, binding = 2) readonly buffer Frames { PathFrame frames[]; };
layout(std430, set = 0, binding = 3) readonly buffer Paths { uvec2 paths[]; };
layout(std430, set = 0, binding = 4) readonly buffer Vessels { uvec4 vessels[]; };          // (first segment, count, veins, path)
layout(std430, set = 0, binding = 5) readonly buffer Segments { vec4 segments[]; };         // (centre t, area per vein, reference, 0)
layout(std430, set = 0, binding = 6) readonly buffer SegmentInfo { vec4 segment_info[]; };  // (vessel, s0, s1, length)
layout(std430, set = 0, binding = 7) readonly buffer PortStart { uint port_start[]; };      // per segment, n + 1
layout(std430, set = 0, binding = 8) readonly buffer Ports { Port ports[]; };
layout(std430, set = 0, binding = 9) readonly buffer Flows { float flows[]; };              // per edge, m^3/s
layout(std430, set = 0, binding = 10) readonly buffer Inflow { vec2 inflow[]; };           // (cumulative inflow, segment)
layout(std430, set = 0, binding = 11) buffer Counters { uint counters[]; };                // [0] waiting now, [1] waiting last frame

layout(push_constant) uniform Push {
  uint count;
  uint frame;
  uint inject;       // particles to re-enter this frame
  uint inflow_links;
  float dt;
  float ring;
  float pad0, pad1;
} push;

const float kPi = 3.14159265358979;

float hash01(uint a, uint b) {
  uint h = a * 0x9E3779B9u ^ (b + 0x7F4A7C15u + (a << 6) + (a >> 2));
  h ^= h >> 16; h *= 0x7feb352du; h ^= h >> 15; h *= 0x846ca68bu; h ^= h >> 16;
  return float(h >> 8) * (1.0 / 16777216.0);
}

// the flow along segment s at fraction f, and the nearest junctions above and below f (-1, 2:
// none), in one pass over its ports
float scan_segment(uint s, float f, out float above, out float below) {
  float enter = 0.0, added_before = 0.0, added = 0.0, leave = 0.0;
  above = 2.0;
  below = -1.0;
  for (uint k = port_start[s]; k < port_start[s + 1u]; ++k) {
    Port p = ports[k];
    float q = flows[p.edge];
    float inflow_q = (p.flags & 1u) != 0u ? -q : q;
    uint end = (p.flags >> 1) & 3u;
    if (end == 0u) enter += inflow_q;
    else if (end == 1u) leave -= inflow_q;
    else {
      added += inflow_q;
      if (p.at_f <= f) added_before += inflow_q;
      if (p.at_f > f) above = min(above, p.at_f);
      if (p.at_f < f) below = max(below, p.at_f);
    }
  }
  return enter + added_before + f * (leave - enter - added);
}

float flow_along(uint s, float f) {
  float above, below;
  return scan_segment(s, f, above, below);
}

const float kJunctionStep = 1e-6;  // past a junction, distally (anatomy/particles.hpp)

// a junction part-way along: a branch taking blood out of the segment there takes the particle
// with probability q_out / (q_out + q_through); returns false when the particle left
bool pass_junction(inout Particle p, float at, bool upward, uint salt) {
  float out_total = 0.0;
  for (uint k = port_start[p.segment]; k < port_start[p.segment + 1u]; ++k) {
    Port q = ports[k];
    if (((q.flags >> 1) & 3u) != 2u || q.at_f != at) continue;
    float out_q = flows[q.edge] * (((q.flags & 1u) != 0u) ? 1.0 : -1.0);
    if (out_q > 0.0) out_total += out_q;
  }
  float past = upward ? at : max(0.0, at - kJunctionStep);
  float through = max(0.0, (upward ? 1.0 : -1.0) * flow_along(p.segment, past));
  p.f = past;
  if (out_total <= 0.0) return true;
  float u = hash01(p.id, salt) * (out_total + through);
  for (uint k = port_start[p.segment]; k < port_start[p.segment + 1u]; ++k) {
    Port q = ports[k];
    if (((q.flags >> 1) & 3u) != 2u || q.at_f != at) continue;
    float out_q = flows[q.edge] * (((q.flags & 1u) != 0u) ? 1.0 : -1.0);
    if (out_q <= 0.0) continue;
    u -= out_q;
    if (u > 0.0) continue;
    if (q.other < 0) {
      p.segment = 0xffffffffu;
      return false;
    }
    p.segment = uint(q.other);
    p.f = q.entry_f;
    return true;
  }
  return true;  // on past the junction
}

// returns false when the particle is held or left
bool pass_on(inout Particle p, bool proximal, uint salt) {
  uint end = proximal ? 1u : 0u;
  float total = 0.0;
  for (uint k = port_start[p.segment]; k < port_start[p.segment + 1u]; ++k) {
    Port q = ports[k];
    uint e = (q.flags >> 1) & 3u;
    if (e != end) continue;
    float out_q = flows[q.edge] * (((q.flags & 1u) != 0u) ? 1.0 : -1.0);
    if (out_q > 0.0) total += out_q;
  }
  if (total <= 0.0) {
    p.f = proximal ? 1.0 : 0.0;
    return false;
  }
  float u = hash01(p.id, salt) * total;
  for (uint k = port_start[p.segment]; k < port_start[p.segment + 1u]; ++k) {
    Port q = ports[k];
    uint e = (q.flags >> 1) & 3u;
    if (e != end) continue;
    float out_q = flows[q.edge] * (((q.flags & 1u) != 0u) ? 1.0 : -1.0);
    if (out_q <= 0.0) continue;
    u -= out_q;
    if (u > 0.0 && k + 1u < port_start[p.segment + 1u]) continue;
    if (q.other < 0) {
      p.segment = 0xffffffffu;  // counted as waiting at the end of main
      return false;
    }
    p.segment = uint(q.other);
    p.f = q.entry_f;
    return true;
  }
  return false;
}

#include "vessel.glsl"

// the particle's new state and drawing position; waiting ones are drawn far below the floor
void step(uint i) {
  Particle p = particles[i];
  if (p.segment == 0xffffffffu) {
    // waiting at the heart: re-enter with this frame's share of the arterial inflow
    float chance = float(push.inject) / max(float(counters[1]), 1.0);
    if (hash01(p.id, push.frame * 4u + 1u) < chance && push.inflow_links > 0u) {
      float u = hash01(p.id, push.frame * 4u + 2u) * inflow[push.inflow_links - 1u].x;
      uint k = 0u;
      while (k + 1u < push.inflow_links && inflow[k].x < u) ++k;
      p.segment = uint(inflow[k].y + 0.5);
      p.f = hash01(p.id, push.frame * 4u + 3u);
      p.age = 0.0;
    } else {
      positions[i] = vec4(0, 0, -10, 0);
      return;
    }
  }
  p.age += push.dt;
  float left = push.dt;
  for (uint hop = 0u; hop < 16u && left > 0.0; ++hop) {
    vec4 info = segment_info[p.segment];
    uvec4 v = vessels[uint(info.x + 0.5)];
    float area = segments[p.segment].y * float(v.z);
    float above, below;
    float vel = scan_segment(p.segment, p.f, above, below) / max(area, 1e-12);
    if (vel == 0.0) break;
    // the next place where something happens: a junction part-way along, or the segment's end
    bool junction = vel > 0.0 ? above <= 1.0 : below >= 0.0;
    float target = junction ? (vel > 0.0 ? above : below) : (vel > 0.0 ? 1.0 : 0.0);
    float to_target = abs(target - p.f) * info.w / abs(vel);
    if (to_target > left) {
      p.f = clamp(p.f + vel * left / info.w, 0.0, 1.0);
      break;
    }
    left -= to_target;
    uint salt = push.frame * 32u + hop;
    if (junction) {
      if (!pass_junction(p, target, vel > 0.0, salt)) break;
      continue;
    }
    p.f = target;
    if (!pass_on(p, vel > 0.0, salt)) break;
  }
  particles[i] = p;
  if (p.segment == 0xffffffffu) {
    positions[i] = vec4(0, 0, -10, 0);
    return;
  }
  // where it is: on its vessel's centerline at its fraction, spread over the cross-section
  vec4 info = segment_info[p.segment];
  uint vessel = uint(info.x + 0.5);
  uvec4 v = vessels[vessel];
  float t = mix(info.y, info.z, p.f);
  PathFrame fr = frame_at(v.w, t);
  vec3 centre = tube_center(fr, v.z, p.id % v.z);
  // spread over the vein's section there (the area between segment centres, as the wall is drawn)
  vec2 area = vessel_area(vessel, t);
  float theta = 2.0 * kPi * hash01(p.id, 7u);
  float rho = 0.75 * sqrt(hash01(p.id, 11u));
  vec2 off = vein_section(theta, area.x, area.y, push.ring) * rho;
  positions[i] = vec4(centre + fr.n.xyz * off.x + fr.b.xyz * off.y, p.age);
}

void main() {
  uint i = gl_GlobalInvocationID.x;
  bool waiting = false;
  if (i < push.count) {
    step(i);
    waiting = particles[i].segment == 0xffffffffu;
  }
  // one atomic per subgroup for the waiting count (one per particle serialises on a CPU device)
  uint n = subgroupAdd(waiting ? 1u : 0u);
  if (subgroupElect() && n > 0u) atomicAdd(counters[0], n);
}
