// Shaped text, on the CPU: Arabic comes out right to left with its joining forms and the glyphs
// HarfBuzz itself gives, numbers and Latin words keep their order inside it, English and Spanish
// match the code-point path, the atlas bakes the glyphs shaped text needs (and grows for them),
// the overlay draws one quad per visible glyph where the shaping puts it ('?' for a glyph that
// was not baked), and bad UTF-8 does not crash.

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <hb-ot.h>
#include <hb.h>

#include "render/overlay.hpp"
#include "render/shaping.hpp"

using namespace calfpump::render;

namespace {

const std::string kArabicCaption = "الصمامات تمنع الدم من الرجوع";  // the valves stop the blood going back
const std::string kMixed = "الضغط 90 mmHg";                         // the pressure 90 mmHg
const std::string kSpanish = "Las válvulas impiden que la sangre baje";
const std::string kEnglish = "The valves keep the blood from falling back";

const FontAtlas& regular() {  // no shaped texts: only the code points' glyphs
  static const FontAtlas atlas = load_font(default_font_path(false));
  return atlas;
}

const FontAtlas& captions() {  // the captions' glyphs baked by index too
  static const std::vector<std::string> texts = {kArabicCaption, kMixed};
  static const FontAtlas atlas = load_font(default_font_path(false), 40.0f, texts);
  return atlas;
}

const FontAtlas& captions_bold() {
  static const std::vector<std::string> texts = {kArabicCaption};
  static const FontAtlas atlas = load_font(default_font_path(true), 40.0f, texts);
  return atlas;
}

const Shaper& shaper() { return *regular().shaper; }

// HarfBuzz on its own: the whole text as one run, its properties guessed from the text
struct Reference {
  std::vector<std::uint32_t> glyphs;  // in HarfBuzz's output order
  std::vector<std::uint32_t> clusters;
  std::int64_t advance = 0;  // font units
  hb_direction_t direction = HB_DIRECTION_INVALID;
};

struct HbFont {
  hb_blob_t* blob = hb_blob_create_from_file(default_font_path(false).c_str());
  hb_face_t* face = hb_face_create(blob, 0);
  hb_font_t* font = hb_font_create(face);
  HbFont() { hb_ot_font_set_funcs(font); }
  ~HbFont() {
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
  }
  HbFont(const HbFont&) = delete;
  HbFont& operator=(const HbFont&) = delete;
};

const HbFont& hb_font() {
  static const HbFont f;
  return f;
}

Reference hb_reference(const std::string& utf8) {
  hb_buffer_t* buffer = hb_buffer_create();
  hb_buffer_add_utf8(buffer, utf8.data(), static_cast<int>(utf8.size()), 0, static_cast<int>(utf8.size()));
  hb_buffer_guess_segment_properties(buffer);
  hb_shape(hb_font().font, buffer, nullptr, 0);
  Reference r;
  r.direction = hb_buffer_get_direction(buffer);
  unsigned n = 0;
  const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer, &n);
  const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buffer, &n);
  for (unsigned i = 0; i < n; ++i) {
    r.glyphs.push_back(info[i].codepoint);
    r.clusters.push_back(info[i].cluster);
    r.advance += pos[i].x_advance;
  }
  hb_buffer_destroy(buffer);
  return r;
}

std::uint32_t nominal(char32_t cp) {
  hb_codepoint_t g = 0;
  REQUIRE(hb_font_get_nominal_glyph(hb_font().font, cp, &g));
  return g;
}

const ShapedGlyph& at_cluster(const ShapedLine& line, std::uint32_t cluster) {
  const auto it = std::find_if(line.glyphs.begin(), line.glyphs.end(), [&](const ShapedGlyph& g) { return g.cluster == cluster; });
  REQUIRE(it != line.glyphs.end());
  return *it;
}

std::size_t byte_of(const std::string& s, const std::string& part) {
  const std::size_t at = s.find(part);
  REQUIRE(at != std::string::npos);
  return at;
}

