// The leg's pose (anatomy/geometry/src/pose.cpp, the CPU reference): the foot turns about the
// ankle and the thigh about the knee by a weight times the joint's angle. The including shader
// defines POSE_TABLE, a samplerBuffer whose first 6 texels are anatomy::DeformFrame::joints: per
// joint (centre, angle), (axis, 1 when the moving part lies below), (blend from, to, lift, 0):
// the ankle's third texel carries the lift of the whole leg (m).

vec3 pose_rotate(vec3 v, vec3 k, float a) {
  float c = cos(a), s = sin(a);
  return v * c + cross(k, v) * s + k * (dot(k, v) * (1.0 - c));
}

// the weights (ankle, knee) of soft tissue at rest position p
vec2 pose_soft_weights(vec3 p) {
  vec2 w = vec2(0.0);
  for (int j = 0; j < 2; ++j) {
    vec4 c = texelFetch(POSE_TABLE, 3 * j), ax = texelFetch(POSE_TABLE, 3 * j + 1), band = texelFetch(POSE_TABLE, 3 * j + 2);
    if (band.y <= band.x) continue;
    float u = clamp((p.z - c.z - band.x) / (band.y - band.x), 0.0, 1.0);
    float s = u * u * (3.0 - 2.0 * u);
    w[j] = ax.w > 0.5 ? 1.0 - s : s;
  }
  return w;
}

// the weights of a bone of part 0 (shank), 1 (foot) or 2 (thigh)
vec2 pose_part_weights(uint part) { return vec2(part == 1u ? 1.0 : 0.0, part == 2u ? 1.0 : 0.0); }

vec3 pose_point(vec2 w, vec3 p) {
  for (int j = 0; j < 2; ++j) {
    vec4 c = texelFetch(POSE_TABLE, 3 * j), ax = texelFetch(POSE_TABLE, 3 * j + 1);
    float a = w[j] * c.w;
    if (a != 0.0) p = c.xyz + pose_rotate(p - c.xyz, ax.xyz, a);
  }
  p.z += texelFetch(POSE_TABLE, 2).z;
  return p;
}

vec3 pose_vector(vec2 w, vec3 v) {
  for (int j = 0; j < 2; ++j) {
    vec4 c = texelFetch(POSE_TABLE, 3 * j), ax = texelFetch(POSE_TABLE, 3 * j + 1);
    float a = w[j] * c.w;
    if (a != 0.0) v = pose_rotate(v, ax.xyz, a);
  }
  return v;
}
