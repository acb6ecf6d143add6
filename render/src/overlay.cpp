// Signed-distance font atlases baked with stb_truetype (its implementation comes from Debian's
// libstb) and the overlay's triangle list; shaped text's glyphs come from shaping.cpp.

#include "render/overlay.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>
#include <string>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wcast-align"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#include <stb/stb_truetype.h>
#pragma GCC diagnostic pop

#include "utf8.hpp"

namespace calfpump::render {

namespace {

// Padding 6 at onedge 128 and 128/6 levels per pixel spends the whole 0..255 range on +-6 atlas
// pixels around the outline: enough for anti-aliasing down to small sizes and for outlines or
// shadows a few screen pixels wide, without wasting precision on distances nobody samples.
constexpr int kPadding = 6;
constexpr unsigned char kOnEdge = 128;
constexpr float kDistScale = 128.0f / static_cast<float>(kPadding);
constexpr int kAtlasWidth = 1024;

std::vector<char32_t> baked_codepoints() {
  std::vector<char32_t> cps;
  for (char32_t c = 32; c <= 126; ++c) cps.push_back(c);
  for (char32_t c = 160; c <= 255; ++c) cps.push_back(c);  // includes U+00B7
  for (char32_t c : {0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2026, 0x2212, 0x2264, 0x2265})
    cps.push_back(c);
  for (char32_t c = 0x2190; c <= 0x2193; ++c) cps.push_back(c);
  for (char32_t c = 0x03B1; c <= 0x03C9; ++c) cps.push_back(c);
  std::sort(cps.begin(), cps.end());
  cps.erase(std::unique(cps.begin(), cps.end()), cps.end());
  return cps;
}

std::uint32_t be32(const std::vector<unsigned char>& d, std::size_t at) {
  return static_cast<std::uint32_t>(d[at]) << 24 | static_cast<std::uint32_t>(d[at + 1]) << 16 |
         static_cast<std::uint32_t>(d[at + 2]) << 8 | static_cast<std::uint32_t>(d[at + 3]);
}

// stb_truetype trusts the file's offsets; checking the table directory keeps a truncated or
// foreign file from sending it past the end of the buffer.
bool plausible_font(const std::vector<unsigned char>& d) {
  if (d.size() < 12) return false;
  const int offset = stbtt_GetFontOffsetForIndex(d.data(), 0);
  if (offset < 0) return false;
  const auto base = static_cast<std::size_t>(offset);
  if (base + 12 > d.size()) return false;
  const std::size_t tables = static_cast<std::size_t>(d[base + 4]) << 8 | d[base + 5];
  if (tables == 0 || base + 12 + 16 * tables > d.size()) return false;
  for (std::size_t t = 0; t < tables; ++t) {
    const std::size_t rec = base + 12 + 16 * t;
    const std::uint64_t start = be32(d, rec + 8);
    const std::uint64_t length = be32(d, rec + 12);
    if (start + length > d.size()) return false;
  }
  return true;
}

using detail::is_control;
using detail::next_codepoint;

std::uint64_t pair_key(char32_t first, char32_t second) {
  return static_cast<std::uint64_t>(first) << 32 | static_cast<std::uint64_t>(second);
}

// Walks a line of text glyph by glyph with kerning; emit(glyph, pen_x) sees pen positions in
// bake pixels. Returns the advance width in bake pixels.
template <class Emit>
float layout(const FontAtlas& atlas, std::string_view utf8, Emit&& emit) {
  const Glyph* fallback = atlas.find(U'?');
  float pen = 0;
  char32_t prev = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = next_codepoint(utf8, i);
    if (is_control(cp)) {
      prev = 0;
      continue;
    }
    const Glyph* g = atlas.find(cp);
    if (!g) g = fallback;
    if (!g) continue;
    if (prev) pen += atlas.kern(prev, g->codepoint);
    emit(*g, pen);
    pen += g->advance;
    prev = g->codepoint;
  }
  return pen;
}

}  // namespace

const Glyph* FontAtlas::find(char32_t codepoint) const {
  const auto it = std::lower_bound(glyphs.begin(), glyphs.end(), codepoint,
                                   [](const Glyph& g, char32_t cp) { return g.codepoint < cp; });
  return it != glyphs.end() && it->codepoint == codepoint ? &*it : nullptr;
}