// each glyph's origin is its pen position (these texts have no marks to offset) and the advances
// add up to the width
void check_consistent(const ShapedLine& line) {
  float pen = 0;
  for (const ShapedGlyph& g : line.glyphs) {
    CHECK(g.x == Approx(pen).margin(1e-3));
    CHECK(g.y == 0.0f);
    pen += g.advance;
  }
  CHECK(line.width == Approx(pen).margin(1e-3));
}

}  // namespace

TEST_CASE("an Arabic caption shapes right to left with its joining forms, as HarfBuzz does", "[text][shaping]") {
  const ShapedLine line = shaper().shape(kArabicCaption);
  CHECK(line.rtl);
  REQUIRE(!line.glyphs.empty());
  check_consistent(line);

  // the same glyphs HarfBuzz gives the whole caption; its output for a right-to-left buffer is
  // already in visual order (its clusters run backwards)
  const Reference ref = hb_reference(kArabicCaption);
  CHECK(ref.direction == HB_DIRECTION_RTL);
  std::vector<std::uint32_t> ours, clusters;
  for (const ShapedGlyph& g : line.glyphs) {
    ours.push_back(g.index);
    clusters.push_back(g.cluster);
  }
  CHECK(ours == ref.glyphs);
  CHECK(clusters == ref.clusters);
  CHECK(std::is_sorted(clusters.rbegin(), clusters.rend()));
  CHECK(line.width == Approx(static_cast<float>(ref.advance) * shaper().scale()).margin(1e-2));

  // the first logical letter (alef, byte 0) is the rightmost glyph
  const ShapedGlyph& first = at_cluster(line, 0);
  for (const ShapedGlyph& g : line.glyphs) CHECK(g.x <= first.x);
  CHECK(line.glyphs.back().cluster == 0);

  // joining: sad in the middle of الصمامات takes its medial form, not the isolated one the cmap
  // gives; so does the meem after it; in تمنع (bytes 17..24) noon is medial, ain final
  CHECK(at_cluster(line, 4).index != nominal(U'\u0635'));
  CHECK(at_cluster(line, 6).index != nominal(U'\u0645'));
  CHECK(at_cluster(line, 21).index != nominal(U'\u0646'));
  CHECK(at_cluster(line, 23).index != nominal(U'\u0639'));
  CHECK(at_cluster(line, 21).index != at_cluster(line, 23).index);
  // the letters that cannot join: the first alef (nothing before it) and teh after an alef (which
  // does not join forwards) keep the cmap's isolated forms
  CHECK(at_cluster(line, 0).index == nominal(U'\u0627'));
  CHECK(at_cluster(line, 14).index == nominal(U'\u062A'));
  // no .notdef: DejaVu Sans has Arabic
  for (const ShapedGlyph& g : line.glyphs) CHECK(g.index != 0);
}

