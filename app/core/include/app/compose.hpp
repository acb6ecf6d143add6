#pragma once
// One frame, many front ends: compose_frame turns a session and what the viewer wants to see
// into a frame description (render/frame.hpp) that any target draws: a still, a benchmark frame,
// a video frame and a window frame are the same frame (MuJoCo's mjv_updateScene). Pure CPU work,
// testable without a GPU.

#include <memory>
#include <span>
#include <string>

#include "app/frame_overlay.hpp"
#include "app/section_view.hpp"
#include "app/session.hpp"
#include "render/frame.hpp"
#include "render/overlay.hpp"

namespace calfpump::app {

/// The overlay's fonts; load_fonts names a missing or broken font file (RenderError, exit code 2).
struct Fonts {
  render::FontAtlas regular, bold;
};
/// `shaped_texts`: lines drawn shaped (a storyboard's captions: Arabic joins its letters and
/// runs right to left), whose glyphs are baked into both atlases as well.
std::unique_ptr<Fonts> load_fonts(std::span<const std::string> shaped_texts = {});

/// What a frame shows besides the legs' states.
struct FrameView {
  render::Camera camera;            ///< the legs' camera
  const Fonts* fonts = nullptr;     ///< the overlay's fonts; none: the legs alone (no text, plots or close-ups)
  render::LayerOpacity layers = render::default_layers();
  double particle_dt = 0;           ///< model time the blood moves in this frame (a frame pump's step)
  bool simplify = true;             ///< simplified surfaces where a millimetre is under a pixel
  OverlayParts parts;               ///< what the overlay shows (with fonts), a storyboard's caption and fade
  /// A cross-section view: each leg's own view cut across at the cut's level (what lies above is
  /// removed) and, with fonts, the cut's faces drawn and labelled; the camera is the caller's
  /// (SectionCut::camera frames it). Null: the legs whole.
  std::shared_ptr<const SectionCut> section;
};

/// A named view of the leg: posteromedial (the default camera), posterior, medial, lateral or
/// anterior, at the default camera's distance and height; ConfigError naming --view otherwise.
render::Camera view_camera(const std::string& name);

/// The frame of `session` now, seen as `view` says, at width x height pixels: per leg its
/// deformation and particle inputs; the camera; with fonts the titles, labels, live plots,
/// legend, caption and the valve close-ups.
render::FrameDesc compose_frame(const Session& session, const FrameView& view, int width, int height);

}  // namespace calfpump::app