float FontAtlas::kern(char32_t first, char32_t second) const {
  const std::uint64_t key = pair_key(first, second);
  const auto it = std::lower_bound(kerning.begin(), kerning.end(), key,
                                   [](const KernPair& k, std::uint64_t p) { return k.pair < p; });
  return it != kerning.end() && it->pair == key ? it->adjust : 0.0f;
}

const Glyph* FontAtlas::find_glyph(std::uint32_t index) const {
  const auto it = std::lower_bound(shaped.begin(), shaped.end(), index, [](const Glyph& g, std::uint32_t i) { return g.codepoint < i; });
  return it != shaped.end() && it->codepoint == index ? &*it : nullptr;
}

FontAtlas load_font(const std::filesystem::path& ttf, float bake_size, std::span<const std::string> shaped_texts) {
  if (!(bake_size >= 4.0f && bake_size <= 256.0f))
    throw std::runtime_error(ttf.string() + ": bake size " + std::to_string(bake_size) + " is outside 4..256 px");
  const std::vector<unsigned char> data = detail::read_font_file(ttf);
  stbtt_fontinfo info{};
  if (!plausible_font(data) || !stbtt_InitFont(&info, data.data(), stbtt_GetFontOffsetForIndex(data.data(), 0)))
    throw std::runtime_error(ttf.string() + ": not a TrueType/OpenType font");

  FontAtlas atlas;
  atlas.bake_size = bake_size;
  atlas.px_range = 255.0f / kDistScale;
  const float scale = stbtt_ScaleForPixelHeight(&info, bake_size);
  int ascent = 0, descent = 0, line_gap = 0;
  stbtt_GetFontVMetrics(&info, &ascent, &descent, &line_gap);
  if (ascent - descent <= 0) throw std::runtime_error(ttf.string() + ": the font has no vertical metrics");
  atlas.ascent = static_cast<float>(ascent) * scale;
  atlas.descent = static_cast<float>(descent) * scale;
  atlas.line_gap = static_cast<float>(line_gap) * scale;

  struct Baked {
    Glyph glyph;
    int index = 0;  // glyph index in the font, for kerning
    int w = 0, h = 0;
    std::vector<std::uint8_t> sdf;
  };
  auto bake = [&](int index, char32_t key) {
    Baked b;
    b.index = index;
    b.glyph.codepoint = key;
    int advance = 0, bearing = 0;
    stbtt_GetGlyphHMetrics(&info, index, &advance, &bearing);
    b.glyph.advance = static_cast<float>(advance) * scale;
    int xoff = 0, yoff = 0;
    unsigned char* sdf =
        stbtt_GetGlyphSDF(&info, scale, index, kPadding, kOnEdge, kDistScale, &b.w, &b.h, &xoff, &yoff);
    if (sdf) {
      b.sdf.assign(sdf, sdf + static_cast<std::size_t>(b.w) * static_cast<std::size_t>(b.h));
      stbtt_FreeSDF(sdf, info.userdata);
      b.glyph.x0 = static_cast<float>(xoff);
      b.glyph.y0 = static_cast<float>(yoff);
      b.glyph.x1 = static_cast<float>(xoff + b.w);
      b.glyph.y1 = static_cast<float>(yoff + b.h);
    } else {
      b.w = b.h = 0;  // no outline (space)
    }
    return b;
  };
  std::vector<Baked> baked;
  for (char32_t cp : baked_codepoints()) {
    const int index = stbtt_FindGlyphIndex(&info, static_cast<int>(cp));
    if (index == 0) continue;  // absent: drawn as '?'
    baked.push_back(bake(index, cp));
  }
  if (baked.empty()) throw std::runtime_error(ttf.string() + ": the font has none of the characters the overlay needs");
  const std::size_t by_codepoint = baked.size();

  // Shaped text's glyphs: the texts given are shaped now (which also leaves them in the shaper's
  // cache) and each glyph index they use that no baked code point already brought is baked by
  // index. Index 0 is the font's .notdef box, which shaped_text draws as '?' instead.
  atlas.shaper = std::make_shared<const Shaper>(data, bake_size, ttf.string());
  std::set<int> have;
  for (std::size_t i = 0; i < by_codepoint; ++i) have.insert(baked[i].index);
  std::set<int> wanted;
  for (const std::string& text : shaped_texts)
    for (const ShapedGlyph& g : atlas.shaper->shape_cached(text)->glyphs)
      if (g.index != 0 && static_cast<int>(g.index) < info.numGlyphs && !have.count(static_cast<int>(g.index)))
        wanted.insert(static_cast<int>(g.index));
  for (int index : wanted) baked.push_back(bake(index, static_cast<char32_t>(index)));

  // Shelf packing, tallest first, with a one-texel gutter so bilinear filtering at a box's edge
  // reads empty space (the far outside of the field) rather than a neighbouring glyph. Many
  // shaped glyphs make the atlas taller; it widens while it would be taller than wide, since a
  // texture's every dimension is limited (4096 is what every Vulkan device supports).
  std::vector<std::size_t> order(baked.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return baked[a].h > baked[b].h; });
  int widest = 0;
  for (const Baked& b : baked) widest = std::max(widest, b.w);
  std::vector<std::array<int, 2>> place(baked.size(), {0, 0});
  auto pack = [&](int width) {
    int x = 1, y = 1, row = 0;
    for (std::size_t i : order) {
      const Baked& b = baked[i];
      if (b.w == 0) continue;
      if (x + b.w + 1 > width) {
        x = 1;
        y += row + 1;
        row = 0;
      }
      place[i] = {x, y};
      x += b.w + 1;
      row = std::max(row, b.h);
    }
    return y + row + 1;
  };
  constexpr int kMaxAtlas = 4096;
  atlas.width = std::max(kAtlasWidth, widest + 2);
  atlas.height = pack(atlas.width);
  while (atlas.height > atlas.width && atlas.width < kMaxAtlas) {
    atlas.width = std::min(2 * atlas.width, kMaxAtlas);
    atlas.height = pack(atlas.width);
  }
  if (atlas.width > kMaxAtlas || atlas.height > kMaxAtlas)
    throw std::runtime_error(ttf.string() + ": " + std::to_string(baked.size()) + " glyphs at " + std::to_string(bake_size) +
                             " px do not fit a " + std::to_string(kMaxAtlas) + " pixel atlas");
  atlas.pixels.assign(static_cast<std::size_t>(atlas.width) * static_cast<std::size_t>(atlas.height), 0);
  const auto fw = static_cast<float>(atlas.width), fh = static_cast<float>(atlas.height);
  for (std::size_t i = 0; i < baked.size(); ++i) {
    Baked& b = baked[i];
    if (b.w == 0) continue;
    const auto [px, py] = place[i];
    for (int r = 0; r < b.h; ++r)
      std::copy_n(b.sdf.begin() + static_cast<std::ptrdiff_t>(r) * b.w, b.w,
                  atlas.pixels.begin() + static_cast<std::ptrdiff_t>(py + r) * atlas.width + px);
    b.glyph.u0 = static_cast<float>(px) / fw;
    b.glyph.v0 = static_cast<float>(py) / fh;
    b.glyph.u1 = static_cast<float>(px + b.w) / fw;
    b.glyph.v1 = static_cast<float>(py + b.h) / fh;
  }

  // Kerning is resolved now so the atlas alone lays text out, without the font file at hand.
  // Only the code points' glyphs: shaped text takes its kerning from the font's GPOS table.
  for (std::size_t i = 0; i < by_codepoint; ++i)
    for (std::size_t j = 0; j < by_codepoint; ++j)
      if (const int k = stbtt_GetGlyphKernAdvance(&info, baked[i].index, baked[j].index); k != 0)
        atlas.kerning.push_back({pair_key(baked[i].glyph.codepoint, baked[j].glyph.codepoint), static_cast<float>(k) * scale});
  std::sort(atlas.kerning.begin(), atlas.kerning.end(),
            [](const KernPair& p, const KernPair& q) { return p.pair < q.pair; });

  atlas.glyphs.reserve(by_codepoint);
  for (std::size_t i = 0; i < by_codepoint; ++i) atlas.glyphs.push_back(baked[i].glyph);  // in code point order
  // by index: every baked glyph once, the code points' under their index (two code points with one
  // glyph share it)
  atlas.shaped.reserve(baked.size());
  for (const Baked& b : baked) {
    Glyph g = b.glyph;
    g.codepoint = static_cast<char32_t>(b.index);
    atlas.shaped.push_back(g);
  }
  std::stable_sort(atlas.shaped.begin(), atlas.shaped.end(), [](const Glyph& p, const Glyph& q) { return p.codepoint < q.codepoint; });
  atlas.shaped.erase(
      std::unique(atlas.shaped.begin(), atlas.shaped.end(), [](const Glyph& p, const Glyph& q) { return p.codepoint == q.codepoint; }),
      atlas.shaped.end());
  return atlas;
}

