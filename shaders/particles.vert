#version 450
// A particle as a camera-facing square, six vertices per particle, expanded around its centre.

layout(std430, set = 0, binding = 0) readonly buffer Positions { vec4 positions[]; };

layout(push_constant) uniform Push {
  mat4 view_projection;
  vec4 camera_right;  // xyz, w = sphere radius (m)
  vec4 camera_up;
} push;

layout(location = 0) out vec2 out_corner;
layout(location = 1) out float out_age;
layout(location = 2) out vec3 out_centre;

const vec2 kCorners[6] = vec2[](vec2(-1, -1), vec2(1, -1), vec2(1, 1), vec2(-1, -1), vec2(1, 1), vec2(-1, 1));

void main() {
  vec4 p = positions[gl_VertexIndex / 6];
  vec2 c = kCorners[gl_VertexIndex % 6];
  float r = push.camera_right.w;
  vec3 world = p.xyz + (push.camera_right.xyz * c.x + push.camera_up.xyz * c.y) * r;
  out_corner = c;
  out_age = p.w;
  out_centre = p.xyz;
  gl_Position = push.view_projection * vec4(world, 1.0);
}
