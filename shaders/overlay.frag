#version 450
// Overlay colour: solid (u < 0), or text from a signed-distance atlas, regular (0 <= u < 1) or
// bold (u >= 2). Coverage comes from the distance in screen pixels, so text is sharp at any size;
// solid shapes with an anti-aliased edge (u <= -2) carry their distance from it (overlay.hpp).
// The overlay is drawn into the single-sampled final image: its edges are smoothed here.
// One pipeline per kind (kKind), each drawing the runs of triangles of its kind, so that solid
// panels sample no atlas (a CPU device runs every branch of a shader for every pixel).

layout(constant_id = 0) const int kKind = 0;  // 0 solid, 1 regular text, 2 bold text

layout(set = 0, binding = 0) uniform sampler2D regular_atlas;
layout(set = 0, binding = 1) uniform sampler2D bold_atlas;

layout(push_constant) uniform Push {
  vec2 frame_size;
  float px_range_regular;  // atlas pixels that the sampled 0..1 spans
  float px_range_bold;
} push;

layout(location = 0) in vec2 in_uv;
layout(location = 1) in vec4 in_color;

layout(location = 0) out vec4 out_color;

void main() {
  float coverage;
  if (kKind == 0) {
    coverage = in_uv.x < -1.5 ? clamp(-in_uv.x - 1.5 - abs(in_uv.y), 0.0, 1.0) : 1.0;
  } else {
    bool bold = kKind == 2;
    vec2 uv = vec2(bold ? in_uv.x - 2.0 : in_uv.x, in_uv.y);
    vec2 duv = fwidth(uv);
    float s = bold ? textureLod(bold_atlas, uv, 0.0).r : textureLod(regular_atlas, uv, 0.0).r;
    vec2 atlas_size = vec2(bold ? textureSize(bold_atlas, 0) : textureSize(regular_atlas, 0));
    float range = bold ? push.px_range_bold : push.px_range_regular;
    // the atlas' distance range in screen pixels: atlas pixels times screen pixels per atlas pixel
    float screen_range = max(0.5 * dot(vec2(range) / atlas_size, 1.0 / max(duv, vec2(1e-7))), 1.0);
    coverage = clamp(screen_range * (s - 0.5) + 0.5, 0.0, 1.0);
  }
  out_color = vec4(in_color.rgb, in_color.a * coverage);
}