std::filesystem::path default_font_path(bool bold) {
  if (bold) {
    if (const char* env = std::getenv("CALFPUMP_FONT_BOLD"); env && *env) return env;
  }
  if (const char* env = std::getenv("CALFPUMP_FONT"); env && *env) return env;
  return bold ? "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
              : "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
}

Overlay::Overlay(const FontAtlas* regular, const FontAtlas* bold) : regular_(regular), bold_(bold) {
  if (!regular_) throw std::invalid_argument("Overlay needs a regular font atlas");
}

void Overlay::clear() { vertices_.clear(); }

float Overlay::text_width(std::string_view utf8, float size, bool bold) const {
  const FontAtlas& a = atlas(bold);
  return layout(a, utf8, [](const Glyph&, float) {}) * (size / a.bake_size);
}

float Overlay::text(float x, float y, float size, std::string_view utf8, std::uint32_t color, Align align, bool bold) {
  const FontAtlas& a = atlas(bold);
  const float s = size / a.bake_size;
  const float width = text_width(utf8, size, bold);
  const float left = align == Align::Left ? x : align == Align::Center ? x - 0.5f * width : x - width;
  const float baseline = y + a.ascent * s;
  const float u_shift = bold && bold_ ? 2.0f : 0.0f;
  layout(a, utf8, [&](const Glyph& g, float pen) { glyph_quad(g, left, pen, 0.0f, baseline, s, u_shift, color); });
  return width;
}

