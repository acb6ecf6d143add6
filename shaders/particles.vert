#version 450
// A particle as a camera-facing sprite around its centre: one point (gl_PointSize) where the device
// draws large points, else a square of six vertices.

layout(constant_id = 0) const bool kPoints = true;

layout(std430, set = 0, binding = 0) readonly buffer Positions { vec4 positions[]; };

layout(push_constant) uniform Push {
  mat4 view_projection;
  vec4 camera_right;  // xyz, w = sphere radius (m)
  vec4 camera_up;     // xyz, w = pixels per metre at unit distance (viewport height / (2 tan(fov / 2)))
} push;

layout(location = 0) out vec2 out_corner;
layout(location = 1) out float out_age;
layout(location = 2) out vec3 out_centre;

const vec2 kCorners[6] = vec2[](vec2(-1, -1), vec2(1, -1), vec2(1, 1), vec2(-1, -1), vec2(1, 1), vec2(-1, 1));

void main() {
  float r = push.camera_right.w;
  if (kPoints) {
    vec4 p = positions[gl_VertexIndex];
    out_corner = vec2(0);
    out_age = p.w;
    out_centre = p.xyz;
    gl_Position = push.view_projection * vec4(p.xyz, 1.0);
    // clip w is the distance along the view axis: the sphere's diameter in pixels
    gl_PointSize = clamp(2.0 * r * push.camera_up.w / max(gl_Position.w, 1e-4), 1.0, 255.0);
    return;
  }
  vec4 p = positions[gl_VertexIndex / 6];
  vec2 c = kCorners[gl_VertexIndex % 6];
  vec3 world = p.xyz + (push.camera_right.xyz * c.x + push.camera_up.xyz * c.y) * r;
  out_corner = c;
  out_age = p.w;
  out_centre = p.xyz;
  gl_Position = push.view_projection * vec4(world, 1.0);
}
