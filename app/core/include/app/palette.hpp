#pragma once
// The colours that carry meaning in a frame's overlay, in one place, so that they can be checked
// for readers with colour-vision deficiency (tests/app/test_colour_vision.cpp): every pair a viewer
// must tell apart stays at least 10 CIEDE2000 units apart for normal vision, protanopia and
// deuteranopia (Machado et al. 2009's simulation). The blood's colour by time in the leg is drawn by
// shaders/splat.frag with the same two end colours as kBloodFresh and kBloodOld.

#include <cstdint>

#include "render/overlay.hpp"

namespace calfpump::app::palette {

inline constexpr std::uint32_t kPressure = render::rgba(196, 48, 40);    ///< the ankle pressure plot
inline constexpr std::uint32_t kVolume = render::rgba(48, 92, 196);      ///< the calf volume plot
inline constexpr std::uint32_t kNormalBand = render::rgba(70, 170, 110, 70);  ///< the published normal range behind a plot
inline constexpr std::uint32_t kFlowUp = render::rgba(30, 120, 200);     ///< a valve's arrow: blood going up
inline constexpr std::uint32_t kFlowDown = render::rgba(215, 40, 30);    ///< and falling back (reflux)
inline constexpr std::uint32_t kBloodFresh = render::rgba(242, 31, 26);  ///< blood just in from the arteries
inline constexpr std::uint32_t kBloodOld = render::rgba(97, 10, 56);     ///< blood a minute in the leg
inline constexpr std::uint32_t kWallSwatch = render::rgba(150, 172, 240);  ///< the see-through vein wall as it looks
inline constexpr std::uint32_t kMuscleSwatch = render::rgba(194, 97, 87);  ///< calf muscle as it looks

}  // namespace calfpump::app::palette
