// Vessel geometry shared by the deformation and the particle shaders, the GPU side of
// anatomy/src/deform.cpp: path frames, vein cross-sections (round when full, flattened then
// dumbbell-shaped when collapsing), areas between segment centres, paired veins side by side.
// The including shader declares kPi and the texel buffers frames_ (a path frame: 5 texels), paths_
// (first frame, frame count), vessels_ (first segment, segment count, veins, path) and segments_
// (centre t, area per vein, reference area, 0).

struct PathFrame {
  vec4 c;
  vec4 t;
  vec4 n;
  vec4 b;
  vec4 r;  // rx, ry
};

PathFrame get_frame(uint k) {
  int b = int(5u * k);
  return PathFrame(texelFetch(frames_, b), texelFetch(frames_, b + 1), texelFetch(frames_, b + 2), texelFetch(frames_, b + 3),
                   texelFetch(frames_, b + 4));
}
uvec2 get_path(uint k) { return texelFetch(paths_, int(k)).xy; }
uvec4 get_vessel(uint k) { return texelFetch(vessels_, int(k)); }
vec4 get_segment(uint k) { return texelFetch(segments_, int(k)); }

PathFrame frame_at(uint path, float s) {
  uvec2 p = get_path(path);
  float x = clamp(s, 0.0, 1.0) * float(p.y - 1u);
  uint i = min(uint(x), p.y - 2u);
  float u = x - float(i);
  PathFrame a = get_frame(p.x + i), b = get_frame(p.x + i + 1u);
  PathFrame f;
  f.c = mix(a.c, b.c, u);
  vec3 t = normalize(mix(a.t.xyz, b.t.xyz, u));
  vec3 n = normalize(mix(a.n.xyz, b.n.xyz, u));
  n = normalize(n - t * dot(n, t));
  f.t = vec4(t, 0);
  f.n = vec4(n, 0);
  f.b = vec4(cross(t, n), 0);
  f.r = mix(a.r, b.r, u);
  return f;
}

// A section collapsing below its reference area (alpha = area / area_ref < 1): wider (widen),
// pinched in the middle into a dumbbell (pinch), and as deep as keeps its area (depth, times the
// reference radius): the unit shape (widen cos, sin (1 - pinch (1 - cos^2))) scaled by (1, depth).
// The ring polygon's area of the unit shape is in closed form: the sum over the ring of the cross
// products reduces to it for rings of five or more vertices (the CPU reference sums it).
vec3 collapse_params(float area, float area_ref, float n) {
  float alpha = area / area_ref;
  float widen = 1.0 + 0.45 * (1.0 - alpha);
  float pinch = clamp((0.5 - alpha) / 0.5, 0.0, 0.85);
  float poly = 0.5 * widen * n * sin(2.0 * kPi / n) * (1.0 - 0.75 * pinch);
  return vec3(widen, pinch, area / (area_ref / kPi * poly));
}

vec2 vein_section(float theta, float area, float area_ref, float n) {
  float c = cos(theta), s = sin(theta);
  if (area >= area_ref) {
    float poly = 0.5 * n * sin(2.0 * kPi / n);
    return sqrt(area / poly) * vec2(c, s);
  }
  vec3 k = collapse_params(area, area_ref, n);
  return sqrt(area_ref / kPi) * vec2(k.x * c, k.z * s * (1.0 - k.y * (1.0 - c * c)));
}

// the direction of d(vein_section)/d(theta): the section's tangent, for its outward normal
// (tangent.y, -tangent.x) in the (n, b) plane
vec2 vein_section_tangent(float theta, float area, float area_ref, float n) {
  float c = cos(theta), s = sin(theta);
  if (area >= area_ref) return vec2(-s, c);
  // the unit shape's derivative: x = widen cos, y = depth (sin - pinch sin^3)
  vec3 k = collapse_params(area, area_ref, n);
  return vec2(-k.x * s, k.z * c * (1.0 - 3.0 * k.y * s * s));
}

// per-vein area and reference area of a vessel at fraction t: linear between segment centres
vec2 vessel_area(uint vessel, float t) {
  uvec4 v = get_vessel(vessel);
  uint first = v.x, count = v.y;
  uint k = 0u;
  while (k + 1u < count && get_segment(first + k + 1u).x < t) ++k;
  float t0 = get_segment(first).x;
  if (k + 1u >= count || t <= t0) {
    uint only = t <= t0 ? first : first + k;
    return get_segment(only).yz;
  }
  vec4 a = get_segment(first + k), b = get_segment(first + k + 1u);
  float u = clamp((t - a.x) / (b.x - a.x), 0.0, 1.0);
  return mix(a.yz, b.yz, u);
}

vec3 tube_center(PathFrame f, uint count, uint tube) {
  if (count <= 1u) return f.c.xyz;
  float r = f.r.x * (count == 2u ? 1.25 : 1.35);
  float phi = 2.0 * kPi * float(tube) / float(count);
  return f.c.xyz + f.n.xyz * (r * cos(phi)) + f.b.xyz * (r * sin(phi));
}