TEST_CASE("numbers and Latin words keep their order inside right-to-left text", "[text][shaping][bidi]") {
  const ShapedLine line = shaper().shape(kMixed);
  CHECK(line.rtl);
  check_consistent(line);
  const std::uint32_t nine = static_cast<std::uint32_t>(byte_of(kMixed, "90"));
  const std::uint32_t m = static_cast<std::uint32_t>(byte_of(kMixed, "mmHg"));
  // each left to right inside itself
  CHECK(at_cluster(line, nine).x < at_cluster(line, nine + 1).x);
  CHECK(at_cluster(line, m).x < at_cluster(line, m + 1).x);
  CHECK(at_cluster(line, m + 1).x < at_cluster(line, m + 2).x);
  CHECK(at_cluster(line, m + 2).x < at_cluster(line, m + 3).x);
  CHECK(at_cluster(line, nine).index == nominal(U'9'));
  CHECK(at_cluster(line, m + 2).index == nominal(U'H'));
  // the Arabic word is rightmost, read first; then (leftwards) the number, then the unit: the
  // space between "90" and "mmHg" takes the paragraph's direction (UAX #9, N1)
  const float arabic_left = at_cluster(line, 8).x;  // the word's last letter, its left end
  CHECK(at_cluster(line, nine + 1).x < arabic_left);
  CHECK(at_cluster(line, m + 3).x < at_cluster(line, nine).x);
  for (const ShapedGlyph& g : line.glyphs) CHECK(g.x <= at_cluster(line, 0).x);

  // isolated in U+2066 LRI .. U+2069 PDI, "90 mmHg" reads left to right as one piece
  const std::string isolated = "الضغط \u206690 mmHg\u2069";
  const ShapedLine iso = shaper().shape(isolated);
  CHECK(iso.rtl);
  const auto n9 = static_cast<std::uint32_t>(byte_of(isolated, "90"));
  const auto nm = static_cast<std::uint32_t>(byte_of(isolated, "mmHg"));
  CHECK(at_cluster(iso, n9).x < at_cluster(iso, n9 + 1).x);
  CHECK(at_cluster(iso, n9 + 1).x < at_cluster(iso, nm).x);
  CHECK(at_cluster(iso, nm + 3).x < at_cluster(iso, 8).x);

  // the other way round: an Arabic word inside an English line, the line left to right
  const std::string english = "Pressure: الضغط";
  const ShapedLine ltr = shaper().shape(english);
  CHECK_FALSE(ltr.rtl);
  const auto a = static_cast<std::uint32_t>(byte_of(english, "ال"));
  CHECK(at_cluster(ltr, 0).x == 0.0f);
  CHECK(at_cluster(ltr, a).x > at_cluster(ltr, a + 8).x);      // the word itself right to left
  CHECK(at_cluster(ltr, a + 8).x > at_cluster(ltr, a - 1).x);  // after the English
}

TEST_CASE("English and Spanish shape left to right like the code-point path", "[text][shaping]") {
  Overlay o(&regular());
  for (const std::string& text : {kEnglish, kSpanish, std::string("AVATAR Wave, Tú y él: ¿qué?")}) {
    INFO(text);
    const ShapedLine line = shaper().shape(text);
    CHECK_FALSE(line.rtl);
    check_consistent(line);
    for (std::size_t i = 1; i < line.glyphs.size(); ++i) CHECK(line.glyphs[i].cluster > line.glyphs[i - 1].cluster);
    // the advances with kerning (GPOS) come to the code-point path's width within a pixel at 40 px
    CHECK(line.width == Approx(o.text_width(text, regular().bake_size)).margin(1.0));
    CHECK(o.shaped_text_width(text, 20) == Approx(o.text_width(text, 20)).margin(0.5));
  }
  // the glyphs are the cmap's: no substitutions in these
  const ShapedLine spanish = shaper().shape(kSpanish);
  CHECK(at_cluster(spanish, static_cast<std::uint32_t>(byte_of(kSpanish, "á"))).index == nominal(U'á'));
  CHECK(at_cluster(spanish, 0).index == nominal(U'L'));
  CHECK(shaper().nominal_glyph(U'L') == nominal(U'L'));
  CHECK(shaper().nominal_glyph(U'\u4E2D') == 0);
  // kerning is there: AV is narrower than A and V apart
  CHECK(shaper().shape("AV").width < shaper().shape("A").width + shaper().shape("V").width - 0.5f);
  CHECK(shaper().shape("").glyphs.empty());
  CHECK(shaper().shape("").width == 0.0f);
  CHECK(shaper().shape("\t\n").glyphs.empty());  // controls are skipped, as text() does
}

