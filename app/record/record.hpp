#pragma once
// `calfpump record`: a storyboard, or a scenario (or two side by side), to a video file or PNG
// frames, headless and deterministic; a storyboard's captions also beside it as WebVTT. The same session, compose_frame and renderer as every other front end, into an
// offscreen target; the frame pump drives it (frame index -> model time), and the encoder takes
// frame N while frame N + 1 draws.

#include <cstddef>
#include <string>
#include <vector>

namespace calfpump::app {

/// Options of `record`.
struct RecordOptions {
  std::string scenario;                ///< a scenario, or a storyboard (data/storyboards or a file with [storyboard])
  std::string lang = "en";             ///< a storyboard's captions: its language (English where a caption lacks it)
  std::string compare;                 ///< a second leg beside the first
  std::string out;                     ///< .mp4, .webm, or a folder (no extension) for PNG frames
  std::string size = "1280x720";
  int fps = 30;
  double duration_s = 0;               ///< the video's length (s); 0: to the scenario's end
  double start_s = 0;                  ///< model time of the first frame
  double time_scale = 1.0;             ///< model seconds per video second (0.25: slow motion)
  std::string frames;                  ///< "A-B": only those frames (0-based, inclusive) of the whole
  std::size_t particles = 200000;      ///< per leg
  int quality = 75;                    ///< 0 (smallest) to 100 (best)
  std::string poster;                  ///< a PNG of the first frame recorded
  std::string view = "posteromedial";
  bool plain = false;                  ///< the legs only: no titles, labels, plots or close-ups
  double emphasis = 1;                 ///< a scenario's muscles and veins move this many times larger (a storyboard sets it per shot)
  double section = 0;                  ///< a cross-section view of a scenario at this share of the tibia's length (a storyboard sets it per shot)
  std::string device;
  std::string antialiasing = "auto";
  bool quiet = false;
  /// Loops without a jump: a scenario's recording trimmed to whole contraction cycles (gait or
  /// raise) within its activity; a storyboard must be made to loop.
  bool loop = false;
};

int cmd_record(const RecordOptions& o);

struct BenchRenderOptions;
/// `calfpump bench record`: frames per second recording the main job's frame to H.264 at 30 fps
/// against drawing it alone, in the same run, alternating.
int cmd_bench_record(const BenchRenderOptions& o);

/// `calfpump join PART... --out FILE`: parts of one recording (record --frames) into one video
/// without re-encoding; a part that does not fit is bad input (exit code 2).
int cmd_join(const std::vector<std::string>& parts, const std::string& out);

}  // namespace calfpump::app
