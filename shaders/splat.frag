#version 450
#extension GL_GOOGLE_include_directive : require
// The blood particles rasterized by splat.glsl (in particles.comp), into the frame: a shaded sphere surface and its
// depth where a particle is nearest, so that tissue in front hides it and the translucent vein
// walls drawn afterwards lie over it. Colour by time in the leg: fresh blood bright red, blood
// that has lingered for a minute dark and purple, so stagnant "used" blood stands out.

layout(set = 0, binding = 0) uniform usamplerBuffer splat;  // texels: a CPU device loads a storage buffer lane by lane

layout(push_constant) uniform Push {
  float depth_near;   // as splat.glsl coded it
  float depth_range;
  float p10;          // projection: clip depth = p10 + p14 / view depth
  float p14;
  uint frame_width;
  uint base;          // the first word of this view's region (legs' views, close-ups)
} push;

layout(location = 0) out vec4 out_color;

// the edge filter is on (post.frag): the blood is marked for it with alpha 0
layout(constant_id = 0) const bool kMarkBlood = false;

#include "splat_word.glsl"

void main() {
  uint word = texelFetch(splat, int(push.base + uint(gl_FragCoord.y) * push.frame_width + uint(gl_FragCoord.x))).x;
  if (word == kSplatEmpty) discard;
  float depth = push.depth_near + splat_depth01(word) * push.depth_range;
  float age = splat_age(word);
  vec2 corner;
  float light, shine;
  if (!splat_sphere_xy(word, corner)) {
    // a whole sphere under a pixel: the averages over its disc of the terms below (diffuse: the
    // mean normal is (0, 0, 2/3), so 0.35 + 0.65 * 2/3 * 0.76; highlight: the mean of n.z^24 is 1/13)
    light = 0.68;
    shine = 0.25 / 13.0;
  } else {
    corner.y = -corner.y;  // y up
    float z = sqrt(max(1.0 - dot(corner, corner), 0.0));
    vec3 n = normalize(vec3(corner, z + 1e-4));
    light = 0.35 + 0.65 * max(dot(n, normalize(vec3(0.4, 0.5, 0.75))), 0.0);
    shine = 0.25 * pow(max(n.z, 0.0), 24.0);
  }
  float used = clamp(age / 60.0, 0.0, 1.0);
  vec3 fresh = vec3(0.95, 0.12, 0.10), old = vec3(0.38, 0.04, 0.22);
  // alpha 0 marks blood for the edge filter, which leaves its texture of particles as it is and
  // writes alpha 1 (the translucent walls drawn over it blend that mark towards their opacity)
  out_color = vec4(mix(fresh, old, used) * light + vec3(shine), kMarkBlood ? 0.0 : 1.0);
  gl_FragDepth = clamp(push.p10 + push.p14 / depth, 0.0, 1.0);
}