TEST_CASE("the atlas bakes the shaped texts' glyphs by index and grows for them", "[text][atlas]") {
  const FontAtlas& plain = regular();
  const FontAtlas& a = captions();
  REQUIRE(a.shaper);
  CHECK(std::is_sorted(a.shaped.begin(), a.shaped.end(), [](const Glyph& p, const Glyph& q) { return p.codepoint < q.codepoint; }));
  // the code-point path is unchanged by the extra glyphs
  REQUIRE(a.glyphs.size() == plain.glyphs.size());
  for (std::size_t i = 0; i < a.glyphs.size(); ++i) {
    CHECK(a.glyphs[i].codepoint == plain.glyphs[i].codepoint);
    CHECK(a.glyphs[i].advance == plain.glyphs[i].advance);
    CHECK(a.glyphs[i].x0 == plain.glyphs[i].x0);
    CHECK(a.glyphs[i].y1 == plain.glyphs[i].y1);
  }
  CHECK(a.kerning.size() == plain.kerning.size());
  CHECK(a.width == 1024);
  CHECK(a.height > plain.height);  // the Arabic glyphs take room

  // every glyph the captions shape into is there, with ink where its box's centre row crosses it
  for (const std::string& text : {kArabicCaption, kMixed})
    for (const ShapedGlyph& g : a.shaper->shape(text).glyphs) {
      const Glyph* baked = a.find_glyph(g.index);
      REQUIRE(baked);
      if (!baked->visible()) continue;
      CHECK(baked->u1 <= 1.0f);
      CHECK(baked->v1 <= 1.0f);
      const int row = static_cast<int>((baked->v0 + baked->v1) * 0.5f * static_cast<float>(a.height));
      const int x0 = static_cast<int>(std::lround(baked->u0 * static_cast<float>(a.width)));
      const int x1 = static_cast<int>(std::lround(baked->u1 * static_cast<float>(a.width)));
      int inside = 0;
      for (int x = x0; x < x1; ++x) inside += a.pixels[static_cast<std::size_t>(row) * a.width + x] > 128;
      CHECK(inside > 0);
    }
  // not in the plain atlas (no texts given): the Arabic letters' glyphs
  const std::uint32_t sad_medial = at_cluster(a.shaper->shape(kArabicCaption), 4).index;
  CHECK(a.find_glyph(sad_medial) != nullptr);
  CHECK(plain.find_glyph(sad_medial) == nullptr);
  // code points' glyphs are found by index too, sharing their boxes
  const Glyph* by_index = plain.find_glyph(nominal(U'A'));
  REQUIRE(by_index);
  CHECK(by_index->u0 == plain.find(U'A')->u0);
  CHECK(by_index->v1 == plain.find(U'A')->v1);
  CHECK(by_index->advance == plain.find(U'A')->advance);

  // many large glyphs: the atlas widens instead of growing past its width
  const std::vector<std::string> many = {kArabicCaption, "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", "بببب تتتت سسسس"};
  const FontAtlas big = load_font(default_font_path(false), 100.0f, many);
  CHECK(big.width > 1024);
  CHECK(big.height <= big.width);
  CHECK(big.pixels.size() == static_cast<std::size_t>(big.width) * static_cast<std::size_t>(big.height));
  for (const Glyph& g : big.shaped) {
    CHECK(g.u1 <= 1.0f);
    CHECK(g.v1 <= 1.0f);
  }
}

