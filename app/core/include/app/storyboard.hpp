#pragma once
// Storyboards (data/storyboards/*.toml): the story of the calf muscle pump as a sequence of shots,
// each one or two legs of a scenario seen through eased camera keyframes, with layer opacities over
// time, captions in several languages and a time scale (slow motion). The recorder, the presenter
// and the kiosk play the same storyboard; a frame of it is a function of its index (Timeline).
// Plain data and pure functions: no GPU here (StoryPlayer in story_player.hpp drives one).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "anatomy/description.hpp"
#include "render/frame.hpp"

namespace calfpump::app {

class Session;

/// A camera keyframe: where the camera is at a time of its shot (video seconds from the shot's
/// start). Angles are about the framed point: yaw from straight behind the leg (0) towards its
/// medial side (+90), pitch above the horizontal.
struct CameraKey {
  double t_s = 0;
  double yaw_deg = 30.3, pitch_deg = 10.8;  ///< the default posteromedial view
  double distance_m = 1.12;
  double fov_deg = 35;
  /// The picture turned about the line of sight (clockwise): a leg lying with its foot raised is
  /// drawn by the model upright and shown turned, gravity in the model as in the picture
  double roll_deg = 0;
  /// What the camera looks at: "leg" (knee to foot), "calf", "ankle", "knee", "valve:<name>", or a
  /// body or vessel of the leg description by name (its middle).
  std::string frame = "leg";
};

/// Layer opacities at a time of the shot; tendons follow the muscles.
struct LayerKey {
  double t_s = 0;
  float skin = 0.16f, muscles = 1.0f, bones = 1.0f, veins = 0.30f;
};

/// A caption, shown from start to end (video seconds from the shot's start), one text per language.
struct Caption {
  double start_s = 0, end_s = 0;
  std::map<std::string, std::string> text;  ///< language code -> UTF-8; "en" always present
  int line = 0;                             ///< where it is in the storyboard file
};

enum class Transition { Cut, Fade };

struct Shot {
  std::string name;
  std::vector<std::string> scenarios;  ///< one leg, or two side by side
  double duration_s = 0;               ///< video seconds
  double start_s = 0;                  ///< model time of the first frame (a continuing shot: where the previous one ended)
  bool continues = false;              ///< the previous shot's legs go on (same scenarios), their clock running on
  double time_scale = 1.0;             ///< model seconds per video second (0.25: four times slower)
  Transition transition = Transition::Cut;  ///< into this shot from the previous one
  double transition_s = 0;             ///< a fade's length, half out of the last shot, half into this one
  std::vector<CameraKey> camera;       ///< at least one, in time order
  std::vector<LayerKey> layers;        ///< may be empty: the default layers
  std::vector<Caption> captions;       ///< in time order, not overlapping
  bool plots = true;                   ///< the live plots, legend and clock
  bool closeups = true;                ///< the valve close-ups
  bool labels = true;                  ///< the structures' labels
  std::string valve_view;              ///< a valve across the whole view, as the close-ups show it (slow-motion shots)
  double emphasis = 1;                 ///< the muscles' and veins' movement drawn this many times larger (the frame says so)
  /// A cross-section shot: the calf cut across at this share of the tibia's length and seen from
  /// above (section_view.hpp; its camera keys are not used); 0: none.
  double section = 0;
  std::string notes;                   ///< for the presenter's screen
};

struct Storyboard {
  std::string name, title, description;
  std::filesystem::path file;
  std::vector<std::string> languages;  ///< "en" first
  bool loop = false;                   ///< made to play again from its start without a jump
  bool large_captions = false;         ///< captions for a waiting room: larger, fewer words
  std::vector<Shot> shots;
  double duration_s() const;
};

/// Loads and checks a storyboard against the leg (its scenarios must load, its structures and
/// valves exist); throws anatomy::ConfigError naming file, line and key.
Storyboard load_storyboard(const std::filesystem::path& file, const anatomy::LegDescription& leg);

/// The folder of built-in storyboards (data/storyboards).
std::filesystem::path storyboard_dir();
std::vector<std::string> builtin_storyboards();
/// True when `name` is a built-in storyboard's name or a .toml file with a [storyboard] table.
bool is_storyboard(const std::string& name);
/// The file of a built-in storyboard's name, or the path itself.
std::filesystem::path resolve_storyboard(const std::string& name_or_file);

/// Where frame `index` of a storyboard falls.
struct ShotTime {
  std::size_t shot = 0;
  double local_s = 0;     ///< video seconds since the shot's start
  double model_s = 0;     ///< the legs' model time
  std::size_t chain = 0;  ///< the first shot of the run of continuing shots this one belongs to
  std::uint64_t chain_first_frame = 0;
};

/// Frame index -> shot, local and model time, at a frame rate; never wall-clock time.
class Timeline {
 public:
  Timeline(const Storyboard& board, double fps);
  std::uint64_t frame_count() const { return count_; }
  std::uint64_t first_frame(std::size_t shot) const { return first_[shot]; }
  /// Frame index's place; index >= frame_count() is clamped to the last frame.
  ShotTime at(std::uint64_t index) const;
  double fps() const { return fps_; }

 private:
  const Storyboard* board_;
  double fps_;
  std::vector<std::uint64_t> first_;  ///< each shot's first frame, then the total
  std::vector<double> model_start_;   ///< each shot's model time at its first frame
  std::uint64_t count_ = 0;
};

/// The camera of a shot at a local time: keyframes eased (smoothstep) between, the framed points
/// looked up in the session's first leg.
render::Camera shot_camera(const Shot& shot, double local_s, const Session& session);
/// The layer opacities of a shot at a local time (linear between keys).
render::LayerOpacity shot_layers(const Shot& shot, double local_s);
/// The caption shown at a local time in `lang` (English where it has no such text), or null.
const Caption* shot_caption(const Shot& shot, double local_s);
std::string caption_text(const Caption& caption, const std::string& lang);
/// How far frame `index` is faded to the background (0: not at all, 1: fully), for fade transitions.
float fade_at(const Storyboard& board, const Timeline& timeline, std::uint64_t index);

/// The storyboard's captions in `lang` as a WebVTT file's text, timed as the timeline shows them.
std::string webvtt(const Storyboard& board, const Timeline& timeline, const std::string& lang);

/// Every caption's text in `lang` (English where it has none): what the fonts bake shaped.
std::vector<std::string> caption_texts(const Storyboard& board, const std::string& lang);

/// The captions (as file:line) that have no text in `lang`: they show in English.
std::vector<std::string> missing_translations(const Storyboard& board, const std::string& lang);

}  // namespace calfpump::app
