#version 450
#extension GL_GOOGLE_include_directive : require
// GPU deformation of the leg: the same maps as the CPU reference (anatomy/src/deform.cpp), one
// invocation per vertex. It runs once per moving tissue kind (kStage = the kind, vertices sorted by
// kind), so each dispatch carries only its own kind's code: a CPU device pays for every branch a
// shader has. Then normals.comp recomputes smooth normals from the triangles around each vertex.
// Every table it gathers from is a uniform texel buffer: a CPU device loads a storage buffer's
// gathered values lane by lane, and fetches texels as vectors.

layout(local_size_x = 64) in;
layout(constant_id = 0) const uint kStage = 1u;  // 1 muscle, 2 tendon, 3 skin, 4 vein, 5 valve, 6 bone

// per vertex 4 texels: position (xyz, w = structure kind: 0 bone, 1 muscle, 2 tendon, 3 skin,
// 4 vein, 5 valve), rest normal, deformation attributes 0..3 and 4..7 (anatomy/geometry.hpp; a
// bone's first attribute is the part it turns with, anatomy::bone_part)
layout(set = 0, binding = 0) uniform samplerBuffer rest;
layout(std430, set = 0, binding = 1) writeonly buffer Out { vec4 out_position[]; };
// binding 2: the positions of Out as texels, for normals.comp
layout(set = 0, binding = 3) uniform samplerBuffer frames_;     // PathFrame: 5 texels
layout(set = 0, binding = 4) uniform usamplerBuffer paths_;     // (first frame, frame count)
layout(set = 0, binding = 5) uniform usamplerBuffer vessels_;   // (first segment, segment count, veins, path)
// the pose's 6 texels (pose.glsl), then per body 2 texels: (shortening factor, first path, 0, 0),
// the tendons' pull of their proximal end (m)
layout(set = 0, binding = 6) uniform samplerBuffer bodies;
const int kPoseTexels = 6;
layout(set = 0, binding = 7) uniform samplerBuffer segments_;   // (centre t, area per vein, reference, 0)
layout(set = 0, binding = 8) uniform samplerBuffer valves;      // (zeta, incompetence, draw t, vessel)
// binding 9: the vertex -> triangles tables, for normals.comp
layout(std430, set = 0, binding = 10) writeonly buffer Normals { vec4 out_normal[]; };

layout(push_constant) uniform Push {
  uint vertex_count;
  uint begin;  // this dispatch's vertices: [begin, end) (those that never move come first and are written once, at upload)
  uint end;
  uint ring;   // vertices around a vein
  uint adjacency;  // (normals.comp)
} push;

const float kPi = 3.14159265358979;

#include "vessel.glsl"
#define POSE_TABLE bodies
#include "pose.glsl"

vec3 path_point(uint path, float s, float u, float v, float w) {
  PathFrame f = frame_at(path, s);
  return f.c.xyz + f.n.xyz * u + f.b.xyz * v + f.t.xyz * w;
}

vec3 muscle_point(vec4 a0, vec4 a1, bool deformed) {
  uint body = uint(a0.x + 0.5);
  vec4 a = texelFetch(bodies, kPoseTexels + int(2u * body));
  uint path = uint(a.y + 0.5) + uint(a0.y + 0.5);
  float l = deformed ? a.x : 1.0;
  float k = 1.0 / sqrt(l);
  return path_point(path, a0.z * l, a0.w * k, a1.x * k, a1.y * l);
}

vec3 leaflet_point(PathFrame f, vec3 centre, float radius, uint leaflet, float u, float v, float zeta, float incompetence) {
  float theta = (leaflet == 0u ? 0.0 : kPi) + kPi * u;
  float c = cos(theta), s = sin(theta);
  float side = leaflet == 0u ? 1.0 : -1.0;
  vec3 n = f.n.xyz, b = f.b.xyz, t = f.t.xyz;
  vec3 wall = centre + n * (radius * c) + b * (radius * s) + t * (-0.8 * radius * sin(kPi * u));
  float edge_arc = sin(kPi * u);
  vec3 closed = centre + n * (radius * c) + b * (side * incompetence * radius * edge_arc) + t * (0.2 * radius);
  vec3 open = centre + n * (0.92 * radius * c) + b * (0.92 * radius * s) + t * (0.9 * radius);
  vec3 edge = mix(closed, open, clamp(zeta, 0.0, 1.0));
  float belly = 0.25 * radius * sin(kPi * v) * edge_arc * (1.0 - zeta);
  return mix(wall, edge, v) - t * belly;
}

