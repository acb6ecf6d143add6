#pragma once
// Shaped text: one line of UTF-8 in any script and direction, laid out as the font's own glyphs.
// Arabic needs this (letters take joining forms, lines run right to left with numbers and Latin
// words left to right inside them), which the overlay's code-point path cannot do. The line goes
// through the Unicode bidirectional algorithm (FriBidi: paragraph direction, embedding levels,
// visual order of the runs) and OpenType shaping (HarfBuzz, the font's GSUB/GPOS), neither of
// which appears here.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace calfpump::render {

/// One glyph of a shaped line. Positions are in bake pixels (see Shaper), y down as in overlay.hpp.
struct ShapedGlyph {
  std::uint32_t index = 0;    ///< glyph index in the font; 0 (.notdef) for a character the font lacks
  float x = 0;                ///< the glyph's origin from the line's left edge: its pen position plus the font's x offset
  float y = 0;                ///< the glyph's origin below the baseline (the font's y offset; negative is up)
  float advance = 0;          ///< how far the pen moves after it
  std::uint32_t cluster = 0;  ///< byte offset in the UTF-8 of the first character the glyph shows
};

/// A shaped line of text.
struct ShapedLine {
  std::vector<ShapedGlyph> glyphs;  ///< in visual order: left to right on screen
  float width = 0;                  ///< the line's advance width (the sum of the advances), bake pixels
  bool rtl = false;                 ///< the paragraph runs right to left (its first strong character is)
};

/// Shapes lines with one font at one size. Thread-safe: shape() and shape_cached() may be called
/// from several threads at once.
class Shaper {
 public:
  /// Reads a TrueType/OpenType file; positions come out in pixels of a font whose ascent - descent
  /// (the hhea table's, as stb_truetype's stbtt_ScaleForPixelHeight) is bake_size. Throws
  /// std::runtime_error naming the file on a missing/unreadable/invalid font.
  Shaper(const std::filesystem::path& ttf, float bake_size);
  /// The same from the font's bytes; name only labels the errors.
  Shaper(std::vector<unsigned char> font, float bake_size, const std::string& name);
  ~Shaper();
  Shaper(const Shaper&) = delete;
  Shaper& operator=(const Shaper&) = delete;

  /// One line (no line breaking: the caller wraps, measuring candidate lines by their width).
  /// Control characters are skipped; invalid UTF-8 and a literal U+FFFD shape as '?'. The
  /// paragraph's direction comes from its first strong character (left to right when it has
  /// none); runs of one embedding level and script are shaped with the font's default language
  /// system and put in visual order by rule L2.
  ShapedLine shape(std::string_view utf8) const;
  /// shape(), remembered by text: a caption drawn every frame is shaped once. The cache holds up
  /// to kCacheLines lines and starts over when full, so ever-changing text cannot grow it.
  std::shared_ptr<const ShapedLine> shape_cached(std::string_view utf8) const;
  static constexpr std::size_t kCacheLines = 256;

  float bake_size() const;
  /// Bake pixels per font unit.
  float scale() const;
  /// The font's glyph for a code point through its cmap, 0 when it has none.
  std::uint32_t nominal_glyph(char32_t codepoint) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace calfpump::render
