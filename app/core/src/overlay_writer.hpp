#pragma once
// The overlay's writer, colours and label columns, shared by the frame's overlay
// (frame_overlay.cpp) and the cross-section view (section_view.cpp). Private to app/core.

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/frame_overlay.hpp"
#include "app/palette.hpp"
#include "render/overlay.hpp"

namespace calfpump::app {

using render::Align;
using render::rgba;

inline constexpr std::uint32_t kInk = rgba(32, 36, 44);
inline constexpr std::uint32_t kMuted = rgba(88, 94, 106);
inline constexpr std::uint32_t kPanel = rgba(255, 255, 255, 215);
inline constexpr std::uint32_t kGrid = rgba(200, 204, 212);
inline constexpr std::uint32_t kPressure = palette::kPressure;
inline constexpr std::uint32_t kVolume = palette::kVolume;

// The overlay as the frame's language writes it: every text through the translation table, drawn
// shaped when translated (Arabic joins its letters and runs right to left), as code points in
// English (the stored pictures are made so).
struct Writer {
  render::Overlay& out;
  const OverlayText* tr;
  std::string word(std::string_view s) const { return tr ? (*tr)(s) : std::string(s); }
  float text(float x, float y, float size, std::string_view s, std::uint32_t rgba, Align align = Align::Left, bool bold = false) {
    return tr ? out.shaped_text(x, y, size, word(s), rgba, align, bold) : out.text(x, y, size, s, rgba, align, bold);
  }
  float text_width(std::string_view s, float size, bool bold = false) const {
    return tr ? out.shaped_text_width(word(s), size, bold) : out.text_width(s, size, bold);
  }
  void rect(float x0, float y0, float x1, float y1, std::uint32_t c) { out.rect(x0, y0, x1, y1, c); }
  void rect_gradient_h(float x0, float y0, float x1, float y1, std::uint32_t a, std::uint32_t b) { out.rect_gradient_h(x0, y0, x1, y1, a, b); }
  void line(float x0, float y0, float x1, float y1, float width, std::uint32_t c) { out.line(x0, y0, x1, y1, width, c); }
  void polyline(std::span<const std::array<float, 2>> points, float width, std::uint32_t c) { out.polyline(points, width, c); }
  void circle(float x, float y, float r, std::uint32_t c) { out.circle(x, y, r, c); }
};

// a label to place beside the leg: its text and the pixel it points at
struct ScreenLabel {
  std::string text;
  float ax = 0, ay = 0;  ///< the point labelled (pixels)
  float y = 0;           ///< the label's top, once placed
};

// labels stacked in a column (left-aligned at column_x, or right-aligned to it), top to bottom in
// the order of the points they label and pushed apart so that none overlaps, each joined to its
// point by a leader line (from the text's end towards the leg, or with leader_from_start from its
// start, for a left-aligned column right of what it labels); the first no higher than `top`
inline void label_column(Writer& o, float unit, std::vector<ScreenLabel> placed, float column_x, bool column_left, float top,
                         bool leader_from_start = false, float bottom = 1e9f) {
  const float size = 21.0f * unit, gap = 31.0f * unit;
  for (ScreenLabel& p : placed) p.y = p.ay - size / 2;
  std::sort(placed.begin(), placed.end(), [](const ScreenLabel& a, const ScreenLabel& b) { return a.ay < b.ay; });
  float next = top;
  for (ScreenLabel& p : placed) {
    p.y = std::max(p.y, next);
    next = p.y + gap;
  }
  // and back up from `bottom` where the column would run past it (not above `top`)
  float limit = bottom - size;
  for (auto it = placed.rbegin(); it != placed.rend(); ++it) {
    it->y = std::max(top, std::min(it->y, limit));
    limit = it->y - gap;
  }
  for (const ScreenLabel& p : placed) {
    const float w = o.text_width(p.text, size);
    const float tx = column_left ? column_x : column_x - w;
    o.rect(tx - 4.0f * unit, p.y - 2.0f * unit, tx + w + 4.0f * unit, p.y + size + 2.0f * unit, rgba(255, 255, 255, 170));
    o.text(tx, p.y, size, p.text, kInk);
    const bool from_end = column_left != leader_from_start;
    const float lx = from_end ? tx + w + 6.0f * unit : tx - 6.0f * unit, ly = p.y + size * 0.55f;
    o.line(lx, ly, p.ax, p.ay, 1.5f * unit, rgba(40, 44, 52, 220));
    o.circle(p.ax, p.ay, 3.5f * unit, rgba(40, 44, 52));
  }
}

}  // namespace calfpump::app