float Overlay::shaped_text_width(std::string_view utf8, float size, bool bold) const {
  const FontAtlas& a = atlas(bold);
  if (!a.shaper) return text_width(utf8, size, bold);
  return a.shaper->shape_cached(utf8)->width * (size / a.bake_size);
}

float Overlay::shaped_text(float x, float y, float size, std::string_view utf8, std::uint32_t color, Align align, bool bold) {
  const FontAtlas& a = atlas(bold);
  if (!a.shaper) return text(x, y, size, utf8, color, align, bold);
  const std::shared_ptr<const ShapedLine> line = a.shaper->shape_cached(utf8);
  const float s = size / a.bake_size;
  const float width = line->width * s;
  const float left = align == Align::Left ? x : align == Align::Center ? x - 0.5f * width : x - width;
  const float baseline = y + a.ascent * s;
  const float u_shift = bold && bold_ ? 2.0f : 0.0f;
  const Glyph* fallback = a.find(U'?');
  for (const ShapedGlyph& sg : line->glyphs) {
    const Glyph* g = sg.index != 0 ? a.find_glyph(sg.index) : nullptr;
    if (!g) g = fallback;
    if (g) glyph_quad(*g, left, sg.x, sg.y, baseline, s, u_shift, color);
  }
  return width;
}

void Overlay::glyph_quad(const Glyph& g, float left, float pen, float rise, float baseline, float s, float u_shift, std::uint32_t color) {
  if (!g.visible()) return;
  const float x0 = left + (pen + g.x0) * s, x1 = left + (pen + g.x1) * s;
  const float y0 = baseline + (rise + g.y0) * s, y1 = baseline + (rise + g.y1) * s;
  const float u0 = g.u0 + u_shift, u1 = g.u1 + u_shift;
  vertices_.push_back({x0, y0, u0, g.v0, color});
  vertices_.push_back({x1, y0, u1, g.v0, color});
  vertices_.push_back({x1, y1, u1, g.v1, color});
  vertices_.push_back({x0, y0, u0, g.v0, color});
  vertices_.push_back({x1, y1, u1, g.v1, color});
  vertices_.push_back({x0, y1, u0, g.v1, color});
}