TEST_CASE("shaped text emits one quad per visible glyph, placed by alignment", "[text][overlay]") {
  Overlay o(&captions(), &captions_bold());
  const FontAtlas& a = captions();
  const ShapedLine line = a.shaper->shape(kArabicCaption);
  const float size = 20.0f, s = size / a.bake_size;
  std::vector<std::pair<const ShapedGlyph*, const Glyph*>> visible;
  for (const ShapedGlyph& g : line.glyphs) {
    const Glyph* baked = a.find_glyph(g.index);
    REQUIRE(baked);
    if (baked->visible()) visible.emplace_back(&g, baked);
  }
  REQUIRE(visible.size() > 10);

  const float width = o.shaped_text(100, 50, size, kArabicCaption, rgba(255, 255, 255));
  CHECK(width == Approx(line.width * s));
  CHECK(width == Approx(o.shaped_text_width(kArabicCaption, size)));
  const std::vector<OverlayVertex> left = o.vertices();
  REQUIRE(left.size() == 6 * visible.size());
  const float baseline = 50 + a.ascent * s;
  for (std::size_t q = 0; q < visible.size(); ++q) {
    const auto [sg, g] = visible[q];
    const OverlayVertex& v = left[6 * q];
    CHECK(v.x == Approx(100 + (sg->x + g->x0) * s).margin(1e-3));
    CHECK(v.y == Approx(baseline + (sg->y + g->y0) * s).margin(1e-3));
    CHECK(v.u == g->u0);  // the glyph-index entry, regular atlas: 0 <= u < 1
    CHECK(v.v == g->v0);
    CHECK(left[6 * q + 2].u == g->u1);
    CHECK(left[6 * q + 2].x == Approx(100 + (sg->x + g->x1) * s).margin(1e-3));
  }
  // the line lies right of x, within its width (and the glyphs' padding)
  const float pad = 6 * s;
  for (const OverlayVertex& v : left) {
    CHECK(v.x >= 100 - 2 * pad);
    CHECK(v.x <= 100 + width + 2 * pad);
  }

  for (const auto& [align, shift] : {std::pair{Align::Center, -0.5f}, std::pair{Align::Right, -1.0f}}) {
    o.clear();
    o.shaped_text(100, 50, size, kArabicCaption, rgba(255, 255, 255), align);
    const std::vector<OverlayVertex>& moved = o.vertices();
    REQUIRE(moved.size() == left.size());
    for (std::size_t i = 0; i < moved.size(); ++i) {
      CHECK(moved[i].x == Approx(left[i].x + shift * width).margin(1e-3));
      CHECK(moved[i].y == left[i].y);
      CHECK(moved[i].u == left[i].u);
    }
  }

  // bold: the second atlas, u shifted by 2
  o.clear();
  o.shaped_text(0, 0, size, kArabicCaption, rgba(255, 255, 255), Align::Left, true);
  REQUIRE(!o.vertices().empty());
  for (const OverlayVertex& v : o.vertices()) {
    CHECK(v.u >= 2.0f);
    CHECK(v.u < 3.0f);
  }

  // Latin through the shaped path: the same glyph boxes as text() at nearly the same places
  o.clear();
  o.text(0, 0, size, kSpanish, rgba(255, 255, 255));
  const std::vector<OverlayVertex> by_codepoint = o.vertices();
  o.clear();
  o.shaped_text(0, 0, size, kSpanish, rgba(255, 255, 255));
  REQUIRE(o.vertices().size() == by_codepoint.size());
  for (std::size_t i = 0; i < by_codepoint.size(); ++i) {
    CHECK(o.vertices()[i].u == by_codepoint[i].u);
    CHECK(o.vertices()[i].x == Approx(by_codepoint[i].x).margin(0.5));
  }
}

TEST_CASE("a glyph that was not baked draws as '?'", "[text][overlay]") {
  // the plain atlas was given no texts: none of the Arabic glyphs are in it
  const FontAtlas& a = regular();
  Overlay o(&a);
  const ShapedLine line = a.shaper->shape(kArabicCaption);
  const Glyph* question = a.find(U'?');
  REQUIRE(question);
  std::size_t letters = 0;
  for (const ShapedGlyph& g : line.glyphs) {
    const Glyph* baked = a.find_glyph(g.index);
    CHECK((baked == nullptr || !baked->visible()));  // the spaces are baked (by code point), invisible
    letters += baked == nullptr;
  }
  REQUIRE(letters > 10);
  const float width = o.shaped_text(0, 0, 20, kArabicCaption, rgba(255, 255, 255));
  CHECK(width == Approx(line.width * 20 / a.bake_size));  // the shaped advances, not the '?'s
  REQUIRE(o.vertices().size() == 6 * letters);
  for (std::size_t q = 0; q < letters; ++q) {
    CHECK(o.vertices()[6 * q].u == question->u0);
    CHECK(o.vertices()[6 * q].v == question->v0);
  }
  // and a character the font lacks shapes to .notdef, which also draws as '?'
  o.clear();
  const ShapedLine cjk = a.shaper->shape("\u4E2D");
  REQUIRE(cjk.glyphs.size() == 1);
  CHECK(cjk.glyphs[0].index == 0);
  o.shaped_text(0, 0, 20, "\u4E2D", rgba(255, 255, 255));
  REQUIRE(o.vertices().size() == 6);
  CHECK(o.vertices()[0].u == question->u0);
}

