// Shaped lines: FriBidi for the direction and the visual order of the runs, HarfBuzz (with its own
// OpenType font functions, so no FreeType) for the glyphs inside each run.

#include "render/shaping.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include <fribidi.h>
#include <hb-ot.h>
#include <hb.h>

#include "utf8.hpp"

namespace calfpump::render {

namespace {

std::int32_t be16s(const char* p) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(static_cast<unsigned char>(p[0]) << 8 | static_cast<unsigned char>(p[1])));
}

// a script for every character: Common and Inherited ones (spaces, digits, punctuation, marks)
// take the script before them, or the first real one at the start, so that "90" inside Arabic is
// not a run of its own unless its level makes it one
std::vector<hb_script_t> resolve_scripts(const std::vector<FriBidiChar>& text) {
  hb_unicode_funcs_t* ufuncs = hb_unicode_funcs_get_default();
  std::vector<hb_script_t> scripts(text.size(), HB_SCRIPT_INVALID);
  hb_script_t last = HB_SCRIPT_INVALID;
  for (std::size_t k = 0; k < text.size(); ++k) {
    const hb_script_t s = hb_unicode_script(ufuncs, text[k]);
    if (s != HB_SCRIPT_COMMON && s != HB_SCRIPT_INHERITED && s != HB_SCRIPT_UNKNOWN) last = s;
    scripts[k] = last;
  }
  const auto first = std::find_if(scripts.begin(), scripts.end(), [](hb_script_t s) { return s != HB_SCRIPT_INVALID; });
  const hb_script_t lead = first != scripts.end() ? *first : HB_SCRIPT_COMMON;
  for (auto it = scripts.begin(); it != first; ++it) *it = lead;
  return scripts;
}

struct Run {
  std::size_t start = 0, end = 0;  // characters [start, end)
  FriBidiLevel level = 0;
  hb_script_t script = HB_SCRIPT_COMMON;
};

// rule L2 on whole runs: from the highest level down to the lowest odd one, reverse every
// maximal sequence of runs at that level or higher. Inside a run every character has the same
// level, so its characters end up reversed exactly when that level is odd, which is what HarfBuzz
// already does to a right-to-left buffer: its output is in visual order.
void reorder_runs(std::vector<Run>& runs) {
  if (runs.empty()) return;
  int highest = 0, lowest_odd = 127;  // levels run 0..125
  for (const Run& r : runs) {
    const int level = static_cast<unsigned char>(r.level);
    highest = std::max(highest, level);
    if (level % 2 == 1) lowest_odd = std::min(lowest_odd, level);
  }
  if (lowest_odd == 127) lowest_odd = 1;  // only even levels: the levels above 0 still reverse twice
  for (int level = highest; level >= lowest_odd; --level) {
    for (std::size_t i = 0; i < runs.size();) {
      if (runs[i].level < level) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < runs.size() && runs[j].level >= level) ++j;
      std::reverse(runs.begin() + static_cast<std::ptrdiff_t>(i), runs.begin() + static_cast<std::ptrdiff_t>(j));
      i = j;
    }
  }
}

}  // namespace

struct Shaper::Impl {
  std::vector<unsigned char> bytes;  // the blob reads these in place, so they outlive it
  hb_blob_t* blob = nullptr;
  hb_face_t* face = nullptr;
  hb_font_t* font = nullptr;
  float bake_size = 0;
  float scale = 0;

  std::mutex cache_mutex;
  std::unordered_map<std::string, std::shared_ptr<const ShapedLine>> cache;

  ~Impl() {
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
  }
};

Shaper::Shaper(const std::filesystem::path& ttf, float bake_size) : Shaper(detail::read_font_file(ttf), bake_size, ttf.string()) {}

Shaper::Shaper(std::vector<unsigned char> font, float bake_size, const std::string& name) : impl_(std::make_unique<Impl>()) {
  if (!(bake_size >= 4.0f && bake_size <= 256.0f))
    throw std::runtime_error(name + ": bake size " + std::to_string(bake_size) + " is outside 4..256 px");
  Impl& m = *impl_;
  m.bytes = std::move(font);
  m.bake_size = bake_size;
  // HarfBuzz sanitizes every table before it reads one, so a broken file gives an empty face
  // rather than reads past the end
  m.blob = hb_blob_create(reinterpret_cast<const char*>(m.bytes.data()), static_cast<unsigned>(m.bytes.size()), HB_MEMORY_MODE_READONLY,
                          nullptr, nullptr);
  m.face = hb_face_create(m.blob, 0);
  if (hb_face_get_glyph_count(m.face) == 0) throw std::runtime_error(name + ": not a TrueType/OpenType font");
  m.font = hb_font_create(m.face);
  hb_ot_font_set_funcs(m.font);
  const unsigned upem = hb_face_get_upem(m.face);
  hb_font_set_scale(m.font, static_cast<int>(upem), static_cast<int>(upem));  // positions in font units

  // the scale stb_truetype bakes the atlas at: bake_size over the hhea table's ascent - descent
  hb_blob_t* hhea = hb_face_reference_table(m.face, hb_tag_from_string("hhea", 4));
  unsigned length = 0;
  const char* data = hb_blob_get_data(hhea, &length);
  const std::int32_t ascent = length >= 8 ? be16s(data + 4) : 0;
  const std::int32_t descent = length >= 8 ? be16s(data + 6) : 0;
  hb_blob_destroy(hhea);
  if (ascent - descent <= 0) throw std::runtime_error(name + ": the font has no vertical metrics");
  m.scale = bake_size / static_cast<float>(ascent - descent);
}

