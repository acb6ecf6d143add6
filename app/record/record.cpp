// The recorder: frames by index (FramePump), composed like every other frame, rendered offscreen
// two in flight, encoded as they come back. Exit codes: 2 bad arguments or files, 1 a failure
// while rendering or encoding, 130 interrupted; in each case no output file is left behind.

#include "record.hpp"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "anatomy/error.hpp"
#include "anatomy/geometry_io.hpp"
#include "app/attach.hpp"
#include "app/compose.hpp"
#include "app/frame_pump.hpp"
#include "app/loop.hpp"
#include "app/session.hpp"
#include "app/story_player.hpp"
#include "app/storyboard.hpp"
#include "commands.hpp"
#include "encoder.hpp"
#include "render/renderer.hpp"
#include "render/target.hpp"

namespace calfpump::app {

namespace {

std::atomic<bool> g_interrupted{false};
void on_interrupt(int) { g_interrupted = true; }

struct Interrupted {};
// a frame that failed to draw (not the device or the options: those are refused before)
struct FrameFailed {
  std::string message;
};

render::Antialiasing antialiasing_of(const std::string& name) {
  if (name == "msaa") return render::Antialiasing::Multisample;
  if (name == "filter") return render::Antialiasing::EdgeFilter;
  if (name == "none") return render::Antialiasing::None;
  return render::Antialiasing::Automatic;
}

std::pair<int, int> video_size(const std::string& text) {
  int w = 0, h = 0;
  char x = 0;
  std::istringstream size(text);
  if (!(size >> w >> x >> h) || x != 'x' || !size.eof() || w < 16 || h < 16 || w > 8192 || h > 8192 || w % 2 || h % 2)
    throw anatomy::ConfigError("--size", 0, 0, "", fmt::format("'{}' is not a video size; expected WxH, even, 16 to 8192 a side", text));
  return {w, h};
}

// "A-B" -> [A, B] within [0, count)
std::pair<std::int64_t, std::int64_t> frame_range(const std::string& text, std::int64_t count) {
  if (text.empty()) return {0, count - 1};
  long long a = -1, b = -1;
  char dash = 0;
  std::istringstream in(text);
  if (!(in >> a >> dash >> b) || dash != '-' || !in.eof() || a < 0 || b < a || b >= count)
    throw anatomy::ConfigError(
        "--frames", 0, 0, "",
        fmt::format("'{}' is not a range of this recording's frames; expected A-B with 0 <= A <= B <= {}", text, count - 1));
  return {a, b};
}

// what the recorder says on the way: a bar on a terminal, a line every few seconds otherwise
struct Progress {
  bool quiet, tty;
  std::int64_t total;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now(), last = start;
  Progress(bool q, std::int64_t n) : quiet(q), tty(isatty(STDERR_FILENO) != 0), total(n) {}
  void update(std::int64_t done, bool final = false) {
    if (quiet) return;
    const auto now = std::chrono::steady_clock::now();
    if (!final && !tty && now - last < std::chrono::seconds(5)) return;
    if (!final && tty && now - last < std::chrono::milliseconds(200)) return;
    last = now;
    const double s = std::chrono::duration<double>(now - start).count();
    const double fps = s > 0 ? static_cast<double>(done) / s : 0.0;
    const double left = fps > 0 ? static_cast<double>(total - done) / fps : 0.0;
    if (tty) {
      const int width = 30, filled = total > 0 ? static_cast<int>(width * done / total) : width;
      fmt::print(stderr, "\r[{}{}] {}/{} frames, {:.1f} fps, {:.0f} s left  ", std::string(static_cast<std::size_t>(filled), '#'),
                 std::string(static_cast<std::size_t>(width - filled), '.'), done, total, fps, left);
      if (final) fmt::print(stderr, "\n");
    } else {
      fmt::print(stderr, "record: {}/{} frames, {:.1f} fps, {:.0f} s left\n", done, total, fps, left);
    }
  }
};

// a WebVTT file beside the video: FILE.<lang>.vtt (a folder of frames: FOLDER.<lang>.vtt)
std::filesystem::path vtt_path(const std::string& out, const std::string& lang) {
  const std::filesystem::path p(out);
  if (output_kind(p) == OutputKind::PngFrames) return fmt::format("{}.{}.vtt", out, lang);
  std::filesystem::path v = p;
  v.replace_extension(fmt::format(".{}.vtt", lang));
  return v;
}

}  // namespace

namespace {

// --loop for a scenario: the video's length cut down to whole contraction cycles, all of them
// within the activity (app/loop.hpp; the blood's particles are placed at random and do not repeat)
double loop_length(const Session& session, const RecordOptions& o, double video_s) {
  std::vector<const anatomy::Scenario*> scenarios;
  for (std::size_t i = 0; i < session.size(); ++i) scenarios.push_back(&session.leg(i).scenario);
  return whole_cycles(scenarios, o.start_s, video_s * o.time_scale, "--loop") / o.time_scale;
}

// A part of a video starts on a key frame, so that it holds the whole's packets for its frames
// and parts join without re-encoding (PNG frames start anywhere).
void check_part_start(const RecordOptions& o, std::int64_t first) {
  const OutputKind kind = output_kind(o.out);
  if ((kind != OutputKind::Mp4 && kind != OutputKind::WebM) || first % gop_frames(o.fps) == 0) return;
  throw anatomy::ConfigError("--frames", 0, 0, "",
                             fmt::format("a part of a video starts on a key frame, every {} frames at {} fps (2 s): {} is not a multiple of {}",
                                         gop_frames(o.fps), o.fps, first, gop_frames(o.fps)));
}

render::RenderOptions render_options(const RecordOptions& o) {
  render::RenderOptions ro;
  ro.device = o.device;
  ro.antialiasing = antialiasing_of(o.antialiasing);
  const char* validation = std::getenv("CALFPUMP_VALIDATION");
  ro.validation = validation && std::string(validation) == "1";
  return ro;
}

std::unique_ptr<Encoder> open_encoder(const RecordOptions& o, int w, int h, std::int64_t first) {
  EncodeOptions eo;
  eo.width = w;
  eo.height = h;
  eo.fps = o.fps;
  eo.quality = o.quality;
  eo.first_frame = first;
  try {
    return std::make_unique<Encoder>(o.out, eo);  // a path that cannot be written is bad input
  } catch (const EncodeError& e) { throw anatomy::ConfigError("--out", 0, 0, "", e.what()); }
}

// Draws frames first..last, each composed by compose(i) (which brings the legs to frame i), two in
// flight: frame N is read back and encoded while frame N + 1 draws.
void draw_frames(const RecordOptions& o, render::Renderer& renderer, render::OffscreenTarget& target, Encoder& encoder,
                 std::int64_t first, std::int64_t last, const std::function<render::FrameDesc(std::int64_t)>& compose) {
  Progress progress(o.quiet, last - first + 1);
  render::Image image;
  std::uint64_t pending = 0;
  auto take = [&](std::uint64_t frame) {
    const render::FrameStatus st = target.read(frame, image);
    if (!st) throw FrameFailed{st.message};
    if (!o.poster.empty() && encoder.frames() == 0) render::write_png(image, o.poster);
    encoder.add(std::move(image));  // encoded on the encoder's thread while the next frame renders
    progress.update(encoder.frames());
  };
  for (std::int64_t i = first; i <= last; ++i) {
    if (g_interrupted) throw Interrupted{};
    const render::FrameStatus st = renderer.render(compose(i), target);
    if (!st) throw FrameFailed{st.message};
    if (pending) take(pending);
    pending = st.frame;
  }
  take(pending);
  encoder.finish();
  progress.update(encoder.frames(), true);
  if (renderer.validation_messages() > 0)
    fmt::print(stderr, "calfpump: {} Vulkan validation messages; the first: {}\n", renderer.validation_messages(),
               renderer.first_validation_message());
}

void print_result(const RecordOptions& o, const Encoder& encoder, int w, int h, std::int64_t first, std::int64_t last, std::int64_t count,
                  const render::Renderer& renderer) {
  fmt::print("{} ({}x{}, {} frames at {} fps, {:.2f} s{}; {})\n", o.out, w, h, encoder.frames(), o.fps,
             static_cast<double>(encoder.frames()) / o.fps,
             first > 0 || last < count - 1 ? fmt::format(", frames {}-{} of {}", first, last, count) : std::string(), renderer.device_name());
  if (!o.poster.empty()) fmt::print("{} (poster)\n", o.poster);
}

// a storyboard: its timeline at the frame rate, its captions burned in and written as WebVTT
int record_storyboard(const RecordOptions& o, int w, int h) {
  const RecordOptions defaults;
  if (!o.compare.empty()) throw anatomy::ConfigError("--compare", 0, 0, "", "a storyboard's shots name their scenarios; --compare is for a scenario");
  if (o.start_s != defaults.start_s) throw anatomy::ConfigError("--start", 0, 0, "", "a storyboard's shots set their model times");
  if (o.time_scale != defaults.time_scale) throw anatomy::ConfigError("--time-scale", 0, 0, "", "a storyboard's shots set their time scales");
  if (o.view != defaults.view) throw anatomy::ConfigError("--view", 0, 0, "", "a storyboard's shots set their cameras");
  if (o.emphasis != defaults.emphasis) throw anatomy::ConfigError("--emphasis", 0, 0, "", "a storyboard's shots set their emphasis");
  if (o.section != defaults.section) throw anatomy::ConfigError("--section", 0, 0, "", "a storyboard's shots set their cross-sections");
  const anatomy::LegDescription leg = anatomy::load_leg_description(anatomy::default_leg_file());
  const Storyboard board = load_storyboard(resolve_storyboard(o.scenario), leg);
  if (o.loop && !board.loop) throw anatomy::ConfigError("--loop", 0, 0, "", "this storyboard is not made to loop ([storyboard] loop = true)");
  if (o.plain)
    for (std::size_t i = 0; i < board.shots.size(); ++i)
      if (board.shots[i].emphasis != 1.0)
        throw anatomy::ConfigError("--plain", 0, 0, "",
                                   fmt::format("shot {} ('{}') draws its movement enlarged, which the frame must state; --plain leaves it without words",
                                               i + 1, board.shots[i].name));
  if (std::find(board.languages.begin(), board.languages.end(), o.lang) == board.languages.end()) {
    std::string list;
    for (const auto& l : board.languages) list += (list.empty() ? "" : ", ") + l;
    throw anatomy::ConfigError("--lang", 0, 0, "", fmt::format("'{}' is not among the storyboard's languages ({})", o.lang, list));
  }
  if (const auto missing = missing_translations(board, o.lang); !missing.empty())
    fmt::print(stderr, "calfpump: {} of the captions have no '{}' text and show in English (the first: {})\n", missing.size(), o.lang,
               missing.front());
  const Timeline whole(board, o.fps);
  auto count = static_cast<std::int64_t>(whole.frame_count());
  if (o.duration_s > 0) {
    if (o.duration_s > board.duration_s() + 1e-9)
      throw anatomy::ConfigError("--duration", 0, 0, "", fmt::format("the storyboard is {} s long", board.duration_s()));
    count = static_cast<std::int64_t>(std::floor(o.duration_s * o.fps + 1e-9));
  }
  if (count < 1) throw anatomy::ConfigError("--duration", 0, 0, "", "the recording would have no frame");
  const auto [first, last] = frame_range(o.frames, count);
  check_part_start(o, first);

  FrameView view;
  // the words in the picture in the captions' language, and every text drawn shaped baked
  const OverlayText words = OverlayText::load(o.lang);
  std::vector<std::string> shaped = caption_texts(board, o.lang);
  for (const std::string& t : words.texts()) shaped.push_back(t);
  std::unique_ptr<Fonts> fonts;
  if (!o.plain) fonts = load_fonts(shaped);
  view.fonts = fonts.get();
  if (o.lang != "en") view.parts.text = &words;
  const anatomy::LegGeometry rest = anatomy::read_leg_glb(anatomy::default_leg_mesh());
  render::Renderer renderer(render_options(o));
  if (fonts) renderer.set_fonts(fonts->regular, fonts->bold);
  StoryPlayer player(board, o.fps, renderer, rest, o.particles);
  render::OffscreenTarget target(renderer, w, h);
  std::unique_ptr<Encoder> encoder = open_encoder(o, w, h, first);
  // the captions beside the video, timed as the burned-in ones (a part's cues keep the whole's
  // times); written first as .partial, moved into place once the video is
  const std::filesystem::path vtt = vtt_path(o.out, o.lang);
  struct Partial {
    std::filesystem::path path;
    ~Partial() {
      std::error_code ec;
      if (!path.empty()) std::filesystem::remove(path, ec);
    }
  } partial{vtt.string() + ".partial"};
  {
    std::ofstream out(partial.path, std::ios::binary);
    out << webvtt(board, whole, o.lang);
    out.close();
    if (!out) throw EncodeError(fmt::format("{}: cannot write the captions", vtt.string()));
  }
  draw_frames(o, renderer, target, *encoder, first, last,
              [&](std::int64_t i) { return player.frame(static_cast<std::uint64_t>(i), view, w, h, o.lang); });
  std::error_code ec;
  std::filesystem::rename(partial.path, vtt, ec);
  if (ec) throw EncodeError(fmt::format("{}: cannot move the captions into place: {}", vtt.string(), ec.message()));
  partial.path.clear();
  print_result(o, *encoder, w, h, first, last, count, renderer);
  fmt::print("{} (captions, {})\n", vtt.string(), o.lang);
  return 0;
}

}  // namespace

int cmd_bench_record(const BenchRenderOptions& o) {
  return guarded([&] {
    const auto [w, h] = video_size(o.size);
    // the main job's frame, as bench render: healthy and great-saphenous-reflux legs walking side by side
    Session session({"healthy-walking", "gsv-reflux-walking"});
    const anatomy::LegGeometry rest = anatomy::read_leg_glb(anatomy::default_leg_mesh());
    const std::unique_ptr<Fonts> fonts = load_fonts();
    RecordOptions ro;
    ro.device = o.device;
    ro.antialiasing = o.antialiasing;
    render::Renderer renderer(render_options(ro));
    attach(renderer, session, rest);
    renderer.set_fonts(fonts->regular, fonts->bold);
    start_at(session, renderer, 20.0, o.particles);
    render::OffscreenTarget target(renderer, w, h);
    const FramePump pump(30.0, o.time_scale, session.time());
    FrameView view;
    view.fonts = fonts.get();
    view.particle_dt = pump.step();
    std::uint64_t next = 1;
    auto compose = [&](std::int64_t) {
      session.run_until(pump.time(next++));
      return compose_frame(session, view, w, h);
    };
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / fmt::format("calfpump-bench-record-{}", getpid());
    std::filesystem::create_directories(dir);
    struct Remove {
      std::filesystem::path d;
      ~Remove() {
        std::error_code ec;
        std::filesystem::remove_all(d, ec);
      }
    } remove{dir};
    using clock = std::chrono::steady_clock;
    // one pass: draw and read back `frames` frames, two in flight, encoded as H.264 or not at all
    auto pass = [&](bool encode) {
      RecordOptions eo;
      eo.fps = 30;
      eo.quiet = true;
      eo.out = (dir / (encode ? "bench.mp4" : "frames-unused")).string();
      const auto start = clock::now();
      if (encode) {
        std::unique_ptr<Encoder> encoder = open_encoder(eo, w, h, 0);
        draw_frames(eo, renderer, target, *encoder, 0, o.frames - 1, compose);
      } else {
        render::Image image;
        std::uint64_t pending = 0;
        for (int i = 0; i < o.frames; ++i) {
          const render::FrameStatus st = renderer.render(compose(i), target);
          if (!st) throw FrameFailed{st.message};
          if (pending && !target.read(pending, image)) throw FrameFailed{"read-back"};
          pending = st.frame;
        }
        if (!target.read(pending, image)) throw FrameFailed{"read-back"};
      }
      return static_cast<double>(o.frames) / std::chrono::duration<double>(clock::now() - start).count();
    };
    (void)pass(false);  // warm-up: first-use costs
    // alternating, twice each, so that neither gets the machine's better moments
    std::vector<double> render_fps, record_fps;
    for (int k = 0; k < 2; ++k) {
      render_fps.push_back(pass(false));
      record_fps.push_back(pass(true));
    }
    const double r = (render_fps[0] + render_fps[1]) / 2, e = (record_fps[0] + record_fps[1]) / 2;
    if (o.json) {
      fmt::print("{}\n", nlohmann::json{{"device", renderer.device_name()}, {"width", w}, {"height", h}, {"fps", 30}, {"codec", "h264"},
                                         {"particles_per_leg", o.particles}, {"frames", o.frames}, {"render_fps", r}, {"record_fps", e},
                                         {"record_share_of_render", e / r}, {"render_fps_runs", render_fps}, {"record_fps_runs", record_fps}}
                              .dump(2));
    } else {
      fmt::print("bench record: {} at {}x{}, 2 legs with {} particles each, {} frames a pass, alternating\n", renderer.device_name(), w, h,
                 o.particles, o.frames);
      fmt::print("  render only {:.2f} fps, recording to H.264 {:.2f} fps: {:.0f}% of the render rate\n", r, e, 100 * e / r);
    }
    return 0;
  });
}

int cmd_join(const std::vector<std::string>& parts, const std::string& out) {
  return guarded([&]() -> int {
    std::vector<std::filesystem::path> files(parts.begin(), parts.end());
    std::int64_t frames = 0;
    try {
      frames = join_videos(files, out);
    } catch (const EncodeError& e) { throw anatomy::ConfigError("join", 0, 0, "", e.what()); }
    fmt::print("{} ({} frames from {} parts, joined without re-encoding)\n", out, frames, parts.size());
    return 0;
  });
}

int cmd_record(const RecordOptions& given) {
  // "frames/" names the folder "frames": without the separator its ".partial" lies beside it, not
  // inside the folder that replacing it removes
  RecordOptions o = given;
  while (o.out.size() > 1 && o.out.back() == '/') o.out.pop_back();
  struct sigaction action {
  }, previous{};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &previous);
  g_interrupted = false;
  struct Restore {
    struct sigaction saved;
    ~Restore() { sigaction(SIGINT, &saved, nullptr); }
  } restore{previous};
  // bad input (2), a diverging simulation (3) and the rest (1) as every command has them
  return guarded([&]() -> int {
    try {
      const auto [w, h] = video_size(o.size);
      if (o.out.empty()) throw anatomy::ConfigError("--out", 0, 0, "", "where to write the recording");
      try {
        // a known format, before any work
        if (output_kind(o.out) == OutputKind::Gif && w > 1280)
          throw EncodeError(fmt::format("{}: a GIF is at most 1280 pixels wide ({}); use .mp4 or .webm", o.out, w));
      } catch (const EncodeError& e) { throw anatomy::ConfigError("--out", 0, 0, "", e.what()); }
      if (!(o.time_scale > 0 && o.time_scale <= 10))
        throw anatomy::ConfigError("--time-scale", 0, 0, "", "the time scale is above 0 and at most 10");
      if (is_storyboard(o.scenario)) return record_storyboard(o, w, h);
      std::vector<std::string> names{o.scenario};
      if (!o.compare.empty()) names.push_back(o.compare);
      Session session(names);
      if (!(o.start_s >= 0 && o.start_s < session.duration()))
        throw anatomy::ConfigError("--start", 0, 0, "",
                                   fmt::format("{} s is not within the scenario's {} s", o.start_s, session.duration()));
      const FramePump pump(o.fps, o.time_scale, o.start_s);
      double video_s = o.duration_s > 0 ? o.duration_s : (session.duration() - o.start_s) / o.time_scale;
      if (o.start_s + video_s * o.time_scale > session.duration() + 1e-9)
        throw anatomy::ConfigError(
            "--duration", 0, 0, "",
            fmt::format("{} s of video from {} s runs past the end of the scenario ({} s)", video_s, o.start_s, session.duration()));
      if (o.loop) video_s = loop_length(session, o, video_s);
      const auto count = static_cast<std::int64_t>(o.loop ? std::round(video_s * o.fps) : std::floor(video_s * o.fps + 1e-9));
      if (count < 1) throw anatomy::ConfigError("--duration", 0, 0, "", "the recording would have no frame");
      const auto [first, last] = frame_range(o.frames, count);
      check_part_start(o, first);

      FrameView view;
      const double level = section_level(o.view, o.section, o.plain);
      if (level == 0) view.camera = view_camera(o.view);
      view.parts.emphasis = o.emphasis;
      if (o.emphasis != 1.0 && o.plain)
        throw anatomy::ConfigError("--emphasis", 0, 0, "", "an enlarged movement must be stated in the frame, which --plain leaves without words");
      // the words in the picture (titles, labels, plots, the caption) in --lang, drawn shaped
      const OverlayText words = OverlayText::load(o.lang);
      if (o.lang != "en" && words.texts().empty())
        throw anatomy::ConfigError("--lang", 0, 0, "", fmt::format("'{}' has no words in data/text/overlay.toml (en, es, ar)", o.lang));
      if (o.lang != "en") view.parts.text = &words;
      std::unique_ptr<Fonts> fonts;
      if (!o.plain) fonts = load_fonts(words.texts());
      view.fonts = fonts.get();
      const anatomy::LegGeometry rest = anatomy::read_leg_glb(anatomy::default_leg_mesh());
      if (level > 0) {
        view.section = std::make_shared<const SectionCut>(rest, level);
        view.camera = view.section->frame_camera(w, h, session.size());
      }
      render::Renderer renderer(render_options(o));
      attach(renderer, session, rest);
      if (fonts) renderer.set_fonts(fonts->regular, fonts->bold);
      start_at(session, renderer, o.start_s, o.particles);
      render::OffscreenTarget target(renderer, w, h);
      std::unique_ptr<Encoder> encoder = open_encoder(o, w, h, first);

      // frames before the range are not drawn, but the blood moves through them as in a whole
      // recording, so that a part's frames are the whole's
      for (std::int64_t i = 1; i < first; ++i) {
        if (g_interrupted) throw Interrupted{};
        session.run_until(pump.time(static_cast<std::uint64_t>(i)));
        for (std::size_t k = 0; k < session.size(); ++k) {
          const LegRun& l = session.leg(k);
          renderer.advance_particles(render::leg_frame(*l.model, l.paths, l.network, l.sim->state()), pump.step(), k);
        }
      }
      draw_frames(o, renderer, target, *encoder, first, last, [&](std::int64_t i) {
        session.run_until(pump.time(static_cast<std::uint64_t>(i)));
        view.particle_dt = i == 0 ? 0.0 : pump.step();  // frame 0 shows the blood where it was seeded
        return compose_frame(session, view, w, h);
      });
      print_result(o, *encoder, w, h, first, last, count, renderer);
      return 0;
    } catch (const Interrupted&) {
      fmt::print(stderr, "\ncalfpump: interrupted; nothing was written\n");
      return 130;
    } catch (const FrameFailed& e) {
      fmt::print(stderr, "calfpump: error: a frame failed: {}\n", e.message);
      return 1;
    } catch (const EncodeError& e) {
      fmt::print(stderr, "calfpump: error: {}\n", e.what());
      return 1;
    }
  });
}

}  // namespace calfpump::app
