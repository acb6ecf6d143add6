#version 450
#extension GL_GOOGLE_include_directive : require
// GPU deformation of the leg: the same maps as the CPU reference (anatomy/src/deform.cpp), one
// invocation per vertex. The positions pass runs once per moving tissue kind (kStage = the kind,
// vertices sorted by kind), so each dispatch carries only its own kind's code: a CPU device pays
// for every branch a shader has. Then kStage = 0 recomputes smooth normals from the triangles
// around each vertex (no atomics: a vertex -> triangles table built once, holding each triangle's
// other two corners).

layout(local_size_x = 64) in;
layout(constant_id = 0) const uint kStage = 0u;  // 0: normals; 1 muscle, 2 tendon, 3 skin, 4 vein, 5 valve: positions

struct VertexIn {
  vec4 position;   // xyz, w = structure kind (0 bone, 1 muscle, 2 tendon, 3 skin, 4 vein, 5 valve)
  vec4 normal;     // rest normal
  vec4 a0;         // deformation attributes 0..3 (anatomy/geometry.hpp)
  vec4 a1;         // attributes 4..7
};
struct PathFrame {
  vec4 c;
  vec4 t;
  vec4 n;
  vec4 b;
  vec4 r;  // rx, ry
};

layout(std430, set = 0, binding = 0) readonly buffer Rest { VertexIn rest[]; };
layout(std430, set = 0, binding = 1) buffer Out { vec4 out_position_normal[]; };  // positions, then normals
layout(std430, set = 0, binding = 2) readonly buffer Frames { PathFrame frames[]; };
layout(std430, set = 0, binding = 3) readonly buffer Paths { uvec2 paths[]; };            // (first frame, frame count)
layout(std430, set = 0, binding = 4) readonly buffer Static { uvec4 vessels[]; };         // (first segment, segment count, veins, path)
struct Body {
  vec4 a;      // (shortening factor, first path, 0, 0)
  vec4 pull;   // tendons: how far the proximal end is pulled (m)
};
layout(std430, set = 0, binding = 5) readonly buffer Bodies { Body bodies[]; };
layout(std430, set = 0, binding = 6) readonly buffer Segments { vec4 segments[]; };       // (centre t, area per vein, reference, 0)
layout(std430, set = 0, binding = 7) readonly buffer Valves { vec4 valves[]; };           // (zeta, incompetence, draw t, vessel)
// two tables, of the full surfaces then of the simplified ones; each: per vertex offsets (n + 1),
// then for each triangle around the vertex its other two corners, in order
layout(std430, set = 0, binding = 8) readonly buffer Adjacency { uint adjacency[]; };

layout(push_constant) uniform Push {
  uint vertex_count;
  uint begin;  // this dispatch's vertices: [begin, end) (those that never move come first and are written once, at upload)
  uint end;
  uint ring;   // vertices around a vein
  uint adjacency;  // normals: where the vertex -> triangles table used starts (full or simplified surfaces)
} push;

const float kPi = 3.14159265358979;

#include "vessel.glsl"

vec3 path_point(uint path, float s, float u, float v, float w) {
  PathFrame f = frame_at(path, s);
  return f.c.xyz + f.n.xyz * u + f.b.xyz * v + f.t.xyz * w;
}

vec3 muscle_point(vec4 a0, vec4 a1, bool deformed) {
  uint body = uint(a0.x + 0.5);
  uint path = uint(bodies[body].a.y + 0.5) + uint(a0.y + 0.5);
  float l = deformed ? bodies[body].a.x : 1.0;
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
  VertexIn r = rest[i];
  if (kStage == 0u) {
    // smooth normals from the deformed triangles around the vertex (area-weighted)
    uint begin = adjacency[push.adjacency + i], end = adjacency[push.adjacency + i + 1u];
    uint pairs = push.adjacency + push.vertex_count + 1u;
    vec3 p = out_position_normal[i].xyz;
    vec3 sum = vec3(0);
    for (uint k = begin; k < end; ++k) {
      uint b = adjacency[pairs + 2u * k], c = adjacency[pairs + 2u * k + 1u];
      sum += cross(out_position_normal[b].xyz - p, out_position_normal[c].xyz - p);
    }
    float l = length(sum);
    out_position_normal[push.vertex_count + i] = vec4(l > 0.0 ? sum / l : vec3(0, 0, 1), 0);
    return;
  }
  vec3 p = r.position.xyz;
  if (kStage == 1u) {
    p = muscle_point(r.a0, r.a1, true);
  } else if (kStage == 2u) {
    p += bodies[uint(r.a0.x + 0.5)].pull.xyz * (1.0 - clamp(r.a0.z, 0.0, 1.0));
  } else if (kStage == 3u) {
    float w = r.a1.z;
    if (w > 0.0) {
      vec3 m0 = muscle_point(r.a0, r.a1, false), m1 = muscle_point(r.a0, r.a1, true);
      float push_out = dot(m1 - m0, r.normal.xyz);
      if (push_out > 0.0) p += r.normal.xyz * (w * push_out);
    }
  } else if (kStage == 4u) {
    uint vessel = uint(r.a1.y + 0.5);
    uvec4 v = vessels[vessel];
    PathFrame f = frame_at(v.w, r.a0.y);
    vec2 area = vessel_area(vessel, r.a0.y);
    vec2 off = vein_section(r.a0.z, area.x, area.y, float(push.ring));
    vec3 c = tube_center(f, v.z, uint(r.a0.w + 0.5));
    float radial = r.a1.x;
    p = c + f.n.xyz * (radial * off.x) + f.b.xyz * (radial * off.y);
    // the wall's normal in closed form (the normal pass skips veins): outward in the section's
    // plane (the slow taper along the vessel left out); the end caps face along the vessel
    vec3 normal;
    if (radial > 0.5) {
      vec2 d = vein_section_tangent(r.a0.z, area.x, area.y, float(push.ring));
      normal = normalize(f.n.xyz * d.y - f.b.xyz * d.x);
    } else {
      normal = r.a0.y < 0.5 ? -f.t.xyz : f.t.xyz;
    }
    out_position_normal[push.vertex_count + i] = vec4(normal, 0);
  } else if (kStage == 5u) {
    vec4 valve = valves[uint(r.a0.x + 0.5)];
    uint vessel = uint(valve.w + 0.5);
    uvec4 v = vessels[vessel];
    PathFrame f = frame_at(v.w, valve.z);
    vec3 c = tube_center(f, v.z, uint(r.a1.x + 0.5));
    vec2 area = vessel_area(vessel, valve.z);
    float radius = sqrt(area.x / kPi);
    p = leaflet_point(f, c, radius, uint(r.a0.y + 0.5), r.a0.z, r.a0.w, valve.x, valve.y);
  }
  out_position_normal[i] = vec4(p, 1);
}
