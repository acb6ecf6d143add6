#pragma once
// Video files through FFmpeg's libraries (Debian's libavcodec, libavformat, libswscale): frames of
// RGBA pixels in, a file out. The format comes from the file's extension: .mp4 (H.264, yuv420p,
// fast start: plays in every browser), .webm (VP9), .gif (a palette made for the clip); a path
// without an extension is a folder of numbered PNG frames. The file is written as FILE.partial and renamed when finished, so that a
// failure leaves nothing broken behind. libav's headers stay out of this header.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "render/renderer.hpp"

namespace calfpump::app {

/// An encoding failure (a codec missing, a write that failed), with libav's own words.
class EncodeError : public std::runtime_error {
 public:
  explicit EncodeError(const std::string& message) : std::runtime_error(message) {}
};

/// What the encoder makes.
struct EncodeOptions {
  int width = 0, height = 0;  ///< even numbers (yuv420p halves the chroma)
  int fps = 30;
  /// 0 (smallest) to 100 (best): H.264's CRF 33 to 12 (x264's veryfast), VP9's CRF 50 to 15; the default gives CRF 18
  /// and 31, what a web page carries at 720p.
  int quality = 75;
  /// The index of the first frame (for --frames: the part's timestamps continue the whole's).
  std::int64_t first_frame = 0;
};

/// Frames from one key frame to the next (2 s). Each such group is encoded on its own, so a part of
/// a recording (--frames) that starts on a key frame holds exactly the whole's packets for its
/// frames, and parts join without re-encoding (join_videos).
int gop_frames(int fps);

/// The kinds of output, by the path's extension; EncodeError names the path otherwise.
enum class OutputKind { Mp4, WebM, Gif, PngFrames };
OutputKind output_kind(const std::filesystem::path& path);

/// Joins parts of one recording (each from `record --frames`, in order, each starting where the
/// one before ended) into one file without re-encoding; EncodeError names the part that does not
/// fit. Written as OUT.partial and renamed when complete. Returns the frame count.
std::int64_t join_videos(const std::vector<std::filesystem::path>& parts, const std::filesystem::path& out);

class Encoder {
 public:
  Encoder(const std::filesystem::path& path, const EncodeOptions& options);
  ~Encoder();  ///< without finish(): the partial output is removed
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;
  /// Adds the next frame (its size the options'). It is encoded on the encoder's own thread while
  /// the caller renders the next: EncodeError for this frame's size, or for a failure of an earlier
  /// frame (then every later add() and finish() raise it too).
  void add(const render::Image& frame);
  /// The same, taking the pixels instead of copying them; `frame` comes back with a spare buffer
  /// of the same size (or empty) to read the next frame into.
  void add(render::Image&& frame);
  /// Waits for the frames handed in, flushes, writes the trailer and moves the finished file into
  /// place; EncodeError if any frame failed.
  void finish();
  std::int64_t frames() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace calfpump::app
