#include "app/story_player.hpp"

#include "app/attach.hpp"
#include "app/frame_overlay.hpp"
#include "app/section_view.hpp"

namespace calfpump::app {

StoryPlayer::StoryPlayer(const Storyboard& board, double fps, render::Renderer& renderer, const anatomy::LegGeometry& rest,
                         std::size_t particles)
    : board_(&board), timeline_(board, fps), renderer_(&renderer), rest_(&rest), particles_(particles) {}

void StoryPlayer::start_chain(const ShotTime& st) {
  session_ = std::make_unique<Session>(board_->shots[st.chain].scenarios);
  attach(*renderer_, *session_, *rest_);
  start_at(*session_, *renderer_, model_time(st.chain_first_frame), particles_);
  chain_ = st.chain;
  through_ = st.chain_first_frame;  // the first frame shows the blood where it was carried to
}

render::FrameDesc StoryPlayer::frame(std::uint64_t index, const FrameView& base, int width, int height, const std::string& lang,
                                     const render::Camera* camera) {
  index = std::min(index, timeline_.frame_count() - 1);
  const ShotTime st = timeline_.at(index);
  if (!session_ || st.chain != chain_ || index < through_) start_chain(st);
  // frames skipped since the last one made: the blood moves through them as drawing them would
  for (std::uint64_t j = through_ + 1; j < index; ++j) {
    session_->run_until(model_time(j));
    const double dt = model_time(j) - model_time(j - 1);
    for (std::size_t k = 0; k < session_->size(); ++k) {
      const LegRun& l = session_->leg(k);
      renderer_->advance_particles(render::leg_frame(*l.model, l.paths, l.network, l.sim->state()), dt, k);
    }
    through_ = j;
  }
  session_->run_until(st.model_s);
  FrameView view = base;
  const Shot& shot = board_->shots[st.shot];
  view.particle_dt = index > through_ ? st.model_s - model_time(index - 1) : 0.0;
  through_ = index;
  view.camera = camera ? *camera : shot_camera(shot, st.local_s, *session_);
  view.layers = shot_layers(shot, st.local_s);
  view.parts.story = true;
  view.parts.plots = base.parts.plots && shot.plots;
  view.parts.closeups = base.parts.closeups && shot.closeups;
  view.parts.labels = base.parts.labels && shot.labels;
  view.parts.large_caption = board_->large_captions;
  view.parts.valve_view = shot.valve_view;
  view.parts.emphasis = shot.emphasis;
  if (shot.section > 0) {
    // a cross-section shot: seen from above onto the cut (a presenter's own camera still wins)
    if (!cut_ || cut_->level() != shot.section) cut_ = std::make_shared<const SectionCut>(*rest_, shot.section);
    view.section = cut_;
    if (!camera) view.camera = cut_->frame_camera(width, height, session_->size(), view.parts);
  }
  const Caption* caption = shot_caption(shot, st.local_s);
  view.parts.caption = caption ? caption_text(*caption, lang) : std::string();
  view.parts.fade = fade_at(*board_, timeline_, index);
  return compose_frame(*session_, view, width, height);
}

}  // namespace calfpump::app
