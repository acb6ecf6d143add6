#pragma once
// Drawing a leg's cut into the overlay (section_view.cpp), for compose_overlay. Private to app/core.

#include <array>

#include "app/section_view.hpp"
#include "overlay_writer.hpp"

namespace calfpump::app {

/// Draws a leg's cut over its viewport `vp` as `camera` sees it: the fat under the skin, the deep
/// fascia, muscles, tendon and bones filled, the veins see-through with their walls, the skin's
/// rim, and the deep veins' area in the cut above it; with labels, in two columns (left-aligned at
/// left_x and ending above left_bottom, and just right of the cut).
void draw_section(Writer& o, float unit, const LegSection& section, const render::Camera& camera, const std::array<int, 4>& vp,
                  bool with_labels, float left_x, float left_bottom);

}  // namespace calfpump::app
