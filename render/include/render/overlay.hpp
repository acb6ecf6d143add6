#pragma once
// The 2D overlay (labels, plots, legends) as a CPU-side triangle list in pixel coordinates, with
// text from signed-distance-field font atlases so one bake serves every text size. Neither Vulkan
// nor stb appears here: the renderer uploads the atlases and the vertices.
//
// How a vertex selects its texture (the fragment shader decides from u alone):
//   u <  -0.5       solid colour, no texture: uv = (-1, -1) for a hard-edged shape, or for a
//                   shape with an anti-aliased edge u = -2 - h and v = the distance (pixels) from
//                   its centre line or centre, coverage = clamp(h + 0.5 - |v|, 0, 1): a one-pixel
//                   ramp centred on the true edge at distance h (lines: half their width; circles:
//                   the radius). The shape's triangles reach half a pixel past that edge.
//   0 <= u < 1      regular font atlas, (u, v) normalized
//   2 <= u < 3      bold font atlas at (u - 2, v)
// All three vertices of a triangle fall in the same range, so the interpolated u never crosses
// from one range into another.
//
// Turning a sampled atlas value s (0..1, UNORM, linear filtering, clamp to edge) into coverage:
//   signed distance in screen pixels  d = (s - 0.5) * px_range * (screen pixels per atlas pixel)
//   coverage = clamp(d + 0.5, 0, 1), alpha = coverage * vertex alpha (straight alpha blending).
// "Screen pixels per atlas pixel" is size / bake_size for text drawn at line height `size`; in the
// shader it comes from the uv derivatives, 1 / (fwidth(uv) * atlas size).

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "render/frame.hpp"
#include "render/shaping.hpp"

namespace calfpump::render {

// OverlayVertex (frame.hpp): a vertex in pixels (origin top-left, y down); uv in a font atlas (see
// above for the regular/bold/solid encoding); rgba straight (non-premultiplied) 8-bit per channel,
// packed R | G<<8 | B<<16 | A<<24, i.e. the bytes R, G, B, A in memory (VK_FORMAT_R8G8B8A8_UNORM).

/// One baked glyph, by code point (FontAtlas::glyphs) or by glyph index (FontAtlas::shaped).
/// Positions are in bake pixels relative to the pen on the baseline, y down; the box includes the
/// SDF padding. A glyph without outline (space) has an empty box and only advances.
struct Glyph {
  char32_t codepoint = 0;  ///< the code point; in FontAtlas::shaped the font's glyph index
  float advance = 0;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float u0 = 0, v0 = 0, u1 = 0, v1 = 0;  ///< normalized atlas coordinates of the box
  bool visible() const { return x1 > x0 && y1 > y0; }
};

/// Kerning between two code points, in bake pixels (usually negative).
struct KernPair {
  std::uint64_t pair = 0;  ///< first << 32 | second
  float adjust = 0;
};

/// A single-channel signed-distance atlas: 0.5 (128) on the glyph outline, larger inside.
struct FontAtlas {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  ///< width * height, rows top to bottom
  float px_range = 0;   ///< distance in atlas pixels that maps 0..1 of the sampled value
  float bake_size = 0;  ///< pixel height (ascent - descent) the glyphs were baked at
  float ascent = 0;     ///< bake pixels above the baseline
  float descent = 0;    ///< bake pixels below the baseline, negative; ascent - descent == bake_size
  float line_gap = 0;   ///< bake pixels
  std::vector<Glyph> glyphs;      ///< sorted by code point
  std::vector<KernPair> kerning;  ///< nonzero pairs among the baked glyphs, sorted by pair
  /// Glyphs by glyph index (Glyph::codepoint holds the index), for shaped text, sorted by index:
  /// those of the baked code points (sharing their boxes) and those the texts given to load_font
  /// shaped into, in the same image at the same size, padding and px_range.
  std::vector<Glyph> shaped;
  /// Shapes text with the atlas' font at bake_size (null for an atlas not made by load_font).
  std::shared_ptr<const Shaper> shaper;

  /// The glyph of a code point, or null when it was not baked.
  const Glyph* find(char32_t codepoint) const;
  /// Kerning between consecutive code points, bake pixels.
  float kern(char32_t first, char32_t second) const;
  /// The glyph of a glyph index (shaped text), or null when it was not baked.
  const Glyph* find_glyph(std::uint32_t index) const;
};

/// Loads a TrueType file and bakes an SDF atlas for ASCII 32-126, Latin-1 160-255 and U+2013
/// U+2014 U+2018 U+2019 U+201C U+201D U+2022 U+2026 U+2190-U+2193 U+2212 U+00B7 U+2264 U+2265
/// U+03B1-U+03C9 (Greek small); code points the font lacks are left out (they draw as '?').
/// shaped_texts: lines that will be drawn with Overlay::shaped_text (captions in Arabic, say);
/// each is shaped and every glyph it uses is baked by index too, so that shaped_text draws them
/// (any other glyph outside the code points above draws as '?'). They are shaped once here, so
/// drawing them later costs no shaping. The atlas grows to hold them: 1024 pixels wide (or the
/// widest glyph), as tall as needed, widened by powers of two while it would be taller than wide,
/// up to 4096 x 4096 (Vulkan's guaranteed image size; more throws).
/// Throws std::runtime_error naming the file on a missing/unreadable/invalid font.
FontAtlas load_font(const std::filesystem::path& ttf, float bake_size = 40.0f, std::span<const std::string> shaped_texts = {});

/// The default font: environment variable CALFPUMP_FONT if set, else
/// /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf (Debian fonts-dejavu-core). Bold:
/// CALFPUMP_FONT_BOLD if set, else CALFPUMP_FONT if set (one face for both rather than a mix of
/// families), else DejaVuSans-Bold.ttf.
std::filesystem::path default_font_path(bool bold = false);

enum class Align { Left, Center, Right };

/// Collects overlay triangles; draw with vertices() each frame after filling, then clear().
class Overlay {
 public:
  /// The atlases must outlive the overlay. bold may be null: bold text then uses the regular atlas
  /// (and u in [0,1)). Throws std::invalid_argument on a null regular atlas.
  explicit Overlay(const FontAtlas* regular, const FontAtlas* bold = nullptr);