TEST_CASE("invalid UTF-8 shapes as '?' without crashing", "[text][shaping][utf8]") {
  const std::uint32_t q = nominal(U'?');
  // a lone lead byte, a truncated sequence, overlongs, a surrogate, past U+10FFFF, a literal U+FFFD
  const std::vector<std::string> bad = {"\xff",     "\xd8",     "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                                        "\xc0\xaf", "\xf0\x9f", "\xef\xbf\xbd"};
  for (const std::string& s : bad) {
    INFO(s.size());
    const ShapedLine line = shaper().shape(s);
    REQUIRE(!line.glyphs.empty());
    for (const ShapedGlyph& g : line.glyphs) {
      CHECK(g.index == q);
      CHECK(g.cluster < s.size());
    }
  }
  // a NUL is a control character: skipped
  const ShapedLine nul = shaper().shape(std::string("a\0b", 3));
  REQUIRE(nul.glyphs.size() == 2);
  CHECK(nul.glyphs[1].cluster == 2);
  // a stray byte inside Arabic costs one '?', the letters around it still shape and join
  const std::string broken = "ال\x80صمامات";
  const ShapedLine line = shaper().shape(broken);
  CHECK(line.rtl);
  CHECK(at_cluster(line, 4).index == q);
  CHECK(at_cluster(line, 5).index != nominal(U'\u0635'));  // sad still joins the meem after it
  // random bytes, Arabic and Latin lead bytes among them: every cluster inside the text
  std::mt19937 random(7);
  const unsigned char pieces[] = {0xD8, 0xD9, 0x84, 0xA7, 0xE2, 0x81, 0xA6, 0xA9, 0x80, 0xBF, 0xF0, 0x9F, 'a', ' ', '9', '('};
  for (int round = 0; round < 2000; ++round) {
    std::string text(random() % 24, '\0');
    for (char& c : text) c = static_cast<char>(pieces[random() % sizeof pieces]);
    for (const ShapedGlyph& g : shaper().shape(text).glyphs) REQUIRE(g.cluster < text.size());
  }
  Overlay o(&captions());
  for (const std::string& s : bad) o.shaped_text(0, 0, 20, s, rgba(255, 255, 255));
  o.shaped_text(0, 0, 20, broken, rgba(255, 255, 255));
  CHECK(!o.vertices().empty());
}

TEST_CASE("shaped lines are cached by text", "[text][shaping][cache]") {
  const FontAtlas& a = captions();
  const auto first = a.shaper->shape_cached(kArabicCaption);
  const auto again = a.shaper->shape_cached(kArabicCaption);
  CHECK(first == again);  // shaped at load_font, not again
  const ShapedLine fresh = a.shaper->shape(kArabicCaption);
  REQUIRE(first->glyphs.size() == fresh.glyphs.size());
  for (std::size_t i = 0; i < fresh.glyphs.size(); ++i) CHECK(first->glyphs[i].index == fresh.glyphs[i].index);
  // ever-changing text does not grow the cache without bound, and lines stay right after it starts over
  const Shaper local(default_font_path(false), 40.0f);
  for (std::size_t i = 0; i < Shaper::kCacheLines + 10; ++i) local.shape_cached("t = " + std::to_string(i) + " s");
  CHECK(local.shape_cached("t = 3 s")->width == Approx(local.shape("t = 3 s").width));

  // what the cache saves, for the record: a caption shaped afresh against looked up
  const auto time = [](auto&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 200; ++i) f();
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / 200;
  };
  const double shaping = time([&] { (void)local.shape(kArabicCaption); });
  const double cached = time([&] { (void)local.shape_cached(kArabicCaption); });
  WARN("shaping the Arabic caption: " << shaping << " us afresh, " << cached << " us cached");
  CHECK(cached < shaping);
}

TEST_CASE("a font the shaper cannot read is reported by name", "[text][shaping][errors]") {
  CHECK_THROWS_WITH(Shaper("/nonexistent/font.ttf", 40.0f), Catch::Contains("/nonexistent/font.ttf"));
  CHECK_THROWS_WITH(Shaper(std::vector<unsigned char>(64, 0), 40.0f, "zeros.ttf"), Catch::Contains("zeros.ttf"));
  CHECK_THROWS_WITH(Shaper(default_font_path(false), 1.0f), Catch::Contains("bake size"));
}
