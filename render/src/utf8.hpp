#pragma once
// UTF-8 decoding and font file reading shared by the code-point text path (overlay.cpp) and the
// shaped one (shaping.cpp), so both read the same characters out of the same bytes.

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace calfpump::render::detail {

inline constexpr char32_t kReplacement = 0xFFFD;

// One code point at s[i], advancing i. Malformed input gives U+FFFD and consumes the maximal
// invalid subpart (Unicode's recommended practice), so a stray byte costs one '?' and never
// swallows the valid text after it.
inline char32_t next_codepoint(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i++]);
  if (b0 < 0x80) return b0;
  int more = 0;
  char32_t cp = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // the second byte's range excludes overlongs and surrogates
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    more = 1;
    cp = b0 & 0x1Fu;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    more = 2;
    cp = b0 & 0x0Fu;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    more = 3;
    cp = b0 & 0x07u;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return kReplacement;
  }
  for (int k = 0; k < more; ++k) {
    if (i >= s.size()) return kReplacement;
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < lo || b > hi) return kReplacement;
    lo = 0x80;
    hi = 0xBF;
    cp = cp << 6 | (b & 0x3Fu);
    ++i;
  }
  return cp;
}

inline bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp < 0xA0); }

inline std::vector<unsigned char> read_font_file(const std::filesystem::path& ttf) {
  std::error_code ec;
  if (!std::filesystem::exists(ttf, ec)) throw std::runtime_error(ttf.string() + ": no such font file");
  if (!std::filesystem::is_regular_file(ttf, ec)) throw std::runtime_error(ttf.string() + ": not a regular file");
  std::ifstream in(ttf, std::ios::binary);
  if (!in) throw std::runtime_error(ttf.string() + ": cannot open the font file");
  std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw std::runtime_error(ttf.string() + ": cannot read the font file");
  return data;
}

}  // namespace calfpump::render::detail
