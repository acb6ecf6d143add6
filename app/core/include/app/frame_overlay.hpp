#pragma once
// What a comparison frame says besides the legs: a title over each leg, labels with leader lines,
// live plots of ankle pressure and calf venous volume, a legend and a caption. Sizes scale with
// the frame height; no text is smaller than 2.5% of it.

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "render/overlay.hpp"
#include "render/frame.hpp"
#include "app/session.hpp"

namespace calfpump::app {

struct LegSection;  // section_view.hpp

/// The smallest text, as a share of the frame height (projector legibility).
inline constexpr float kMinTextShare = 0.025f;

/// Words in one language (data/text/overlay.toml, the words inside the picture; page.toml, the
/// words of the web page): English text -> its translation; a text without one stays English.
class OverlayText {
 public:
  OverlayText() = default;  ///< English
  /// The table for `lang` ("en": none); ConfigError naming file, line and key on a bad file.
  static OverlayText load(const std::string& lang, const std::string& table = "overlay");
  std::string operator()(std::string_view english) const;
  /// Every translated text (the fonts bake them for shaped drawing).
  std::vector<std::string> texts() const;
  const std::string& lang() const { return lang_; }

 private:
  std::string lang_ = "en";
  std::vector<std::pair<std::string, std::string>> table_;  ///< sorted by English text
};

/// Which parts of the overlay a frame shows, and a storyboard's caption.
struct OverlayParts {
  bool titles = true;    ///< each leg's scenario title
  bool plots = true;     ///< the live plots, the legend and the clock
  bool closeups = true;  ///< the valve close-ups (compose_insets gives none without)
  bool labels = true;    ///< structure labels and the flow arrow
  /// A storyboard's caption (UTF-8, wrapped to the frame's width), shown instead of the caption of
  /// what the first leg does; empty: that automatic caption.
  std::string caption;
  bool story = false;          ///< a storyboard frame: its caption (possibly none) replaces the automatic one
  bool large_caption = false;  ///< for a waiting room: larger text
  float fade = 0;              ///< 0..1: how far the whole frame fades to the background (transitions)
  bool blank = false;          ///< the whole frame black (a presenter's B key)
  /// The muscles' and veins' movement drawn this many times larger than in life, for teaching
  /// (anatomy::emphasized; 1: true scale); the frame says so.
  double emphasis = 1.0;
  /// A valve shown across each leg's whole view, as the close-ups show it (the veins, valves and
  /// blood alone, looking along the leaflets' line of closure); empty: none.
  std::string valve_view;
  /// The words in the picture in another language than English, drawn shaped (the fonts must
  /// have baked OverlayText::texts()); null: English, drawn as code points.
  const OverlayText* text = nullptr;
  /// A cross-section view: per leg its cut (compose_frame fills it from FrameView::section), drawn
  /// over the cut-away leg instead of the leg's labels; null: no cut.
  const std::vector<LegSection>* sections = nullptr;
};

/// The camera of a valve's close-up: 2.2 cm from the valve, across the vein, along the line where
/// the leaflets meet, so that a gap between them shows.
render::Camera valve_closeup_camera(const LegRun& leg, const std::string& valve);

/// The frame's bands above and below the legs (pixels) for titles and the caption.
int overlay_top(int height);
/// A storyboard's frame keeps room below the legs for two lines of its caption.
int overlay_bottom(int height, const OverlayParts& parts = {});

/// The close-ups a frame shows: per leg, one of a great saphenous valve, in the plot column.
std::vector<render::Inset> compose_insets(const Session& scene, int width, int height, const OverlayParts& parts = {});

/// Fills `out` (cleared first) with the overlay of a frame of `scene` seen through `camera`, the
/// legs drawn between overlay_top() and overlay_bottom(), with frames and markers for `insets`
/// (from compose_insets).
void compose_overlay(const Session& scene, const render::Camera& camera, int width, int height, std::span<const render::Inset> insets,
                     render::Overlay& out, const OverlayParts& parts = {});

/// Splits a caption into lines no wider than `width` pixels at `size` (measured shaped), at spaces
/// (and at '\n'); each line is shaped on its own.
std::vector<std::string> wrap_caption(const render::Overlay& o, const std::string& text, float size, float width);

}  // namespace calfpump::app