Shaper::~Shaper() = default;

float Shaper::bake_size() const { return impl_->bake_size; }

float Shaper::scale() const { return impl_->scale; }

std::uint32_t Shaper::nominal_glyph(char32_t codepoint) const {
  hb_codepoint_t glyph = 0;
  return hb_font_get_nominal_glyph(impl_->font, codepoint, &glyph) ? glyph : 0;
}

ShapedLine Shaper::shape(std::string_view utf8) const {
  ShapedLine line;
  std::vector<FriBidiChar> text;
  std::vector<std::uint32_t> bytes;  // each character's byte offset, for the clusters
  text.reserve(utf8.size());
  bytes.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const auto at = static_cast<std::uint32_t>(i);
    char32_t cp = detail::next_codepoint(utf8, i);
    if (detail::is_control(cp)) continue;
    if (cp == detail::kReplacement) cp = U'?';  // as the code-point path draws it
    text.push_back(cp);
    bytes.push_back(at);
  }
  if (text.empty()) return line;
  const auto n = static_cast<FriBidiStrIndex>(text.size());

  std::vector<FriBidiCharType> types(text.size());
  std::vector<FriBidiBracketType> brackets(text.size());
  std::vector<FriBidiLevel> levels(text.size(), 0);
  fribidi_get_bidi_types(text.data(), n, types.data());
  fribidi_get_bracket_types(text.data(), n, types.data(), brackets.data());
  FriBidiParType direction = FRIBIDI_PAR_ON;  // the first strong character decides
  if (fribidi_get_par_embedding_levels_ex(types.data(), brackets.data(), n, &direction, levels.data()) == 0) {
    // out of memory in FriBidi: left to right, unreordered, rather than nothing
    direction = FRIBIDI_PAR_LTR;
    std::fill(levels.begin(), levels.end(), FriBidiLevel{0});
  }
  line.rtl = FRIBIDI_IS_RTL(direction) != 0;
  // rule L1's last part, which FriBidi leaves to its line reordering: whitespace (and isolate,
  // embedding and boundary-neutral characters) at the end of the line takes the paragraph's level
  const FriBidiLevel paragraph = line.rtl ? 1 : 0;
  for (std::size_t k = text.size(); k-- > 0;) {
    if (!FRIBIDI_IS_EXPLICIT_OR_BN_OR_WS(types[k]) && !FRIBIDI_IS_ISOLATE(types[k])) break;
    levels[k] = paragraph;
  }

  const std::vector<hb_script_t> scripts = resolve_scripts(text);
  std::vector<Run> runs;
  for (std::size_t k = 0; k < text.size(); ++k) {
    if (runs.empty() || levels[k] != runs.back().level || scripts[k] != runs.back().script) runs.push_back({k, k, levels[k], scripts[k]});
    runs.back().end = k + 1;
  }
  reorder_runs(runs);

  const Impl& m = *impl_;
  const std::unique_ptr<hb_buffer_t, decltype(&hb_buffer_destroy)> owned(hb_buffer_create(), &hb_buffer_destroy);
  hb_buffer_t* buffer = owned.get();
  float pen = 0;
  for (const Run& r : runs) {
    hb_buffer_clear_contents(buffer);
    // the whole line as context, so that joining across a run boundary sees its neighbours
    hb_buffer_add_codepoints(buffer, text.data(), static_cast<int>(n), static_cast<unsigned>(r.start), static_cast<int>(r.end - r.start));
    hb_buffer_set_direction(buffer, r.level % 2 == 1 ? HB_DIRECTION_RTL : HB_DIRECTION_LTR);
    hb_buffer_set_script(buffer, r.script);
    unsigned flags = HB_BUFFER_FLAG_DEFAULT;
    if (r.start == 0) flags |= HB_BUFFER_FLAG_BOT;
    if (r.end == text.size()) flags |= HB_BUFFER_FLAG_EOT;
    hb_buffer_set_flags(buffer, static_cast<hb_buffer_flags_t>(flags));
    hb_shape(m.font, buffer, nullptr, 0);
    unsigned count = 0;
    const hb_glyph_info_t* info = hb_buffer_get_glyph_infos(buffer, &count);
    const hb_glyph_position_t* pos = hb_buffer_get_glyph_positions(buffer, &count);
    for (unsigned g = 0; g < count; ++g) {
      ShapedGlyph out;
      out.index = info[g].codepoint;
      out.x = pen + static_cast<float>(pos[g].x_offset) * m.scale;
      out.y = -static_cast<float>(pos[g].y_offset) * m.scale;
      out.advance = static_cast<float>(pos[g].x_advance) * m.scale;
      out.cluster = info[g].cluster < bytes.size() ? bytes[info[g].cluster] : 0;
      pen += out.advance;
      line.glyphs.push_back(out);
    }
  }
  line.width = pen;
  return line;
}

std::shared_ptr<const ShapedLine> Shaper::shape_cached(std::string_view utf8) const {
  Impl& m = *impl_;
  std::string key(utf8);
  {
    const std::lock_guard lock(m.cache_mutex);
    if (const auto it = m.cache.find(key); it != m.cache.end()) return it->second;
  }
  // shaped outside the lock; two threads shaping the same new line both get the same result
  auto line = std::make_shared<const ShapedLine>(shape(utf8));
  const std::lock_guard lock(m.cache_mutex);
  if (m.cache.size() >= kCacheLines) m.cache.clear();
  return m.cache.emplace(std::move(key), std::move(line)).first->second;
}

}  // namespace calfpump::render
