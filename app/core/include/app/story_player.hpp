#pragma once
// Plays a storyboard into a renderer: frame index -> the shot's legs at their model time, the
// blood moved through every frame before it, the camera, layers, caption and fade of the shot.
// The recorder, the presenter and the kiosk use it; a frame depends only on its index, so a part
// of a recording (--frames) equals the same frames of the whole.

#include <cstdint>
#include <memory>
#include <string>

#include "anatomy/geometry.hpp"
#include "app/compose.hpp"
#include "app/session.hpp"
#include "app/storyboard.hpp"
#include "render/renderer.hpp"

namespace calfpump::app {

class StoryPlayer {
 public:
  /// `board` and `rest` must outlive the player; `particles` per leg.
  StoryPlayer(const Storyboard& board, double fps, render::Renderer& renderer, const anatomy::LegGeometry& rest, std::size_t particles);

  const Timeline& timeline() const { return timeline_; }
  const Storyboard& board() const { return *board_; }

  /// The frame `index` for `base`'s fonts and options, its camera, layers, caption (in `lang`)
  /// and fade from the storyboard. Brings the legs there first: a new session at the start of the
  /// index's run of shots when it lies in another run or before the last frame made, and the blood
  /// moved through every frame in between as if they had been drawn. The frame returned must be
  /// rendered before the next call (it moves the blood by its step).
  /// `camera`: the viewer's own instead of the shot's (a lecturer orbiting); null: the shot's.
  render::FrameDesc frame(std::uint64_t index, const FrameView& base, int width, int height, const std::string& lang,
                          const render::Camera* camera = nullptr);

  /// The legs now (after frame()); null before the first frame.
  const Session* session() const { return session_.get(); }

 private:
  void start_chain(const ShotTime& st);
  double model_time(std::uint64_t index) const { return timeline_.at(index).model_s; }

  const Storyboard* board_;
  Timeline timeline_;
  render::Renderer* renderer_;
  const anatomy::LegGeometry* rest_;
  std::shared_ptr<const SectionCut> cut_;  // a cross-section shot's cut, made once for its level
  std::size_t particles_;
  std::unique_ptr<Session> session_;
  std::size_t chain_ = static_cast<std::size_t>(-1);
  std::uint64_t through_ = 0;  ///< the last frame whose blood motion is done
};

}  // namespace calfpump::app
