// The blood's per-pixel word, written by splat.glsl (atomicMin: the nearest surface wins) and read
// by splat.frag:
//   depth (18 bits: view depth within [depth_near, depth_near + depth_range]) << 14 |
//   age (6 bits, 0..63 s) << 8 | sphere x (4 bits) << 4 | sphere y (4 bits); 0xffffffff: empty.
// Sphere x = y = 0 stands for the whole sphere: a sphere under a pixel's radius is shaded as its
// average (one sample at the pixel's centre made single particles flicker between highlight and
// shadow).

const float kSplatDepthCodes = 262143.0;  // 2^18 - 1
const uint kSplatEmpty = 0xffffffffu;

// depth01: the view depth's place in [depth_near, depth_near + depth_range], 0..1
uint splat_word(float depth01, uint age_s, uvec2 sphere) {
  return (uint(clamp(depth01, 0.0, 1.0) * kSplatDepthCodes) << 14) | (age_s << 8) | (sphere.x << 4) | sphere.y;
}

float splat_depth01(uint word) { return float(word >> 14) / kSplatDepthCodes; }
float splat_age(uint word) { return float((word >> 8) & 63u); }
// the place on the sphere's disc (-1..1, y down), or (0, 0) and false for the whole sphere
bool splat_sphere_xy(uint word, out vec2 xy) {
  xy = (vec2(float((word >> 4) & 15u), float(word & 15u)) + 0.5) / 8.0 - 1.0;
  return (word & 255u) != 0u;
}