  void clear();

  /// One line of UTF-8 text; (x, y) is the top of the line box, size its height in pixels (the
  /// font's ascent - descent scaled to size). align places the line's advance width relative to x.
  /// Invalid UTF-8 and code points without a glyph draw as '?'; control characters are skipped.
  /// Returns the advance width.
  float text(float x, float y, float size, std::string_view utf8, std::uint32_t rgba, Align align = Align::Left,
             bool bold = false);
  float text_width(std::string_view utf8, float size, bool bold = false) const;

  /// One line of UTF-8 shaped with the atlas' font (shaping.hpp): any script and direction,
  /// Arabic with its joining forms and right-to-left order included. Arguments and the return as
  /// text(); one quad per visible glyph, from FontAtlas::shaped. A glyph that was not baked (its
  /// text was not given to load_font) and a character the font lacks draw as '?' at its place,
  /// keeping the shaped advance. Shaping results are cached in the atlas' Shaper, so a line drawn
  /// every frame is shaped once. No line breaking: wrap by measuring with shaped_text_width.
  /// An atlas without a shaper (not made by load_font) draws through text().
  float shaped_text(float x, float y, float size, std::string_view utf8, std::uint32_t rgba, Align align = Align::Left, bool bold = false);
  float shaped_text_width(std::string_view utf8, float size, bool bold = false) const;

  void rect(float x0, float y0, float x1, float y1, std::uint32_t rgba);  ///< filled
  void rect_gradient_h(float x0, float y0, float x1, float y1, std::uint32_t left, std::uint32_t right);
  /// A quad of the given width centred on the segment, its long sides anti-aliased (it reaches half
  /// a pixel further each side for the ramp); the ends are square.
  void line(float x0, float y0, float x1, float y1, float width, std::uint32_t rgba);
  /// Joined segments: a bevel fills the outside of every joint, a miter extends it where the miter
  /// is at most twice the half width (turns of up to 120 degrees), so vertices stay within
  /// width of the points.
  void polyline(std::span<const std::array<float, 2>> points, float width, std::uint32_t rgba);
  /// Filled, 16-24 segments, its rim anti-aliased (the polygon reaches half a pixel past the radius).
  void circle(float x, float y, float radius, std::uint32_t rgba);
  /// A filled simple polygon (either winding, concave allowed, no holes), cut into triangles by
  /// ear clipping; its edge is hard (draw its outline with polyline for an anti-aliased rim). A
  /// self-crossing outline is filled as far as ears are found, then as a fan.
  void polygon(std::span<const std::array<float, 2>> outline, std::uint32_t rgba);
  /// The same with holes (each a simple polygon wholly inside the outline, none overlapping):
  /// each is joined to the outline by a bridge to a vertex it can see, and the whole clipped as one.
  void polygon(std::span<const std::array<float, 2>> outline, std::span<const std::vector<std::array<float, 2>>> holes, std::uint32_t rgba);

  const std::vector<OverlayVertex>& vertices() const { return vertices_; }  ///< triangle list

 private:
  const FontAtlas& atlas(bool bold) const { return bold && bold_ ? *bold_ : *regular_; }
  void triangle(float ax, float ay, float bx, float by, float cx, float cy, std::uint32_t rgba);
  /// One glyph's two triangles: its box placed at `pen` along and `rise` below the baseline (bake
  /// pixels) from `left`, scaled by `s` (both text paths, so that they place glyphs alike)
  void glyph_quad(const Glyph& g, float left, float pen, float rise, float baseline, float s, float u_shift, std::uint32_t rgba);

  const FontAtlas* regular_;
  const FontAtlas* bold_;
  std::vector<OverlayVertex> vertices_;
};

/// Packs straight 8-bit colour as OverlayVertex::rgba; components are clamped to 0..255.
constexpr std::uint32_t rgba(int r, int g, int b, int a = 255) {
  auto c = [](int v) { return static_cast<std::uint32_t>(v < 0 ? 0 : v > 255 ? 255 : v); };
  return c(r) | c(g) << 8 | c(b) << 16 | c(a) << 24;
}

}  // namespace calfpump::render
