#pragma once
// The cross-section view: the calf cut across at a chosen level and seen from above, the figure
// every textbook of the calf pump draws, live. The cut face is drawn exactly, from the deformed
// meshes (anatomy/section.hpp): skin and the fat under it, the deep fascia around the muscles,
// each muscle and bone, and the veins, which flatten when the muscles contract and open when they
// relax; through each vein's section the blood inside it shows. Labelled with leader lines.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "anatomy/geometry.hpp"
#include "anatomy/section.hpp"
#include "app/frame_overlay.hpp"
#include "app/session.hpp"
#include "render/frame.hpp"

namespace calfpump::app {

/// The levels a cut may take: through the calf, between the ankle's tendons and the knee.
inline constexpr double kSectionLevelMin = 0.15, kSectionLevelMax = 0.85;

/// The level a command asks for with --view and --section: --section's level (checked against the
/// range), 0.5 for `--view cross-section` without one, 0 for no cut. ConfigError naming the option
/// for a level out of range, for --section with another named view, and with --plain (the cut's
/// faces are drawn with the overlay, which --plain leaves out).
double section_level(const std::string& view, double section, bool plain);

/// One leg's cut now: its plane (horizontal at the level, lifted with the leg in a raise) and the
/// loops of its deformed surfaces there.
struct LegSection {
  anatomy::SectionPlane plane;
  std::vector<anatomy::SectionLoop> loops;
  std::vector<double> areas;                  ///< per loop, its signed area (m^2; anatomy::loop_area)
  const anatomy::LegGeometry* rest = nullptr;  ///< the rest meshes the loops' structure indices name
  /// The deep veins' area in the cut (m^2; posterior tibial, peroneal and anterior tibial veins,
  /// the soleal sinuses, the gastrocnemius veins and the popliteal vein), from the loops;
  /// compose_frame takes it from the true state when the frame draws an emphasized one, so that
  /// the figure read out is true.
  double deep_veins_m2 = 0;

  anatomy::StructureKind kind(std::size_t structure) const { return rest->structures[structure].kind; }
  const std::string& name(std::size_t structure) const { return rest->structures[structure].name; }
};

/// Where the cut lies: a share of the tibia's length from its distal end (0.5: mid-calf, where the
/// soleal sinuses, the gastrocnemius veins and every deep vein pass; 0.66: the standard level of
/// calf muscle scans by pQCT, measured from the same end). Made once for the rest meshes and a
/// level (its height, the surfaces it can reach and their triangles, the preset camera's centre),
/// so that a frame only deforms those surfaces and cuts them.
class SectionCut {
 public:
  /// `rest`: the leg's rest meshes (those the renderer holds), which must outlive the cut.
  /// ConfigError when the mesh has no tibia or the level is outside the range above.
  SectionCut(const anatomy::LegGeometry& rest, double level);

  double level() const { return level_; }
  /// The height (m, leg coordinates at rest): the tibia's lowest point plus `level` of its height.
  double height() const { return height_; }
  const anatomy::LegGeometry& rest() const { return *rest_; }

  /// The cut of a leg's deformed meshes for the state it is drawn in (`state`: its true state, or
  /// the emphasized one the frame draws); `veins_only`: of its veins alone (for the figure).
  LegSection cut(const LegRun& leg, const anatomy::State& state, bool veins_only = false) const;

  /// The cross-section preset's camera: above the cut, a little behind and to the medial side,
  /// looking down onto it with the front of the leg at the top of the picture (as atlases orient
  /// a transverse section) and the calf below it in depth. The cut's middle appears at
  /// `centre_share` of the view's width (0.5: centred), in a view `aspect` (width / height) wide;
  /// the cut spans about a quarter of a landscape view's width and is framed smaller in narrower
  /// views.
  render::Camera camera(double aspect = 16.0 / 9.0, double centre_share = 0.5) const;
  /// That camera for a frame of `legs` legs at width x height with these overlay parts: the first
  /// leg's view's aspect, the cut placed by section_centre_share (clear of labels and plots).
  render::Camera frame_camera(int width, int height, std::size_t legs, const OverlayParts& parts = {}) const;

 private:
  const anatomy::LegGeometry* rest_;
  double level_ = 0, height_ = 0;
  std::vector<bool> reach_;    ///< per rest structure: a closed surface the cut can reach
  anatomy::Point3 centre_{};   ///< the middle of the skin's section at rest
  mutable std::mutex mutex_;   ///< guards the scratch
  mutable anatomy::LegGeometry scratch_;  ///< the reached surfaces' triangles, deformed into each frame
};

/// The renderer's plane for a cut (Camera::clip, LegFrame::cut): what lies above it is removed.
std::array<float, 4> cut_plane(const anatomy::SectionPlane& plane);

/// In a cross-section view the plots and close-ups start at this share of each leg's view width
/// (further right than in the other views, to leave room for the cut's labels on both sides).
inline constexpr float kSectionPlotShare = 0.72f;

/// Where a cross-section view puts the cut's middle across its view: between the labels and the
/// plots for one leg with plots; for two, between the legend (in the second leg's left column) and
/// the plots.
double section_centre_share(std::size_t legs, bool plots);

}  // namespace calfpump::app
