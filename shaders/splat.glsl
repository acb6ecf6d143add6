// The blood drawn by a compute rasterizer, inside the particle transport (particles.comp): each
// particle is a sphere, and each pixel it covers in a view keeps the nearest sphere surface with
// one atomicMin on a packed word (front-surface depth in the high bits, so the nearest wins; then
// the particle's age and where on the sphere the pixel is, for shading). splat.frag turns the words
// into colour and depth inside the render pass, where the tissue's depth hides what lies behind
// it. A point-sprite pipeline costs a CPU device's single geometry thread a primitive per particle;
// here the particles spread over all cores, each placed once and drawn into every view of its leg
// without being read again, and a GPU runs it as fast as a sprite pass.
// The word's layout: splat_word.glsl.
// The including shader defines SPLAT_VIEWS_BINDING and SPLAT_WORDS_BINDING, the bindings of the
// views and of the words (set 0).

struct SplatView {
  mat4 view_projection;  // leg coordinates -> clip space; clip w is the view depth
  vec4 scale;            // sphere radius (m), pixels per metre at unit view depth, depth_near, depth_range (m)
  ivec4 viewport;        // x, y, width, height (pixels)
  uvec4 target;          // first word of its region of splat[], frame width, 0, 0
  vec4 clip;             // keep where dot(clip.xyz, position) + clip.w >= 0 (the cross-section's cut; zero: all)
};

layout(std140, set = 0, binding = SPLAT_VIEWS_BINDING) uniform SplatViews { SplatView views[2]; };
layout(std430, set = 0, binding = SPLAT_WORDS_BINDING) buffer SplatWords { uint splat[]; };

#include "splat_word.glsl"

void splat_sphere(SplatView v, vec3 position, float age_s) {
  if (dot(v.clip.xyz, position) + v.clip.w < 0.0) return;  // cut away
  vec4 clip = v.view_projection * vec4(position, 1.0);
  float w = clip.w;
  if (w <= v.scale.z) return;  // behind the near plane
  vec2 ndc = clip.xy / w;
  vec2 centre = vec2(v.viewport.xy) + (ndc * 0.5 + 0.5) * vec2(v.viewport.zw);  // pixels, y down
  ivec2 own = ivec2(floor(centre));
  if (own.x < v.viewport.x || own.y < v.viewport.y || own.x >= v.viewport.x + v.viewport.z || own.y >= v.viewport.y + v.viewport.w) return;
  // at least half a pixel (the pixel holding the centre is always drawn); at most 12 pixels: the
  // 4-bit sphere coordinates shade a sphere that size smoothly, and a very close camera cannot make
  // one particle cover the frame
  float r = clamp(v.scale.x * v.scale.y / w, 0.5, 12.0);
  uint age = uint(clamp(age_s, 0.0, 63.0));
  if (r < 1.0) {
    // under a pixel's radius (most particles in a view of the whole leg): its own pixel, shaded as
    // the whole sphere's average (its disc covers about one pixel centre on average). One atomic,
    // not a loop over the pixels around it (a CPU device runs a loop as long as its longest lane).
    float depth01 = (w - v.scale.x * (2.0 / 3.0) - v.scale.z) / v.scale.w;  // its mean depth
    atomicMin(splat[v.target.x + uint(own.y) * v.target.y + uint(own.x)], splat_word(depth01, age, uvec2(0u)));
    return;
  }
  // pixels whose centres fall in the disc
  ivec2 lo = min(max(ivec2(ceil(centre - r - 0.5)), v.viewport.xy), own);
  ivec2 hi = max(min(ivec2(floor(centre + r - 0.5)), v.viewport.xy + v.viewport.zw - 1), own);
  float inv_r = 1.0 / r;
  for (int y = lo.y; y <= hi.y; ++y) {
    for (int x = lo.x; x <= hi.x; ++x) {
      vec2 d = (vec2(x, y) + 0.5 - centre) * inv_r;  // on the disc, y down
      float d2 = dot(d, d);
      if (d2 > 1.0 && ivec2(x, y) != own) continue;
      d2 = min(d2, 1.0);
      // the sphere's front surface at this pixel, nearer than its centre by up to a radius
      float depth = w - v.scale.x * sqrt(1.0 - d2);
      uvec2 q = uvec2(clamp(floor((d * 0.5 + 0.5) * 16.0), 1.0, 15.0));
      atomicMin(splat[v.target.x + uint(y) * v.target.y + uint(x)], splat_word((depth - v.scale.z) / v.scale.w, age, q));
    }
  }
}
