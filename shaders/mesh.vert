#version 450
// Tissue surfaces: positions and normals come from the deformed leg (leg coordinates, metres).

layout(location = 0) in vec3 in_position;
layout(location = 1) in vec3 in_normal;

layout(push_constant) uniform Push {
  mat4 view_projection;  // leg coordinates -> Vulkan clip space (y down, depth 0..1)
  vec4 color;            // rgb, alpha
  vec4 material;         // x: tissue (0 bone, 1 muscle, 2 tendon, 3 skin, 4 vein, 5 valve), yzw: eye position
  vec4 clip;             // keep where dot(clip.xyz, position) + clip.w >= 0 (the cross-section's cut; zero: all)
} push;

layout(location = 0) out vec3 out_position;
layout(location = 1) out vec3 out_normal;

out gl_PerVertex {
  vec4 gl_Position;
  float gl_ClipDistance[1];
};

void main() {
  out_position = in_position;
  out_normal = in_normal;
  gl_Position = push.view_projection * vec4(in_position, 1.0);
  // the cut: the rasterizer clips each triangle at the plane (a distance linear in the position),
  // so the fragment shader never discards and the depth test stays early
  gl_ClipDistance[0] = dot(push.clip.xyz, in_position) + push.clip.w;
}
