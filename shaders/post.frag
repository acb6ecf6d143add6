#version 450
// The edge filter: where the scene was drawn with one sample per pixel, the legs' boxes smoothed
// along their edges (an edge-directed filter in the manner of FXAA), read from a copy of the scene
// and drawn over it. Around each pixel the luma of its four neighbours gives the local gradient;
// where the contrast is low the pixel is kept, else it becomes
// the mean of samples taken along the edge, perpendicular to the gradient: a short span, or a
// longer one unless that overshoots the local luma range (a corner or a thin feature). Blood
// (marked by splat.frag with alpha below 1) and the pixels beside it are left as drawn: its grain
// is particles, not edges.

layout(set = 0, binding = 0) uniform sampler2D scene;  // linear filtering, clamped

layout(push_constant) uniform Push {
  vec2 texel;  // 1 / frame size
} push;

layout(location = 0) out vec4 out_color;

float luma(vec3 c) { return dot(c, vec3(0.299, 0.587, 0.114)); }

vec3 at(vec2 uv) { return textureLod(scene, uv, 0.0).rgb; }

void main() {
  vec2 uv = gl_FragCoord.xy * push.texel;  // the pixel's centre
  vec4 centre = texelFetch(scene, ivec2(gl_FragCoord.xy), 0);
  // the four neighbours, read without filtering (a CPU device pays less for that)
  ivec2 p = ivec2(gl_FragCoord.xy), last = textureSize(scene, 0) - 1;
  vec4 cn = texelFetch(scene, clamp(p + ivec2(0, -1), ivec2(0), last), 0);
  vec4 cs = texelFetch(scene, clamp(p + ivec2(0, 1), ivec2(0), last), 0);
  vec4 cw = texelFetch(scene, clamp(p + ivec2(-1, 0), ivec2(0), last), 0);
  vec4 ce = texelFetch(scene, clamp(p + ivec2(1, 0), ivec2(0), last), 0);
  float n = luma(cn.rgb), s = luma(cs.rgb), w = luma(cw.rgb), e = luma(ce.rgb);
  float m = luma(centre.rgb);
  // blood, or next to it: its grain is not an edge to smooth
  bool blood = min(min(centre.a, cn.a), min(min(cs.a, cw.a), ce.a)) < 0.99;
  float lo = min(m, min(min(n, s), min(w, e)));
  float hi = max(m, max(max(n, s), max(w, e)));
  // the gradient (x right, y down) and the edge's direction, perpendicular to it; scaled so that
  // its smaller component is about one pixel (a steep edge gets a long span), at most 4 pixels
  vec2 gradient = vec2(e - w, s - n);
  vec2 along = vec2(-gradient.y, gradient.x);
  float damp = max((n + s + w + e) * (0.25 / 8.0), 1.0 / 128.0);  // keeps noise from steering it
  vec2 span = clamp(along / (min(abs(along.x), abs(along.y)) + damp), vec2(-4.0), vec2(4.0)) * push.texel;
  vec3 near = 0.5 * (at(uv - span / 6.0) + at(uv + span / 6.0));
  vec3 far = 0.5 * near + 0.25 * (at(uv - 0.5 * span) + at(uv + 0.5 * span));
  float l_far = luma(far);
  vec3 smoothed = (l_far < lo || l_far > hi) ? near : far;
  // flat and gently shaded regions keep their pixel
  bool edge = hi - lo > max(1.0 / 24.0, 0.125 * hi);
  out_color = vec4(edge && !blood ? smoothed : centre.rgb, 1.0);
}