void Overlay::triangle(float ax, float ay, float bx, float by, float cx, float cy, std::uint32_t color) {
  vertices_.push_back({ax, ay, -1.0f, -1.0f, color});
  vertices_.push_back({bx, by, -1.0f, -1.0f, color});
  vertices_.push_back({cx, cy, -1.0f, -1.0f, color});
}

void Overlay::rect(float x0, float y0, float x1, float y1, std::uint32_t color) {
  rect_gradient_h(x0, y0, x1, y1, color, color);
}

void Overlay::rect_gradient_h(float x0, float y0, float x1, float y1, std::uint32_t left, std::uint32_t right) {
  if (x0 > x1) {
    std::swap(x0, x1);
    std::swap(left, right);
  }
  if (y0 > y1) std::swap(y0, y1);
  if (x0 == x1 || y0 == y1) return;
  vertices_.push_back({x0, y0, -1.0f, -1.0f, left});
  vertices_.push_back({x1, y0, -1.0f, -1.0f, right});
  vertices_.push_back({x1, y1, -1.0f, -1.0f, right});
  vertices_.push_back({x0, y0, -1.0f, -1.0f, left});
  vertices_.push_back({x1, y1, -1.0f, -1.0f, right});
  vertices_.push_back({x0, y1, -1.0f, -1.0f, left});
}

void Overlay::line(float x0, float y0, float x1, float y1, float width, std::uint32_t color) {
  const float dx = x1 - x0, dy = y1 - y0;
  const float len = std::hypot(dx, dy);
  if (len <= 1e-6f || width <= 0) return;
  // the quad reaches half a pixel past each side; v is the distance across, for the ramp
  const float h = 0.5f * width, reach = h + 0.5f;
  const float nx = -dy / len * reach, ny = dx / len * reach;
  const float u = -2.0f - h;
  const OverlayVertex a{x0 + nx, y0 + ny, u, reach, color}, b{x1 + nx, y1 + ny, u, reach, color};
  const OverlayVertex c{x1 - nx, y1 - ny, u, -reach, color}, d{x0 - nx, y0 - ny, u, -reach, color};
  vertices_.insert(vertices_.end(), {a, b, c, a, c, d});
}

void Overlay::polyline(std::span<const std::array<float, 2>> points, float width, std::uint32_t color) {
  if (width <= 0) return;
  // repeated points carry no direction; dropping them keeps every joint well defined
  std::vector<std::array<float, 2>> p;
  p.reserve(points.size());
  for (const auto& q : points)
    if (p.empty() || std::hypot(q[0] - p.back()[0], q[1] - p.back()[1]) > 1e-6f) p.push_back(q);
  const float h = 0.5f * width;
  for (std::size_t i = 0; i + 1 < p.size(); ++i) line(p[i][0], p[i][1], p[i + 1][0], p[i + 1][1], width, color);
  for (std::size_t i = 1; i + 1 < p.size(); ++i) {
    const float d1x = p[i][0] - p[i - 1][0], d1y = p[i][1] - p[i - 1][1];
    const float d2x = p[i + 1][0] - p[i][0], d2y = p[i + 1][1] - p[i][1];
    const float l1 = std::hypot(d1x, d1y), l2 = std::hypot(d2x, d2y);
    const float n1x = -d1y / l1, n1y = d1x / l1, n2x = -d2y / l2, n2y = d2x / l2;
    const float cross = (d1x * d2y - d1y * d2x) / (l1 * l2);
    if (std::abs(cross) < 1e-4f) continue;  // straight on (no gap) or a reversal (the quads overlap)
    // the gap opens on the outside of the turn
    const float side = cross > 0 ? -h : h;
    const float ax = p[i][0] + side * n1x, ay = p[i][1] + side * n1y;
    const float bx = p[i][0] + side * n2x, by = p[i][1] + side * n2y;
    triangle(p[i][0], p[i][1], ax, ay, bx, by, color);
    const float mx = n1x + n2x, my = n1y + n2y;
    const float m2 = mx * mx + my * my;  // |n1 + n2| = 2 cos(turn / 2); miter length h * 2 / |n1 + n2|
    if (m2 >= 1.0f) {
      const float tx = p[i][0] + side * mx * 2.0f / m2, ty = p[i][1] + side * my * 2.0f / m2;
      triangle(ax, ay, tx, ty, bx, by, color);
    }
  }
}

