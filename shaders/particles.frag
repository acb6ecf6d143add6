#version 450
// A shaded, depth-correct sphere drawn on a square (impostor). Colour by time in the leg: fresh
// blood bright red, blood that has lingered for a minute dark and bluish, so stagnant "used" blood
// stands out.

layout(constant_id = 0) const bool kPoints = true;

layout(location = 0) in vec2 in_corner;  // the square's corner (quads); points use gl_PointCoord
layout(location = 1) in float in_age;
layout(location = 2) in vec3 in_centre;

layout(push_constant) uniform Push {
  mat4 view_projection;
  vec4 camera_right;
  vec4 camera_up;
} push;

layout(location = 0) out vec4 out_color;

void main() {
  // the sprite's corner in [-1, 1], y up
  vec2 corner = kPoints ? vec2(2.0 * gl_PointCoord.x - 1.0, 1.0 - 2.0 * gl_PointCoord.y) : in_corner;
  float d2 = dot(corner, corner);
  if (d2 > 1.0) discard;
  float z = sqrt(1.0 - d2);
  vec3 n = normalize(vec3(corner.x, corner.y, z));
  float light = 0.35 + 0.65 * max(dot(n, normalize(vec3(0.4, 0.5, 0.75))), 0.0);
  float used = clamp(in_age / 60.0, 0.0, 1.0);
  vec3 fresh = vec3(0.95, 0.12, 0.10), old = vec3(0.38, 0.04, 0.22);
  out_color = vec4(mix(fresh, old, used) * light + vec3(0.25) * pow(max(n.z, 0.0), 24.0), 1.0);
  // depth of the sphere's front surface: pull the centre toward the camera by the radius
  vec3 toward = cross(push.camera_right.xyz, push.camera_up.xyz);  // toward the camera
  vec3 front = in_centre + (push.camera_right.xyz * corner.x + push.camera_up.xyz * corner.y + toward * z) * push.camera_right.w;
  vec4 clip = push.view_projection * vec4(front, 1.0);
  gl_FragDepth = clip.z / clip.w;
}
