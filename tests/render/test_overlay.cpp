// The overlay's font atlas and draw list, on the CPU: the default fonts bake into a usable
// signed-distance atlas, text lays out with the right metrics and glyphs, UTF-8 decoding copes with
// bad input, broken font files are reported by name, and shapes stay inside their bounds.

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "render/overlay.hpp"

using namespace calfpump::render;

namespace {

// baking takes a moment; every test shares one pair of atlases
const FontAtlas& regular() {
  static const FontAtlas atlas = load_font(default_font_path(false));
  return atlas;
}

const FontAtlas& bold() {
  static const FontAtlas atlas = load_font(default_font_path(true));
  return atlas;
}

struct Bounds {
  float x0, y0, x1, y1;
};

bool inside(const std::vector<OverlayVertex>& v, Bounds b, float tolerance = 1e-3f) {
  return std::all_of(v.begin(), v.end(), [&](const OverlayVertex& p) {
    return p.x >= b.x0 - tolerance && p.x <= b.x1 + tolerance && p.y >= b.y0 - tolerance && p.y <= b.y1 + tolerance;
  });
}

bool all_solid(const std::vector<OverlayVertex>& v) {
  return std::all_of(v.begin(), v.end(), [](const OverlayVertex& p) { return p.u == -1.0f && p.v == -1.0f; });
}

// solid, hard-edged or with an anti-aliased edge at distance h: u = -2 - h (overlay.hpp)
bool all_shapes(const std::vector<OverlayVertex>& v) {
  return std::all_of(v.begin(), v.end(), [](const OverlayVertex& p) { return p.u == -1.0f || p.u <= -2.0f; });
}

// the coverage overlay.frag gives an edged solid at distance v from its centre line or centre
float edge_coverage(float u, float v) { return std::clamp(-u - 1.5f - std::abs(v), 0.0f, 1.0f); }

// the atlas glyph a single-glyph text() drew, identified by its top-left uv
const Glyph* drawn_glyph(const FontAtlas& atlas, const std::vector<OverlayVertex>& v) {
  REQUIRE(v.size() == 6);
  for (const Glyph& g : atlas.glyphs)
    if (g.visible() && g.u0 == v[0].u && g.v0 == v[0].v) return &g;
  return nullptr;
}

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    path = std::filesystem::temp_directory_path() / ("calfpump_overlay_" + std::to_string(stamp));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace

TEST_CASE("the default fonts bake into a signed-distance atlas", "[overlay]") {
  const FontAtlas& a = regular();
  CHECK(a.width == 1024);
  REQUIRE(a.height > 0);
  REQUIRE(a.pixels.size() == static_cast<std::size_t>(a.width) * static_cast<std::size_t>(a.height));
  const auto in = std::count_if(a.pixels.begin(), a.pixels.end(), [](std::uint8_t p) { return p > 128; });
  const auto out = std::count_if(a.pixels.begin(), a.pixels.end(), [](std::uint8_t p) { return p < 128; });
  CHECK(in > 1000);
  CHECK(out > 1000);
  CHECK(a.px_range > 1.0f);
  CHECK(a.bake_size == 40.0f);
  CHECK(a.ascent - a.descent == Approx(a.bake_size).epsilon(1e-4));

  // every requested range is there (DejaVu Sans covers them all), sorted for lookup
  for (char32_t cp : {U'A', U'~', U'é', U'ÿ', U'–', U'…', U'←', U'↓', U'−', U'·', U'≤', U'≥', U'α', U'ω', U'µ', U'°'})
    CHECK(a.find(cp) != nullptr);
  CHECK(a.find(U'\u4E2D') == nullptr);  // CJK: not baked
  CHECK(std::is_sorted(a.glyphs.begin(), a.glyphs.end(),
                       [](const Glyph& p, const Glyph& q) { return p.codepoint < q.codepoint; }));

  // a glyph's box: its centre column crosses ink, its corner is outside; uv inside [0,1)
  const Glyph* l = a.find(U'l');
  REQUIRE(l);
  REQUIRE(l->visible());
  CHECK(l->u1 < 1.0f);
  CHECK(l->v1 <= 1.0f);
  const int cx = static_cast<int>((l->u0 + l->u1) * 0.5f * static_cast<float>(a.width));
  const int cy = static_cast<int>((l->v0 + l->v1) * 0.5f * static_cast<float>(a.height));
  CHECK(a.pixels[static_cast<std::size_t>(cy) * a.width + cx] > 128);
  const int x0 = static_cast<int>(l->u0 * static_cast<float>(a.width));
  const int y0 = static_cast<int>(l->v0 * static_cast<float>(a.height));
  CHECK(a.pixels[static_cast<std::size_t>(y0) * a.width + x0] < 128);

  const Glyph* space = a.find(U' ');
  REQUIRE(space);
  CHECK_FALSE(space->visible());
  CHECK(space->advance > 0);

  CHECK(bold().find(U'A') != nullptr);
  CHECK(bold().find(U'A')->advance > a.find(U'A')->advance);  // bold is wider
}

TEST_CASE("text width follows the string, the size and the glyph shapes", "[overlay]") {
  Overlay o(&regular(), &bold());
  const float w1 = o.text_width("Calf", 20);
  const float w2 = o.text_width("Calf pump", 20);
  CHECK(w1 > 0);
  CHECK(w2 > w1);
  CHECK(o.text_width("Calf pump", 40) == Approx(2 * w2).epsilon(0.01));
  CHECK(o.text_width("Calf pump", 13) == Approx(13.0f / 20.0f * w2).epsilon(0.01));
  CHECK(o.text_width("W", 20) > o.text_width("i", 20));
  CHECK(o.text_width("", 20) == 0.0f);
  CHECK(o.text_width("Calf pump", 20, true) > w2);

  // kerning pulls A and V together
  CHECK(o.text_width("AV", 40) < o.text_width("A", 40) + o.text_width("V", 40) - 0.5f);
  // text() returns the same width it lays out
  CHECK(o.text(0, 0, 20, "Calf pump", rgba(255, 255, 255)) == Approx(w2));
}

TEST_CASE("text emits one quad per visible glyph, placed by alignment", "[overlay]") {
  Overlay o(&regular(), &bold());
  o.text(10, 20, 24, "ab c", rgba(255, 255, 255));
  CHECK(o.vertices().size() == 3 * 6);
  o.clear();
  CHECK(o.vertices().empty());
  o.text(10, 20, 24, "   ", rgba(255, 255, 255));
  CHECK(o.vertices().empty());
  o.text(10, 20, 24, "a\tb\n", rgba(255, 255, 255));  // control characters are skipped, not '?'
  CHECK(o.vertices().size() == 2 * 6);
  o.clear();

  // colour and atlas range: regular u in [0,1), v in [0,1]
  o.text(10, 20, 24, "Hello", rgba(1, 2, 3, 4));
  REQUIRE(o.vertices().size() == 5 * 6);
  for (const OverlayVertex& v : o.vertices()) {
    CHECK(v.rgba == 0x04030201u);
    CHECK(v.u >= 0.0f);
    CHECK(v.u < 1.0f);
    CHECK(v.v >= 0.0f);
    CHECK(v.v <= 1.0f);
  }

  // the glyph boxes span the line box vertically (plus the SDF padding) and the width horizontally
  o.clear();
  const float w = o.text(100, 50, 30, "Hg", rgba(255, 255, 255));
  float top = 1e9f, bottom = -1e9f, left = 1e9f, right = -1e9f;
  for (const OverlayVertex& v : o.vertices()) {
    top = std::min(top, v.y);
    bottom = std::max(bottom, v.y);
    left = std::min(left, v.x);
    right = std::max(right, v.x);
  }
  const float pad = 8.0f * 30.0f / regular().bake_size;  // padding plus a margin, in screen pixels
  CHECK(top > 50 - pad);
  CHECK(top < 50 + 10);  // 'H' reaches near the top of the box
  CHECK(bottom < 80 + pad);
  CHECK(bottom > 80 - 2);  // 'g' reaches near the bottom
  CHECK(left > 100 - pad);
  CHECK(right < 100 + w + pad);

  // alignment: right-aligned text ends where left-aligned text starting at x - width ends
  o.clear();
  o.text(300, 0, 20, "Right", rgba(255, 255, 255), Align::Right);
  const auto right_aligned = o.vertices();
  o.clear();
  const float rw = o.text_width("Right", 20);
  o.text(300 - rw, 0, 20, "Right", rgba(255, 255, 255));
  REQUIRE(right_aligned.size() == o.vertices().size());
  for (std::size_t i = 0; i < right_aligned.size(); ++i) CHECK(right_aligned[i].x == Approx(o.vertices()[i].x));
  o.clear();
  o.text(300, 0, 20, "Right", rgba(255, 255, 255), Align::Center);
  CHECK(o.vertices().front().x == Approx(right_aligned.front().x + 0.5f * rw));
}

TEST_CASE("bold text selects the second atlas through u", "[overlay]") {
  Overlay o(&regular(), &bold());
  o.text(0, 0, 20, "Bold", rgba(255, 255, 255), Align::Left, true);
  REQUIRE(o.vertices().size() == 4 * 6);
  for (const OverlayVertex& v : o.vertices()) {
    CHECK(v.u >= 2.0f);
    CHECK(v.u < 3.0f);
  }
  // the glyph is bold's, in bold's atlas
  const Glyph* g = bold().find(U'B');
  REQUIRE(g);
  CHECK(o.vertices()[0].u == g->u0 + 2.0f);

  // without a bold atlas bold text falls back to the regular one and its range
  Overlay plain(&regular());
  plain.text(0, 0, 20, "Bold", rgba(255, 255, 255), Align::Left, true);
  REQUIRE(plain.vertices().size() == 4 * 6);
  for (const OverlayVertex& v : plain.vertices()) CHECK(v.u < 1.0f);
  CHECK(plain.text_width("Bold", 20, true) == Approx(plain.text_width("Bold", 20)));

  CHECK_THROWS_AS(Overlay(nullptr), std::invalid_argument);
}

TEST_CASE("UTF-8 decodes to the baked glyphs and bad input draws '?'", "[overlay]") {
  const FontAtlas& a = regular();
  const Glyph* question = a.find(U'?');
  REQUIRE(question);
  Overlay o(&a);

  for (const auto& [utf8, cp] : {std::pair<const char*, char32_t>{"\xC2\xB0", U'°'}, {"\xC2\xB5", U'µ'},
                                 {"\xCE\xB1", U'α'}, {"\xE2\x86\x92", U'→'}, {"\xE2\x80\x94", U'—'}}) {
    o.clear();
    o.text(0, 0, 20, utf8, rgba(255, 255, 255));
    const Glyph* g = drawn_glyph(a, o.vertices());
    REQUIRE(g);
    CHECK(g->codepoint == cp);
    CHECK(g != question);
    CHECK(o.text_width(utf8, 40) == Approx(a.find(cp)->advance));
  }

  // count '?' quads for malformed sequences: each maximal invalid subpart is one '?'
  const auto question_marks = [&](std::string_view s) {
    o.clear();
    o.text(0, 0, 20, s, rgba(255, 255, 255));
    int n = 0;
    for (std::size_t i = 0; i < o.vertices().size(); i += 6) n += o.vertices()[i].u == question->u0 ? 1 : 0;
    return n;
  };
  CHECK(question_marks("\xFF") == 1);                  // never valid
  CHECK(question_marks("a\xE2\x82") == 1);             // truncated at the end
  CHECK(question_marks("\xE2\x82z") == 1);             // truncated before ASCII, which survives
  CHECK(o.vertices().size() == 2 * 6);
  CHECK(question_marks("\xC0\xAF") == 2);              // overlong '/'
  CHECK(question_marks("\xED\xA0\x80") == 3);          // UTF-16 surrogate
  CHECK(question_marks("\xF4\x90\x80\x80") == 4);      // beyond U+10FFFF
  CHECK(question_marks("\x80\x80") == 2);              // stray continuation bytes
  CHECK(question_marks("\xE4\xB8\xAD") == 1);          // valid but not baked (CJK)
  CHECK(question_marks("ok") == 0);

  // arbitrary bytes never crash and never emit a partial quad
  std::uint32_t seed = 12345;
  std::string junk;
  for (int i = 0; i < 4000; ++i) {
    seed = seed * 1664525u + 1013904223u;
    junk.push_back(static_cast<char>(seed >> 24));
  }
  o.clear();
  CHECK(o.text(0, 0, 16, junk, rgba(255, 255, 255)) > 0);
  CHECK(o.vertices().size() % 6 == 0);
}

TEST_CASE("broken font files are reported by name", "[overlay]") {
  TempDir dir;
  const auto missing = dir.path / "no_such_font.ttf";
  CHECK_THROWS_WITH(load_font(missing), Catch::Contains(missing.string()));

  const auto text = dir.path / "not_a_font.ttf";
  std::ofstream(text) << "This is a text file, not a TrueType font.\n";
  CHECK_THROWS_AS(load_font(text), std::runtime_error);
  CHECK_THROWS_WITH(load_font(text), Catch::Contains(text.string()));

  const auto tiny = dir.path / "tiny.ttf";
  std::ofstream(tiny) << "tr";
  CHECK_THROWS_WITH(load_font(tiny), Catch::Contains(tiny.string()));

  // a real font cut short: the table directory points past the end
  const auto truncated = dir.path / "truncated.ttf";
  {
    std::ifstream in(default_font_path(), std::ios::binary);
    std::vector<char> head(600);
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::ofstream(truncated, std::ios::binary).write(head.data(), static_cast<std::streamsize>(head.size()));
  }
  CHECK_THROWS_WITH(load_font(truncated), Catch::Contains(truncated.string()));

  CHECK_THROWS_WITH(load_font(dir.path), Catch::Contains(dir.path.string()));  // a folder
}

TEST_CASE("the default font path honours CALFPUMP_FONT", "[overlay]") {
  const char* saved = std::getenv("CALFPUMP_FONT");
  const std::string keep = saved ? saved : "";
  ::unsetenv("CALFPUMP_FONT");
  ::unsetenv("CALFPUMP_FONT_BOLD");
  CHECK(default_font_path() == "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
  CHECK(default_font_path(true) == "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf");
  ::setenv("CALFPUMP_FONT", "/tmp/other.ttf", 1);
  CHECK(default_font_path() == "/tmp/other.ttf");
  CHECK(default_font_path(true) == "/tmp/other.ttf");
  if (saved)
    ::setenv("CALFPUMP_FONT", keep.c_str(), 1);
  else
    ::unsetenv("CALFPUMP_FONT");
}

TEST_CASE("shapes are solid triangles inside their bounds", "[overlay]") {
  Overlay o(&regular());

  o.rect(30, 40, 10, 20, rgba(255, 0, 0));  // corners in either order
  CHECK(o.vertices().size() == 6);
  CHECK(all_solid(o.vertices()));
  CHECK(inside(o.vertices(), {10, 20, 30, 40}));
  o.clear();
  o.rect(5, 5, 5, 9, rgba(255, 0, 0));  // empty
  CHECK(o.vertices().empty());

  o.rect_gradient_h(0, 0, 100, 10, rgba(0, 0, 255), rgba(255, 0, 0));
  REQUIRE(o.vertices().size() == 6);
  CHECK(inside(o.vertices(), {0, 0, 100, 10}));
  for (const OverlayVertex& v : o.vertices()) CHECK(v.rgba == (v.x == 0 ? rgba(0, 0, 255) : rgba(255, 0, 0)));
  o.clear();

  o.line(10, 10, 110, 60, 4, rgba(0, 255, 0));
  CHECK(o.vertices().size() == 6);
  CHECK(o.vertices().size() % 3 == 0);
  CHECK(all_shapes(o.vertices()));
  CHECK(inside(o.vertices(), {7.5f, 7.5f, 112.5f, 62.5f}));  // half the width and half a pixel of ramp
  // the long sides ramp over one pixel centred on the true edge (2 px from the centre line)
  for (const OverlayVertex& v : o.vertices()) {
    CHECK(v.u == Approx(-4.0f));
    CHECK(std::abs(v.v) == Approx(2.5f));
    CHECK(edge_coverage(v.u, v.v) == Approx(0.0f));
  }
  CHECK(edge_coverage(-4.0f, 0.0f) == Approx(1.0f));
  CHECK(edge_coverage(-4.0f, 2.0f) == Approx(0.5f));
  CHECK(edge_coverage(-4.0f, 1.5f) == Approx(1.0f));
  o.clear();
  o.line(10, 10, 10, 10, 4, rgba(0, 255, 0));  // no direction, nothing to draw
  CHECK(o.vertices().empty());

  // a zigzag with sharp and gentle turns, a repeated point and a straight run
  const std::vector<std::array<float, 2>> zig{{0, 0}, {50, 40}, {50, 40}, {100, 0}, {110, 40}, {115, 0}, {150, 0}, {200, 0}};
  const float width = 6;
  o.polyline(zig, width, rgba(255, 255, 255));
  CHECK(o.vertices().size() % 3 == 0);
  CHECK(o.vertices().size() >= 6 * 6);  // six segments after dropping the repeat
  CHECK(all_shapes(o.vertices()));
  CHECK(inside(o.vertices(), {-width - 0.5f, -width - 0.5f, 200 + width + 0.5f, 40 + width + 0.5f}));
  // joints are filled: a point just outside the outer corner of the first turn lies in a triangle
  const auto covered = [&](float px, float py) {
    const auto& v = o.vertices();
    for (std::size_t i = 0; i < v.size(); i += 3) {
      const auto edge = [&](const OverlayVertex& a, const OverlayVertex& b) {
        return (b.x - a.x) * (py - a.y) - (b.y - a.y) * (px - a.x);
      };
      const float e0 = edge(v[i], v[i + 1]), e1 = edge(v[i + 1], v[i + 2]), e2 = edge(v[i + 2], v[i]);
      if ((e0 >= 0 && e1 >= 0 && e2 >= 0) || (e0 <= 0 && e1 <= 0 && e2 <= 0)) return true;
    }
    return false;
  };
  CHECK(covered(50, 40 + 0.45f * width));  // below the valley at (50, 40): the miter
  CHECK(covered(110, 40.4f));               // below the sharp valley at (110, 40): the bevel
  CHECK_FALSE(covered(50, 40 + 2.1f * width));
  o.clear();
  const std::vector<std::array<float, 2>> single{{3, 3}};
  o.polyline(single, 2, rgba(255, 255, 255));
  CHECK(o.vertices().empty());

  for (const float r : {2.0f, 10.0f, 50.0f}) {
    o.clear();
    o.circle(100, 200, r, rgba(0, 0, 255));
    CHECK(o.vertices().size() % 3 == 0);
    CHECK(o.vertices().size() >= 16 * 3);
    CHECK(o.vertices().size() <= 24 * 3);
    CHECK(all_shapes(o.vertices()));
    const float reach = r + 0.5f;  // the rim's ramp: half a pixel past the radius
    CHECK(inside(o.vertices(), {100 - reach, 200 - reach, 100 + reach, 200 + reach}));
    for (const OverlayVertex& v : o.vertices()) {
      CHECK(std::hypot(v.x - 100, v.y - 200) <= reach * 1.0001f);
      // full coverage at the centre, none at the rim vertices, half at the radius
      CHECK(edge_coverage(v.u, v.v) == Approx(v.v == 0.0f ? 1.0f : 0.0f));
    }
    CHECK(edge_coverage(-2.0f - r, r) == Approx(0.5f));
  }
  o.clear();
  o.circle(0, 0, 0, rgba(0, 0, 255));
  CHECK(o.vertices().empty());

  static_assert(rgba(1, 2, 3, 4) == 0x04030201u);
  static_assert(rgba(300, -5, 255) == 0xFFFF00FFu);
}

TEST_CASE("a polygon is filled by ear clipping, concave or with holes, and covers its area once", "[overlay]") {
  Overlay o(&regular());
  auto area = [](const std::vector<OverlayVertex>& v) {
    double a = 0;
    for (std::size_t i = 0; i + 2 < v.size(); i += 3)
      a += std::abs((v[i + 1].x - v[i].x) * (v[i + 2].y - v[i].y) - (v[i + 2].x - v[i].x) * (v[i + 1].y - v[i].y)) / 2.0;
    return a;
  };
  // a U, either winding: 30 x 30 less its 10 x 20 notch
  std::vector<std::array<float, 2>> u{{0, 0}, {10, 0}, {10, 20}, {20, 20}, {20, 0}, {30, 0}, {30, 30}, {0, 30}};
  o.polygon(u, rgba(0, 0, 0));
  CHECK(o.vertices().size() == 3 * (u.size() - 2));
  CHECK(all_solid(o.vertices()));
  CHECK(area(o.vertices()) == Approx(900 - 200));
  o.clear();
  std::reverse(u.begin(), u.end());
  o.polygon(u, rgba(0, 0, 0));
  CHECK(area(o.vertices()) == Approx(700));
  // a square with two square holes (either winding): the area without them
  o.clear();
  const std::vector<std::array<float, 2>> outer{{0, 0}, {100, 0}, {100, 100}, {0, 100}};
  const std::vector<std::vector<std::array<float, 2>>> holes{{{10, 10}, {30, 10}, {30, 30}, {10, 30}}, {{60, 60}, {60, 80}, {80, 80}, {80, 60}}};
  o.polygon(outer, holes, rgba(0, 0, 0));
  CHECK(all_solid(o.vertices()));
  CHECK(area(o.vertices()) == Approx(10000 - 400 - 400));
  // no triangle covers a hole's middle
  for (std::size_t i = 0; i + 2 < o.vertices().size(); i += 3) {
    const auto &a = o.vertices()[i], &b = o.vertices()[i + 1], &c = o.vertices()[i + 2];
    for (const auto& q : {std::array<float, 2>{20, 20}, std::array<float, 2>{70, 70}}) {
      const float d1 = (b.x - a.x) * (q[1] - a.y) - (b.y - a.y) * (q[0] - a.x), d2 = (c.x - b.x) * (q[1] - b.y) - (c.y - b.y) * (q[0] - b.x),
                  d3 = (a.x - c.x) * (q[1] - c.y) - (a.y - c.y) * (q[0] - c.x);
      CHECK_FALSE(((d1 > 0 && d2 > 0 && d3 > 0) || (d1 < 0 && d2 < 0 && d3 < 0)));
    }
  }
}

TEST_CASE("holes bridged one after another never land in a corner an earlier bridge doubled", "[overlay]") {
  // a drawn cross-section's fascia with its 14 vein openings (tests/render/section_fascia_holes.txt)
  std::ifstream in(CALFPUMP_TEST_DATA "/section_fascia_holes.txt");
  REQUIRE(in);
  std::vector<std::array<float, 2>> outer;
  std::vector<std::vector<std::array<float, 2>>> holes;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line.substr(1));
    std::vector<std::array<float, 2>> pts;
    for (std::string w; words >> w;) pts.push_back({std::stof(w.substr(0, w.find(','))), std::stof(w.substr(w.find(',') + 1))});
    if (line[0] == 'P') outer = pts;
    else holes.push_back(pts);
  }
  REQUIRE(holes.size() == 14);
  Overlay o(&regular());
  o.polygon(outer, holes, rgba(0, 0, 0));
  const auto& v = o.vertices();
  int covered = 0;
  for (const auto& h : holes) {
    float qx = 0, qy = 0;
    for (const auto& p : h) {
      qx += p[0] / static_cast<float>(h.size());
      qy += p[1] / static_cast<float>(h.size());
    }
    for (std::size_t i = 0; i + 2 < v.size(); i += 3) {
      const auto &p = v[i], &q = v[i + 1], &r = v[i + 2];
      const float d1 = (q.x - p.x) * (qy - p.y) - (q.y - p.y) * (qx - p.x), d2 = (r.x - q.x) * (qy - q.y) - (r.y - q.y) * (qx - q.x),
                  d3 = (p.x - r.x) * (qy - r.y) - (p.y - r.y) * (qx - r.x);
      covered += (d1 > 0 && d2 > 0 && d3 > 0) || (d1 < 0 && d2 < 0 && d3 < 0);
    }
  }
  CHECK(covered == 0);  // no triangle over an opening's middle
}
