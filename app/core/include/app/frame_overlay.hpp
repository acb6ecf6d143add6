#pragma once
// What a comparison frame says besides the legs: a title over each leg, labels with leader lines,
// live plots of ankle pressure and calf venous volume, a legend and a caption. Sizes scale with
// the frame height; no text is smaller than 2.5% of it.

#include <span>
#include <vector>

#include "render/overlay.hpp"
#include "render/frame.hpp"
#include "app/session.hpp"

namespace calfpump::app {

/// The smallest text, as a share of the frame height (projector legibility).
inline constexpr float kMinTextShare = 0.025f;

/// The frame's bands above and below the legs (pixels) for titles and the caption.
int overlay_top(int height);
int overlay_bottom(int height);

/// The close-ups a frame shows: per leg, one of a great saphenous valve, in the plot column.
std::vector<render::Inset> compose_insets(const Session& scene, int width, int height);

/// Fills `out` (cleared first) with the overlay of a frame of `scene` seen through `camera`, the
/// legs drawn between overlay_top() and overlay_bottom(), with frames and markers for `insets`
/// (from compose_insets).
void compose_overlay(const Session& scene, const render::Camera& camera, int width, int height, std::span<const render::Inset> insets,
                     render::Overlay& out);

}  // namespace calfpump::app
