#version 450
// Lit tissue: a key light from the upper front, a cool fill, and a rim that outlines translucent
// layers; muscles get a faint fibre striation along the leg, skin and veins are see-through.
// One pipeline per tissue kind (kTissue), so each carries only its own material's code: a CPU
// device runs every branch of a shader for every pixel.

layout(constant_id = 0) const int kTissue = 0;  // 0 bone, 1 muscle, 2 tendon, 3 skin, 4 vein, 5 valve

layout(location = 0) in vec3 in_position;
layout(location = 1) in vec3 in_normal;

layout(push_constant) uniform Push {
  mat4 view_projection;
  vec4 color;
  vec4 material;
  vec4 clip;             // the cross-section's cut, clipped in mesh.vert (gl_ClipDistance)
} push;

layout(location = 0) out vec4 out_color;

void main() {
  bool closed = kTissue <= 2;  // bone, muscle, tendon: solids
  if (closed && !gl_FrontFacing) {
    // the inside of a solid, seen where the view is cut (its caps lie over the cut itself): flat
    out_color = vec4(push.color.rgb * 0.62, push.color.a);
    return;
  }
  vec3 n = normalize(in_normal);
  vec3 v = normalize(push.material.yzw - in_position);
  if (dot(n, v) < 0.0) n = -n;  // two-sided: leaflets and the inside of translucent layers
  const vec3 key = normalize(vec3(0.35, -0.55, 0.75));
  const vec3 fill = normalize(vec3(-0.6, 0.4, 0.2));
  float diffuse = max(dot(n, key), 0.0) * 0.75 + max(dot(n, fill), 0.0) * 0.25;
  vec3 h = normalize(key + v);
  const float shininess = kTissue == 0 ? 24.0 : (kTissue > 3 ? 48.0 : 16.0);
  float specular = pow(max(dot(n, h), 0.0), shininess) * (kTissue == 3 ? 0.08 : 0.25);
  vec3 base = push.color.rgb;
  if (kTissue == 1) {
    // muscle fibres: fine bands along the leg's axis
    float stripe = 0.5 + 0.5 * sin(in_position.x * 900.0 + in_position.y * 600.0);
    base *= 0.9 + 0.1 * stripe;
  }
  float facing = 1.0 - max(dot(n, v), 0.0);
  float rim = facing * facing * facing;
  vec3 lit = base * (0.28 + 0.72 * diffuse) + vec3(specular) + rim * 0.15 * vec3(1.0);
  float alpha = push.color.a;
  if (alpha < 1.0) alpha = clamp(alpha + rim * 0.35, 0.0, 1.0);  // translucent layers show their outline
  out_color = vec4(lit, alpha);
}
