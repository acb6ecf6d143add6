#version 450
// Blood particles drawn by a compute rasterizer: every particle is a sphere; each pixel it covers
// keeps the nearest sphere surface with one atomicMin on a packed word (front-surface depth in the
// high bits, so the nearest wins; then the particle's age and where on the sphere the pixel is, for
// shading). splat.frag turns the words into colour and depth inside the render pass, where the
// tissue's depth hides what lies behind it. A point-sprite pipeline costs a CPU device's single
// geometry thread a primitive per particle; here the particles spread over all cores, and a GPU
// runs it as fast as a sprite pass.
//
// Word: depth (18 bits: view depth within [depth_near, depth_near + depth_range]) << 14 |
//       age (6 bits, 0..63 s) << 8 | sphere x (4 bits) << 4 | sphere y (4 bits); 0xffffffff: empty.

layout(local_size_x = 64) in;

layout(std430, set = 0, binding = 0) readonly buffer Positions { vec4 positions[]; };  // xyz, age (s)
layout(std430, set = 0, binding = 1) buffer Splat { uint splat[]; };                   // one word per pixel of the frame

layout(push_constant) uniform Push {
  mat4 view_projection;  // leg coordinates -> clip space; clip w is the view depth
  float radius;          // sphere radius (m)
  float pixels_per_metre;  // at unit view depth: viewport height / (2 tan(fov / 2))
  float depth_near;      // view depth of code 0 (m)
  float depth_range;     // view depths coded (m)
  ivec4 viewport;        // x, y, width, height (pixels)
  uint frame_width;
  uint count;
  float min_radius_px;   // smallest sphere drawn: a pixel's worth
  uint pad;
} push;

const float kDepthCodes = 262143.0;  // 2^18 - 1

void main() {
  uint i = gl_GlobalInvocationID.x;
  if (i >= push.count) return;
  vec4 p = positions[i];
  vec4 clip = push.view_projection * vec4(p.xyz, 1.0);
  float w = clip.w;
  if (w <= push.depth_near) return;  // behind the near plane (waiting particles are far below the floor, off screen)
  vec2 ndc = clip.xy / w;
  vec2 centre = vec2(push.viewport.xy) + (ndc * 0.5 + 0.5) * vec2(push.viewport.zw);  // pixels, y down
  // at most 12 pixels: the 4-bit sphere coordinates shade a sphere that size smoothly, and a very
  // close camera cannot make one particle cover the frame
  float r = clamp(push.radius * push.pixels_per_metre / w, push.min_radius_px, 12.0);
  // pixels whose centres fall in the disc (at least the pixel holding the centre)
  ivec2 lo = max(ivec2(ceil(centre - r - 0.5)), push.viewport.xy);
  ivec2 hi = min(ivec2(floor(centre + r - 0.5)), push.viewport.xy + push.viewport.zw - 1);
  ivec2 own = ivec2(floor(centre));
  if (own.x < push.viewport.x || own.y < push.viewport.y || own.x >= push.viewport.x + push.viewport.z || own.y >= push.viewport.y + push.viewport.w) return;
  lo = min(lo, own);
  hi = max(hi, own);
  uint age = uint(clamp(p.w, 0.0, 63.0));
  float inv_r = 1.0 / r;
  for (int y = lo.y; y <= hi.y; ++y) {
    for (int x = lo.x; x <= hi.x; ++x) {
      vec2 d = (vec2(x, y) + 0.5 - centre) * inv_r;  // on the disc, y down
      float d2 = dot(d, d);
      if (d2 > 1.0 && ivec2(x, y) != own) continue;
      d2 = min(d2, 1.0);
      // the sphere's front surface at this pixel, nearer than its centre by up to a radius
      float depth = w - push.radius * sqrt(1.0 - d2);
      float code = clamp((depth - push.depth_near) / push.depth_range, 0.0, 1.0) * kDepthCodes;
      uvec2 q = uvec2(clamp(floor((d * 0.5 + 0.5) * 16.0), 0.0, 15.0));
      uint word = (uint(code) << 14) | (age << 8) | (q.x << 4) | q.y;
      atomicMin(splat[uint(y) * push.frame_width + uint(x)], word);
    }
  }
}
