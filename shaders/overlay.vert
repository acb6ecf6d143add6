#version 450
// Overlay triangles in pixels (origin top-left, y down) to clip space.

layout(location = 0) in vec2 in_pixel;
layout(location = 1) in vec2 in_uv;
layout(location = 2) in vec4 in_color;

layout(push_constant) uniform Push {
  vec2 frame_size;  // pixels
} push;

layout(location = 0) out vec2 out_uv;
layout(location = 1) out vec4 out_color;

void main() {
  out_uv = in_uv;
  out_color = in_color;
  gl_Position = vec4(in_pixel / push.frame_size * 2.0 - 1.0, 0.0, 1.0);
}