void Overlay::polygon(std::span<const std::array<float, 2>> outline, std::uint32_t color) {
  const std::size_t n = outline.size();
  if (n < 3) return;
  auto cross = [&](std::size_t a, std::size_t b, std::size_t c) {
    const auto &p = outline[a], &q = outline[b], &r = outline[c];
    return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]);
  };
  double twice = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto &p = outline[i], &q = outline[(i + 1) % n];
    twice += static_cast<double>(p[0]) * q[1] - static_cast<double>(q[0]) * p[1];
  }
  const float sign = twice >= 0 ? 1.0f : -1.0f;  // ears turn the polygon's way
  std::vector<std::size_t> left(n);
  for (std::size_t i = 0; i < n; ++i) left[i] = i;
  auto emit = [&](std::size_t a, std::size_t b, std::size_t c) {
    triangle(outline[a][0], outline[a][1], outline[b][0], outline[b][1], outline[c][0], outline[c][1], color);
  };
  std::size_t i = 0, since_ear = 0;
  while (left.size() > 3 && since_ear < left.size()) {
    const std::size_t m = left.size();
    const std::size_t a = left[(i + m - 1) % m], b = left[i % m], c = left[(i + 1) % m];
    bool ear = sign * cross(a, b, c) > 0;
    // no other remaining corner inside it (only reflex corners can be)
    for (std::size_t k = 0; ear && k < m; ++k) {
      const std::size_t p = left[k];
      if (p == a || p == b || p == c || outline[p] == outline[a] || outline[p] == outline[b] || outline[p] == outline[c]) continue;
      if (sign * cross(left[(k + m - 1) % m], p, left[(k + 1) % m]) > 0) continue;  // convex corner
      ear = !(sign * cross(a, b, p) >= 0 && sign * cross(b, c, p) >= 0 && sign * cross(c, a, p) >= 0);
    }
    if (ear) {
      emit(a, b, c);
      left.erase(left.begin() + static_cast<std::ptrdiff_t>(i % m));
      since_ear = 0;
      if (i >= left.size()) i = 0;
    } else {
      i = (i + 1) % m;
      ++since_ear;
    }
  }
  for (std::size_t k = 1; k + 1 < left.size(); ++k) emit(left[0], left[k], left[k + 1]);  // the last ear, or what is left
}

