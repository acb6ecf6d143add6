#version 450
// Smooth normals of the deformed surfaces, after deform.comp has moved the positions: per vertex
// the area-weighted sum of the normals of the triangles around it. No atomics: a vertex ->
// triangles table built once holds each triangle's other two corners. Vein vertices are not
// dispatched (deform.comp writes their normals in closed form). The same descriptor set as
// deform.comp; this shader uses its bindings 2, 9 and 10 only (the positions pass must not read
// what another dispatch of it writes).

layout(local_size_x = 64) in;

layout(set = 0, binding = 2) uniform samplerBuffer deformed;  // the positions of Out
// two tables, of the full surfaces then of the simplified ones; each: per vertex offsets (n + 1),
// then for each triangle around the vertex its other two corners, in order
layout(set = 0, binding = 9) uniform usamplerBuffer adjacency;
layout(std430, set = 0, binding = 10) writeonly buffer Normals { vec4 out_normal[]; };

layout(push_constant) uniform Push {
  uint vertex_count;
  uint begin;  // this dispatch's vertices: [begin, end)
  uint end;
  uint ring;
  uint adjacency;  // where the table used starts (full or simplified surfaces)
} push;

void main() {
  uint i = gl_GlobalInvocationID.x + push.begin;
  if (i >= push.end) return;
  int begin = int(texelFetch(adjacency, int(push.adjacency + i)).x);
  int end = int(texelFetch(adjacency, int(push.adjacency + i + 1u)).x);
  int pairs = int(push.adjacency + push.vertex_count + 1u);
  vec3 p = texelFetch(deformed, int(i)).xyz;
  vec3 sum = vec3(0);
  for (int k = begin; k < end; ++k) {
    int b = int(texelFetch(adjacency, pairs + 2 * k).x), c = int(texelFetch(adjacency, pairs + 2 * k + 1).x);
    sum += cross(texelFetch(deformed, b).xyz - p, texelFetch(deformed, c).xyz - p);
  }
  float l = length(sum);
  out_normal[i] = vec4(l > 0.0 ? sum / l : vec3(0, 0, 1), 0);
}
