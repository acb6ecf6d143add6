// The recorder: frames by index (FramePump), composed like every other frame, rendered offscreen
// two in flight, encoded as they come back. Exit codes: 2 bad arguments or files, 1 a failure
// while rendering or encoding, 130 interrupted; in each case no output file is left behind.

#include "record.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include <fmt/format.h>

#include "anatomy/error.hpp"
#include "anatomy/geometry_io.hpp"
#include "app/attach.hpp"
#include "app/compose.hpp"
#include "app/frame_pump.hpp"
#include "app/session.hpp"
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

}  // namespace

int cmd_record(const RecordOptions& o) {
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
        output_kind(o.out);  // a known format, before any work
      } catch (const EncodeError& e) { throw anatomy::ConfigError("--out", 0, 0, "", e.what()); }
      if (!(o.time_scale > 0 && o.time_scale <= 10))
        throw anatomy::ConfigError("--time-scale", 0, 0, "", "the time scale is above 0 and at most 10");
      std::vector<std::string> names{o.scenario};
      if (!o.compare.empty()) names.push_back(o.compare);
      Session session(names);
      if (!(o.start_s >= 0 && o.start_s < session.duration()))
        throw anatomy::ConfigError("--start", 0, 0, "",
                                   fmt::format("{} s is not within the scenario's {} s", o.start_s, session.duration()));
      const FramePump pump(o.fps, o.time_scale, o.start_s);
      const double video_s = o.duration_s > 0 ? o.duration_s : (session.duration() - o.start_s) / o.time_scale;
      if (o.start_s + video_s * o.time_scale > session.duration() + 1e-9)
        throw anatomy::ConfigError(
            "--duration", 0, 0, "",
            fmt::format("{} s of video from {} s runs past the end of the scenario ({} s)", video_s, o.start_s, session.duration()));
      const auto count = static_cast<std::int64_t>(std::floor(video_s * o.fps + 1e-9));
      if (count < 1) throw anatomy::ConfigError("--duration", 0, 0, "", "the recording would have no frame");
      const auto [first, last] = frame_range(o.frames, count);

      FrameView view;
      view.camera = view_camera(o.view);
      std::unique_ptr<Fonts> fonts;
      if (!o.plain) fonts = load_fonts();
      view.fonts = fonts.get();
      const anatomy::LegGeometry rest = anatomy::read_leg_glb(anatomy::default_leg_mesh());
      render::RenderOptions ro;
      ro.device = o.device;
      ro.antialiasing = antialiasing_of(o.antialiasing);
      const char* validation = std::getenv("CALFPUMP_VALIDATION");
      ro.validation = validation && std::string(validation) == "1";
      render::Renderer renderer(ro);
      attach(renderer, session, rest);
      if (fonts) renderer.set_fonts(fonts->regular, fonts->bold);
      start_at(session, renderer, o.start_s, o.particles);
      render::OffscreenTarget target(renderer, w, h);

      EncodeOptions eo;
      eo.width = w;
      eo.height = h;
      eo.fps = o.fps;
      eo.quality = o.quality;
      eo.first_frame = first;
      std::unique_ptr<Encoder> made;
      try {
        made = std::make_unique<Encoder>(o.out, eo);  // a path that cannot be written is bad input
      } catch (const EncodeError& e) { throw anatomy::ConfigError("--out", 0, 0, "", e.what()); }
      Encoder& encoder = *made;
      Progress progress(o.quiet, last - first + 1);

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
      render::Image image;
      std::uint64_t pending = 0;
      auto take = [&](std::uint64_t frame) {
        const render::FrameStatus st = target.read(frame, image);
        if (!st) throw FrameFailed{st.message};
        if (!o.poster.empty() && encoder.frames() == 0) render::write_png(image, o.poster);
        encoder.add(image);
        progress.update(encoder.frames());
      };
      for (std::int64_t i = first; i <= last; ++i) {
        if (g_interrupted) throw Interrupted{};
        session.run_until(pump.time(static_cast<std::uint64_t>(i)));
        view.particle_dt = i == 0 ? 0.0 : pump.step();  // frame 0 shows the blood where it was seeded
        const render::FrameStatus st = renderer.render(compose_frame(session, view, w, h), target);
        if (!st) throw FrameFailed{st.message};
        if (pending) take(pending);  // encode frame N while frame N + 1 draws
        pending = st.frame;
      }
      take(pending);
      encoder.finish();
      progress.update(encoder.frames(), true);
      if (renderer.validation_messages() > 0)
        fmt::print(stderr, "calfpump: {} Vulkan validation messages; the first: {}\n", renderer.validation_messages(),
                   renderer.first_validation_message());
      fmt::print("{} ({}x{}, {} frames at {} fps, {:.2f} s{}; {})\n", o.out, w, h, encoder.frames(), o.fps,
                 static_cast<double>(encoder.frames()) / o.fps,
                 first > 0 || last < count - 1 ? fmt::format(", frames {}-{} of {}", first, last, count) : std::string(),
                 renderer.device_name());
      if (!o.poster.empty()) fmt::print("{} (poster)\n", o.poster);
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