namespace {

using Pt = std::array<float, 2>;

float signed_twice_area(std::span<const Pt> p) {
  double twice = 0;
  for (std::size_t i = 0; i < p.size(); ++i) twice += static_cast<double>(p[i][0]) * p[(i + 1) % p.size()][1] - static_cast<double>(p[(i + 1) % p.size()][0]) * p[i][1];
  return static_cast<float>(twice);
}

// whether segments ab and cd cross at a point inside both (touching ends do not count)
bool crosses(const Pt& a, const Pt& b, const Pt& c, const Pt& d) {
  auto side = [](const Pt& o, const Pt& p, const Pt& q) { return (p[0] - o[0]) * (q[1] - o[1]) - (p[1] - o[1]) * (q[0] - o[0]); };
  const float d1 = side(a, b, c), d2 = side(a, b, d), d3 = side(c, d, a), d4 = side(c, d, b);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

}  // namespace

void Overlay::polygon(std::span<const Pt> outline, std::span<const std::vector<Pt>> holes, std::uint32_t color) {
  if (outline.size() < 3) return;
  std::vector<Pt> merged(outline.begin(), outline.end());
  const bool ccw = signed_twice_area(merged) >= 0;
  // holes from the rightmost first (Eberly's order), each wound against the outline
  std::vector<std::vector<Pt>> rest;
  for (const auto& h : holes)
    if (h.size() >= 3) {
      rest.push_back(h);
      if ((signed_twice_area(rest.back()) >= 0) == ccw) std::reverse(rest.back().begin(), rest.back().end());
    }
  auto rightmost = [](const std::vector<Pt>& h) {
    return static_cast<std::size_t>(std::max_element(h.begin(), h.end(), [](const Pt& a, const Pt& b) { return a[0] < b[0]; }) - h.begin());
  };
  std::sort(rest.begin(), rest.end(), [&](const auto& a, const auto& b) { return a[rightmost(a)][0] > b[rightmost(b)][0]; });
  for (std::size_t hi = 0; hi < rest.size(); ++hi) {
    const std::vector<Pt>& h = rest[hi];
    const std::size_t m = rightmost(h);
    // the nearest outline vertex the hole's rightmost point sees: the bridge crosses no edge of the
    // outline so far nor of any hole
    std::vector<std::size_t> order(merged.size());
    for (std::size_t i = 0; i < merged.size(); ++i) order[i] = i;
    auto dist = [&](std::size_t i) {
      const float dx = merged[i][0] - h[m][0], dy = merged[i][1] - h[m][1];
      return dx * dx + dy * dy;
    };
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return dist(a) < dist(b); });
    std::size_t at = merged.size();
    // a point strictly inside the bridge (it would pass through a corner)
    auto on_bridge = [&](const Pt& a, const Pt& b, const Pt& q) {
      if (q == a || q == b) return false;
      const float cr = (b[0] - a[0]) * (q[1] - a[1]) - (b[1] - a[1]) * (q[0] - a[0]);
      const float dot = (q[0] - a[0]) * (b[0] - a[0]) + (q[1] - a[1]) * (b[1] - a[1]), len2 = (b[0] - a[0]) * (b[0] - a[0]) + (b[1] - a[1]) * (b[1] - a[1]);
      return std::abs(cr) <= 1e-4f * len2 && dot > 0 && dot < len2;
    };
    for (std::size_t i : order) {
      // only to the right of the hole (its rightmost point's side), so the bridge never enters it
      if (merged[i][0] < h[m][0]) continue;
      // nor to a corner an earlier bridge doubled: splicing at the wrong one of its two places
      // would put the hole in the wrong corner's angle
      if (std::count(merged.begin(), merged.end(), merged[i]) > 1) continue;
      bool clear = true;
      for (std::size_t e = 0; clear && e < merged.size(); ++e) clear = !on_bridge(h[m], merged[i], merged[e]);
      for (std::size_t o = hi; clear && o < rest.size(); ++o)
        for (const Pt& q : rest[o]) clear = clear && !on_bridge(h[m], merged[i], q);
      for (std::size_t e = 0; clear && e < merged.size(); ++e) clear = !crosses(h[m], merged[i], merged[e], merged[(e + 1) % merged.size()]);
      for (std::size_t o = hi; clear && o < rest.size(); ++o)
        for (std::size_t e = 0; clear && e < rest[o].size(); ++e) clear = !crosses(h[m], merged[i], rest[o][e], rest[o][(e + 1) % rest[o].size()]);
      if (clear) {
        at = i;
        break;
      }
    }
    if (at == merged.size()) continue;  // no bridge: the hole is filled over
    // outline up to the bridge, around the hole from its rightmost point and back, then on
    std::vector<Pt> spliced(merged.begin(), merged.begin() + static_cast<std::ptrdiff_t>(at + 1));
    for (std::size_t k = 0; k <= h.size(); ++k) spliced.push_back(h[(m + k) % h.size()]);
    spliced.push_back(merged[at]);
    spliced.insert(spliced.end(), merged.begin() + static_cast<std::ptrdiff_t>(at + 1), merged.end());
    merged = std::move(spliced);
  }
  polygon(merged, color);
}

void Overlay::circle(float x, float y, float radius, std::uint32_t color) {
  if (radius <= 0) return;
  const int n = std::clamp(static_cast<int>(std::ceil(radius)), 16, 24);
  const float step = 2.0f * 3.14159265358979f / static_cast<float>(n);
  // a fan reaching half a pixel past the radius; v is the distance from the centre, for the ramp
  const float reach = radius + 0.5f, u = -2.0f - radius;
  float px = x + reach, py = y;
  for (int k = 1; k <= n; ++k) {
    const float a = step * static_cast<float>(k % n);
    const float qx = x + reach * std::cos(a), qy = y + reach * std::sin(a);
    vertices_.insert(vertices_.end(), {OverlayVertex{x, y, u, 0.0f, color}, OverlayVertex{px, py, u, reach, color}, OverlayVertex{qx, qy, u, reach, color}});
    px = qx;
    py = qy;
  }
}

}  // namespace calfpump::render