void main() {
  uint i = gl_GlobalInvocationID.x + push.begin;
  if (i >= push.end) return;
  int at = int(4u * i);
  vec3 p = texelFetch(rest, at).xyz;
  vec3 rest_position = p;
  vec3 rest_normal = texelFetch(rest, at + 1).xyz;
  vec4 a0 = texelFetch(rest, at + 2), a1 = texelFetch(rest, at + 3);
  if (kStage == 1u) {
    p = muscle_point(a0, a1, true);
  } else if (kStage == 2u) {
    p += texelFetch(bodies, kPoseTexels + int(2u * uint(a0.x + 0.5) + 1u)).xyz * (1.0 - clamp(a0.z, 0.0, 1.0));
  } else if (kStage == 3u) {
    float w = a1.z;
    if (w > 0.0) {
      vec3 m0 = muscle_point(a0, a1, false), m1 = muscle_point(a0, a1, true);
      float push_out = dot(m1 - m0, rest_normal);
      if (push_out > 0.0) p += rest_normal * (w * push_out);
    }
  } else if (kStage == 4u) {
    uint vessel = uint(a1.y + 0.5);
    uvec4 v = get_vessel(vessel);
    PathFrame f = frame_at(v.w, a0.y);
    vec2 area = vessel_area(vessel, a0.y);
    vec2 off = vein_section(a0.z, area.x, area.y, float(push.ring));
    vec3 c = tube_center(f, v.z, uint(a0.w + 0.5));
    float radial = a1.x;
    p = c + f.n.xyz * (radial * off.x) + f.b.xyz * (radial * off.y);
    // the wall's normal in closed form (the normal pass skips veins): outward in the section's
    // plane (the slow taper along the vessel left out); the end caps face along the vessel
    vec3 normal;
    if (radial > 0.5) {
      vec2 d = vein_section_tangent(a0.z, area.x, area.y, float(push.ring));
      normal = normalize(f.n.xyz * d.y - f.b.xyz * d.x);
    } else {
      normal = a0.y < 0.5 ? -f.t.xyz : f.t.xyz;
    }
    // the ring turns whole with its centre on the centerline (anatomy::Deformer::weight_point)
    vec2 w = pose_soft_weights(f.c.xyz);
    out_normal[i] = vec4(pose_vector(w, normal), 0);
    out_position[i] = vec4(pose_point(w, p), 1);
    return;
  } else if (kStage == 5u) {
    vec4 valve = texelFetch(valves, int(a0.x + 0.5));
    uint vessel = uint(valve.w + 0.5);
    uvec4 v = get_vessel(vessel);
    PathFrame f = frame_at(v.w, valve.z);
    vec3 c = tube_center(f, v.z, uint(a1.x + 0.5));
    vec2 area = vessel_area(vessel, valve.z);
    float radius = sqrt(area.x / kPi);
    p = leaflet_point(f, c, radius, uint(a0.y + 0.5), a0.z, a0.w, valve.x, valve.y);
    out_position[i] = vec4(pose_point(pose_soft_weights(f.c.xyz), p), 1);  // the leaflets turn with their valve
    return;
  }
  if (kStage == 6u) {
    // a bone turns rigidly with its part; its normal in closed form (the normal pass skips bones)
    vec2 w = pose_part_weights(uint(a0.x + 0.5));
    out_position[i] = vec4(pose_point(w, p), 1);
    out_normal[i] = vec4(pose_vector(w, rest_normal), 0);
    return;
  }
  out_position[i] = vec4(pose_point(pose_soft_weights(rest_position), p), 1);
}
