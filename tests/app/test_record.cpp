// The recorder, from the outside: the files it writes, checked with libavformat (codec, pixel
// format, size, frame count, duration, fast start), its determinism, parts that equal the whole,
// and bad input, an unwritable path and an interrupt that each leave nothing behind.

#include <catch2/catch.hpp>

#include "run_calfpump.hpp"

#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
}

namespace fs = std::filesystem;

namespace {

using calfpump::test::Result;

Result run(const std::string& args, const std::string& prefix = "") {
  return calfpump::test::run_calfpump(args, prefix + " ASAN_OPTIONS=detect_leaks=0:abort_on_error=1");
}

fs::path tmp(const std::string& name) {
  const fs::path dir = fs::path(CALFPUMP_TEST_TMP) / "record";
  fs::create_directories(dir);
  return dir / name;
}

std::string bytes(const fs::path& f) {
  std::ifstream in(f, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Probe {
  std::string codec, pixel_format;
  int width = 0, height = 0;
  int frames = 0;
  double duration_s = 0;
};

Probe probe(const fs::path& file) {
  Probe p;
  AVFormatContext* f = nullptr;
  REQUIRE(avformat_open_input(&f, file.string().c_str(), nullptr, nullptr) == 0);
  REQUIRE(avformat_find_stream_info(f, nullptr) >= 0);
  REQUIRE(f->nb_streams == 1);
  const AVCodecParameters* c = f->streams[0]->codecpar;
  p.codec = avcodec_get_name(c->codec_id);
  p.pixel_format = av_get_pix_fmt_name(static_cast<AVPixelFormat>(c->format));
  p.width = c->width;
  p.height = c->height;
  p.duration_s = f->duration > 0 ? static_cast<double>(f->duration) / AV_TIME_BASE : 0.0;
  AVPacket* pkt = av_packet_alloc();
  while (av_read_frame(f, pkt) >= 0) {
    ++p.frames;
    av_packet_unref(pkt);
  }
  av_packet_free(&pkt);
  avformat_close_input(&f);
  return p;
}

// the order of an MP4's top-level boxes: "moov" before "mdat" is fast start (plays while loading)
bool fast_start(const fs::path& file) {
  const std::string d = bytes(file);
  std::size_t at = 0, moov = std::string::npos, mdat = std::string::npos;
  while (at + 8 <= d.size()) {
    const auto size = static_cast<std::size_t>(static_cast<unsigned char>(d[at]) << 24 | static_cast<unsigned char>(d[at + 1]) << 16 |
                                               static_cast<unsigned char>(d[at + 2]) << 8 | static_cast<unsigned char>(d[at + 3]));
    const std::string type = d.substr(at + 4, 4);
    if (type == "moov" && moov == std::string::npos) moov = at;
    if (type == "mdat" && mdat == std::string::npos) mdat = at;
    if (size < 8) break;
    at += size;
  }
  return moov != std::string::npos && mdat != std::string::npos && moov < mdat;
}

const std::string kClip = " healthy-walking --start 12 --duration 1 --size 160x90 --particles 5000 --quiet";

}  // namespace

TEST_CASE("record writes H.264 MP4 with fast start and VP9 WebM, the frames and length asked for", "[cli][gpu][record]") {
  const fs::path mp4 = tmp("clip.mp4"), webm = tmp("clip.webm"), poster = tmp("poster.png");
  fs::remove(mp4);
  fs::remove(webm);
  const Result a = run("record" + kClip + " --out " + mp4.string() + " --poster " + poster.string());
  INFO(a.out);
  REQUIRE(a.code == 0);
  const Probe p = probe(mp4);
  CHECK(p.codec == "h264");
  CHECK(p.pixel_format == "yuv420p");
  CHECK(p.width == 160);
  CHECK(p.height == 90);
  CHECK(p.frames == 30);
  CHECK(p.duration_s == Approx(1.0).margin(0.01));
  CHECK(fast_start(mp4));
  CHECK(fs::file_size(poster) > 1000);
  const Result b = run("record" + kClip + " --out " + webm.string());
  INFO(b.out);
  REQUIRE(b.code == 0);
  const Probe q = probe(webm);
  CHECK(q.codec == "vp9");
  CHECK(q.pixel_format == "yuv420p");
  CHECK(q.frames == 30);
  CHECK(q.duration_s == Approx(1.0).margin(0.01));
  CHECK_FALSE(fs::exists(mp4.string() + ".partial"));
}

TEST_CASE("the same record command gives the same file, and parts rendered with --frames are the whole's frames", "[cli][gpu][record]") {
  const fs::path a = tmp("same-a.mp4"), b = tmp("same-b.mp4");
  REQUIRE(run("record" + kClip + " --out " + a.string()).code == 0);
  REQUIRE(run("record" + kClip + " --out " + b.string()).code == 0);
  CHECK(bytes(a) == bytes(b));
  // PNG frames: the whole, and two parts
  const fs::path whole = tmp("whole"), first = tmp("part1"), second = tmp("part2");
  REQUIRE(run("record" + kClip + " --out " + whole.string()).code == 0);
  REQUIRE(run("record" + kClip + " --frames 0-11 --out " + first.string()).code == 0);
  const Result r = run("record" + kClip + " --frames 12-29 --out " + second.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  int compared = 0, same = 0;
  for (int i = 0; i < 30; ++i) {
    const std::string name = "frame-" + std::string(6 - std::to_string(i).size(), '0') + std::to_string(i) + ".png";
    const fs::path part = (i < 12 ? first : second) / name;
    REQUIRE(fs::exists(whole / name));
    REQUIRE(fs::exists(part));
    ++compared;
    same += bytes(whole / name) == bytes(part);
  }
  CHECK(compared == 30);
  CHECK(same == 30);
  CHECK(bytes(whole / "frame-000000.png") != bytes(whole / "frame-000029.png"));  // it moves
  // the folder named with a trailing separator is the same folder, its frames replaced
  const Result again = run("record" + kClip + " --frames 0-1 --out " + whole.string() + "/");
  INFO(again.out);
  CHECK(again.code == 0);
  CHECK(fs::exists(whole / "frame-000000.png"));
  CHECK_FALSE(fs::exists(whole / "frame-000029.png"));
}

TEST_CASE("record refuses bad input and leaves nothing behind, also when interrupted", "[cli][record][errors]") {
  const fs::path avi = tmp("clip.avi"), nowhere = fs::path("/nonexistent-folder/clip.mp4"), bad_range = tmp("range.mp4");
  const Result a = run("record" + kClip + " --out " + avi.string());
  CHECK(a.code == 2);
  CHECK_THAT(a.out, Catch::Contains(".avi") && Catch::Contains("--out"));
  CHECK_FALSE(fs::exists(avi));
  const Result b = run("record" + kClip + " --out " + nowhere.string());
  CHECK(b.code == 2);
  CHECK_THAT(b.out, Catch::Contains("/nonexistent-folder"));
  const Result c = run("record" + kClip + " --frames 20-40 --out " + bad_range.string());
  CHECK(c.code == 2);
  CHECK_THAT(c.out, Catch::Contains("--frames") && Catch::Contains("29"));
  CHECK_FALSE(fs::exists(bad_range));
  const Result d = run("record" + kClip + " --size 161x90 --out " + bad_range.string());
  CHECK(d.code == 2);
  CHECK_THAT(d.out, Catch::Contains("--size"));
  // a scenario's picture in Spanish: its words differ from the English frame's
  const fs::path en_frames = tmp("lang-en"), es_frames = tmp("lang-es");
  const std::string frame0 = " healthy-walking --start 12 --duration 1 --frames 0-0 --size 640x360 --particles 5000 --quiet";
  const Result en = run("record" + frame0 + " --out " + en_frames.string());
  const Result es = run("record" + frame0 + " --lang es --out " + es_frames.string());
  REQUIRE(en.code == 0);
  REQUIRE(es.code == 0);
  CHECK(bytes(en_frames / "frame-000000.png") != bytes(es_frames / "frame-000000.png"));
  // a language without the picture's words is refused by name, not drawn in English unsaid
  const Result g = run("record" + kClip + " --lang fr --out " + bad_range.string());
  CHECK(g.code == 2);
  CHECK_THAT(g.out, Catch::Contains("--lang") && Catch::Contains("'fr'"));
  CHECK_FALSE(fs::exists(bad_range));
  // Ctrl-C half way through a long recording: exit code 130, no file, no partial file
  const fs::path stopped = tmp("stopped.mp4");
  fs::remove(stopped);
  const Result e = run("record healthy-walking --duration 60 --size 320x180 --particles 5000 --quiet --out " + stopped.string(),
                       "timeout --preserve-status -s INT 4 env");
  INFO(e.out);
  CHECK(e.code == 130);
  CHECK_THAT(e.out, Catch::Contains("interrupted"));
  CHECK_FALSE(fs::exists(stopped));
  CHECK_FALSE(fs::exists(stopped.string() + ".partial"));
  // a full disk, as a file size limit: writing fails part way (EFBIG, SIGXFSZ ignored), exit code
  // 1, the message says so, and no file is left
  const fs::path full = tmp("full.mp4");
  fs::remove(full);
  const Result f = run("record healthy-walking --start 12 --duration 3 --size 320x180 --particles 5000 --quiet --out " + full.string(),
                       "ulimit -f 40; trap '' XFSZ;");
  INFO(f.out);
  CHECK(f.code == 1);
  CHECK_THAT(f.out, Catch::Contains("disk full"));
  CHECK_FALSE(fs::exists(full));
  CHECK_FALSE(fs::exists(full.string() + ".partial"));
}

namespace {

// four short shots: a cut from one leg standing to two walking with a fade, the walk continuing
// slowed, then one leg again rising on its toes
const std::string kBoard =
    "[storyboard]\nname = \"short\"\nlanguages = [\"en\", \"es\"]\n\n"
    "[[shot]]\nscenario = \"healthy-standing\"\nstart_s = 5\nduration_s = 1\nplots = false\n"
    "[[shot.camera]]\nt_s = 0\nyaw_deg = 0\n[[shot.camera]]\nt_s = 1\nyaw_deg = 60\nframe = \"calf\"\ndistance_m = 0.8\n"
    "[[shot.caption]]\nstart_s = 0.2\nend_s = 0.9\nen = \"Standing\"\nes = \"De pie\"\n\n"
    "[[shot]]\nscenarios = [\"healthy-walking\", \"gsv-reflux-walking\"]\nstart_s = 12\nduration_s = 1\ntransition = \"fade\"\ntransition_s = 0.4\n"
    "[[shot.camera]]\nt_s = 0\n"
    "[[shot.caption]]\nstart_s = 0.3\nend_s = 1\nen = \"Walking\"\n\n"
    "[[shot]]\nscenarios = [\"healthy-walking\", \"gsv-reflux-walking\"]\ncontinues = true\nduration_s = 0.6\ntime_scale = 0.25\n"
    "valve_view = \"gsv-knee\"\n[[shot.camera]]\nt_s = 0\n\n"
    "[[shot]]\nscenario = \"healthy-tiptoe\"\nstart_s = 20\nduration_s = 0.5\nemphasis = 2\n[[shot.camera]]\nt_s = 0\n";

fs::path short_board() {
  const fs::path f = tmp("short-board.toml");
  std::ofstream(f) << kBoard;
  return f;
}

}  // namespace

TEST_CASE("a storyboard records with its captions beside it, and its parts are the whole's frames", "[cli][gpu][record][storyboard]") {
  const std::string args = " " + short_board().string() + " --fps 10 --size 160x90 --particles 5000 --quiet";
  // the video and its captions in the language asked for, English where a caption lacks it
  const fs::path video = tmp("story.mp4"), vtt = tmp("story.es.vtt");
  fs::remove(vtt);
  const Result r = run("record" + args + " --lang es --out " + video.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("1 of the captions have no 'es' text"));
  const Probe p = probe(video);
  CHECK(p.codec == "h264");
  CHECK(p.frames == 31);
  REQUIRE(fs::exists(vtt));
  const std::string cues = bytes(vtt);
  CHECK(cues.starts_with("WEBVTT\n"));
  CHECK_THAT(cues, Catch::Contains("00:00:00.200 --> 00:00:00.900\nDe pie\n"));
  CHECK_THAT(cues, Catch::Contains("00:00:01.300 --> 00:00:02.000\nWalking\n"));
  CHECK_FALSE(fs::exists(vtt.string() + ".partial"));

  // PNG frames: the whole and two parts, the second starting inside the two legs' walk, crossing
  // into the continuing slow-motion shot and back to one leg


  const fs::path whole = tmp("story-whole"), first = tmp("story-part1"), second = tmp("story-part2");
  for (const fs::path& d : {whole, first, second}) fs::remove_all(d);
  REQUIRE(run("record" + args + " --out " + whole.string()).code == 0);
  REQUIRE(run("record" + args + " --frames 0-13 --out " + first.string()).code == 0);
  REQUIRE(run("record" + args + " --frames 14-30 --out " + second.string()).code == 0);
  int same = 0;
  for (int i = 0; i < 31; ++i) {
    const std::string name = "frame-" + std::string(6 - std::to_string(i).size(), '0') + std::to_string(i) + ".png";
    REQUIRE(fs::exists(whole / name));
    REQUIRE(fs::exists((i < 14 ? first : second) / name));
    same += bytes(whole / name) == bytes((i < 14 ? first : second) / name);
  }
  CHECK(same == 31);
  // the shots differ, and the fade shows: the frame at the cut is (nearly) the background alone
  CHECK(bytes(whole / "frame-000005.png") != bytes(whole / "frame-000015.png"));
  CHECK(fs::file_size(whole / "frame-000010.png") < fs::file_size(whole / "frame-000005.png") / 2);
}

TEST_CASE("record refuses a bad storyboard and options that a storyboard sets itself", "[cli][record][storyboard][errors]") {
  const fs::path bad = tmp("bad-board.toml"), out = tmp("bad-board.mp4");
  std::ofstream(bad) << kBoard << "[[shot.caption]]\nstart_s = 0.5\nend_s = 0.2\nen = \"x\"\n";
  const Result a = run("record " + bad.string() + " --size 160x90 --quiet --out " + out.string());
  CHECK(a.code == 2);
  CHECK_THAT(a.out, Catch::Contains("bad-board.toml:") && Catch::Contains("shot[3].caption.end_s"));
  CHECK_FALSE(fs::exists(out));
  const Result b = run("record " + short_board().string() + " --lang fr --size 160x90 --quiet --out " + out.string());
  CHECK(b.code == 2);
  CHECK_THAT(b.out, Catch::Contains("--lang") && Catch::Contains("en, es"));
  const Result c = run("record " + short_board().string() + " --compare gsv-reflux-walking --size 160x90 --quiet --out " + out.string());
  CHECK(c.code == 2);
  CHECK_THAT(c.out, Catch::Contains("--compare"));
  const Result d = run("record " + short_board().string() + " --emphasis 2 --size 160x90 --quiet --out " + out.string());
  CHECK(d.code == 2);
  CHECK_THAT(d.out, Catch::Contains("--emphasis") && Catch::Contains("shots set their emphasis"));
  const fs::path loud = tmp("loud-board.toml");
  std::string text = kBoard;
  text.replace(text.find("emphasis = 2"), 12, "emphasis = 5");
  std::ofstream(loud) << text;
  const Result e = run("record " + loud.string() + " --size 160x90 --quiet --out " + out.string());
  CHECK(e.code == 2);
  CHECK_THAT(e.out, Catch::Contains("loud-board.toml:") && Catch::Contains("emphasis"));
  CHECK_FALSE(fs::exists(out));
  CHECK_FALSE(fs::exists(tmp("bad-board.en.vtt")));
}

namespace {

// every decoded frame's pixels, one string per frame (the luma and chroma planes' bytes)
std::vector<std::string> decoded(const fs::path& file) {
  std::vector<std::string> out;
  AVFormatContext* f = nullptr;
  REQUIRE(avformat_open_input(&f, file.string().c_str(), nullptr, nullptr) == 0);
  REQUIRE(avformat_find_stream_info(f, nullptr) >= 0);
  const AVCodecParameters* par = f->streams[0]->codecpar;
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  REQUIRE(codec != nullptr);
  AVCodecContext* c = avcodec_alloc_context3(codec);
  REQUIRE(avcodec_parameters_to_context(c, par) >= 0);
  c->thread_count = 1;
  REQUIRE(avcodec_open2(c, codec, nullptr) == 0);
  AVPacket* pkt = av_packet_alloc();
  AVFrame* frame = av_frame_alloc();
  auto take = [&] {
    while (avcodec_receive_frame(c, frame) == 0) {
      std::string pixels;
      for (int plane = 0; plane < 3; ++plane) {
        const int rows = plane == 0 ? frame->height : (frame->height + 1) / 2, cols = plane == 0 ? frame->width : (frame->width + 1) / 2;
        for (int y = 0; y < rows; ++y) pixels.append(reinterpret_cast<const char*>(frame->data[plane] + y * frame->linesize[plane]), static_cast<std::size_t>(cols));
      }
      out.push_back(std::move(pixels));
    }
  };
  while (av_read_frame(f, pkt) >= 0) {
    REQUIRE(avcodec_send_packet(c, pkt) >= 0);
    av_packet_unref(pkt);
    take();
  }
  avcodec_send_packet(c, nullptr);
  take();
  av_frame_free(&frame);
  av_packet_free(&pkt);
  avcodec_free_context(&c);
  avformat_close_input(&f);
  return out;
}

}  // namespace

TEST_CASE("parts rendered with --frames join without re-encoding into the whole's frames", "[cli][gpu][record][join]") {
  const std::string clip = " healthy-walking --start 12 --duration 4 --fps 10 --size 160x90 --particles 5000 --quiet";
  for (const std::string ext : {".mp4", ".webm"}) {
    INFO(ext);
    const fs::path whole = tmp("join-whole" + ext), a = tmp("join-a" + ext), b = tmp("join-b" + ext), joined = tmp("joined" + ext);
    REQUIRE(run("record" + clip + " --out " + whole.string()).code == 0);
    REQUIRE(run("record" + clip + " --frames 0-19 --out " + a.string()).code == 0);
    REQUIRE(run("record" + clip + " --frames 20-39 --out " + b.string()).code == 0);
    const Result r = run("join " + a.string() + " " + b.string() + " --out " + joined.string());
    INFO(r.out);
    REQUIRE(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("40 frames from 2 parts"));
    const auto w = decoded(whole), j = decoded(joined);
    REQUIRE(w.size() == 40);
    REQUIRE(j.size() == 40);
    int same = 0;
    for (std::size_t i = 0; i < w.size(); ++i) same += w[i] == j[i];
    CHECK(same == 40);
    if (ext == ".mp4") CHECK(fast_start(joined));
    // parts out of order, or one missing: refused, nothing written
    fs::remove(joined);
    const Result bad = run("join " + b.string() + " " + a.string() + " --out " + joined.string());
    CHECK(bad.code == 2);
    CHECK_THAT(bad.out, Catch::Contains("in order"));
    CHECK_FALSE(fs::exists(joined));
    CHECK_FALSE(fs::exists(joined.string() + ".partial"));
  }
  // a part of a video starts on a key frame
  const Result mid = run("record" + clip + " --frames 5-19 --out " + tmp("mid.mp4").string());
  CHECK(mid.code == 2);
  CHECK_THAT(mid.out, Catch::Contains("--frames") && Catch::Contains("key frame"));
  CHECK_FALSE(fs::exists(tmp("mid.mp4")));
  // parts of other recordings do not join
  const fs::path other = tmp("join-other.mp4");
  REQUIRE(run("record healthy-walking --start 12 --duration 2 --fps 10 --size 320x180 --particles 5000 --quiet --out " + other.string()).code == 0);
  const Result mixed = run("join " + tmp("join-a.mp4").string() + " " + other.string() + " --out " + tmp("mixed.mp4").string());
  CHECK(mixed.code == 2);
  CHECK_THAT(mixed.out, Catch::Contains("join-other.mp4") && Catch::Contains("not a part of the same recording"));
  CHECK_FALSE(fs::exists(tmp("mixed.mp4")));
}

TEST_CASE("record writes a looping GIF with a palette made for the clip", "[cli][gpu][record][gif]") {
  const fs::path gif = tmp("clip.gif");
  fs::remove(gif);
  const Result r = run("record" + kClip + " --fps 10 --out " + gif.string());
  INFO(r.out);
  REQUIRE(r.code == 0);
  const Probe p = probe(gif);
  CHECK(p.codec == "gif");
  CHECK(p.width == 160);
  CHECK(p.height == 90);
  CHECK(p.frames == 10);
  const std::string d = bytes(gif);
  REQUIRE(d.size() > 13);
  CHECK(d.substr(0, 6) == "GIF89a");
  CHECK(d.find("NETSCAPE2.0") != std::string::npos);  // the loop extension: plays again and again
  // the global colour table has the full 256 colours from palettegen
  CHECK((static_cast<unsigned char>(d[10]) & 0x87) == 0x87);
  CHECK_FALSE(fs::exists(gif.string() + ".partial"));
  // too wide for a GIF: refused before any work, nothing written
  const Result wide = run("record healthy-walking --start 12 --duration 1 --size 1920x1080 --quiet --out " + tmp("wide.gif").string());
  CHECK(wide.code == 2);
  CHECK_THAT(wide.out, Catch::Contains("1280"));
  CHECK_FALSE(fs::exists(tmp("wide.gif")));
}

namespace {

// a PNG's pixels as libavcodec decodes them (packed RGB or RGBA rows)
std::string png_pixels(const fs::path& file) {
  AVFormatContext* f = nullptr;
  REQUIRE(avformat_open_input(&f, file.string().c_str(), nullptr, nullptr) == 0);
  REQUIRE(avformat_find_stream_info(f, nullptr) >= 0);
  const AVCodec* codec = avcodec_find_decoder(f->streams[0]->codecpar->codec_id);
  AVCodecContext* c = avcodec_alloc_context3(codec);
  REQUIRE(avcodec_parameters_to_context(c, f->streams[0]->codecpar) >= 0);
  REQUIRE(avcodec_open2(c, codec, nullptr) == 0);
  AVPacket* pkt = av_packet_alloc();
  AVFrame* frame = av_frame_alloc();
  REQUIRE(av_read_frame(f, pkt) >= 0);
  REQUIRE(avcodec_send_packet(c, pkt) >= 0);
  REQUIRE(avcodec_receive_frame(c, frame) == 0);
  const int bytes_per_pixel = av_get_bits_per_pixel(av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame->format))) / 8;
  std::string out;
  for (int y = 0; y < frame->height; ++y)
    out.append(reinterpret_cast<const char*>(frame->data[0] + y * frame->linesize[0]), static_cast<std::size_t>(frame->width * bytes_per_pixel));
  av_frame_free(&frame);
  av_packet_free(&pkt);
  avcodec_free_context(&c);
  avformat_close_input(&f);
  return out;
}

double mean_difference(const std::string& a, const std::string& b) {
  REQUIRE(a.size() == b.size());
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += std::abs(static_cast<int>(static_cast<unsigned char>(a[i])) - static_cast<unsigned char>(b[i]));
  return sum / static_cast<double>(a.size());
}

}  // namespace

TEST_CASE("a looping scenario clip is whole gait cycles: the frame after its last is its first", "[cli][gpu][record][loop]") {
  // walking at 100 steps per minute: a cycle of the right calf is 1.2 s, so 3 s hold two (24
  // frames at 10 fps); the legs alone (the plots' ten-second window does not repeat), no particles
  // (they are placed at random)
  const std::string clip = " healthy-walking --start 20 --duration 3 --fps 10 --size 320x180 --particles 0 --plain --quiet";
  const fs::path looped = tmp("loop"), longer = tmp("loop-next");
  fs::remove_all(looped);
  fs::remove_all(longer);
  REQUIRE(run("record" + clip + " --loop --out " + looped.string()).code == 0);
  int frames = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(looped)) ++frames;
  CHECK(frames == 24);
  REQUIRE(run("record" + clip + " --frames 24-24 --out " + longer.string()).code == 0);
  const std::string first = png_pixels(looped / "frame-000000.png");
  const double at_loop = mean_difference(first, png_pixels(longer / "frame-000024.png"));
  const double half_cycle = mean_difference(first, png_pixels(looped / "frame-000006.png"));
  INFO("mean difference at the loop point " << at_loop << ", half a cycle on " << half_cycle);
  CHECK(at_loop < 0.02);  // a few pixels a level apart: the walk has settled into its rhythm
  CHECK(half_cycle > 50 * at_loop);
  // no whole cycle before the activity, nothing to loop when still
  const Result early = run("record healthy-walking --start 5 --duration 3 --loop --quiet --out " + tmp("early.mp4").string());
  CHECK(early.code == 2);
  CHECK_THAT(early.out, Catch::Contains("--start 10"));
  const Result still = run("record healthy-standing --duration 3 --loop --quiet --out " + tmp("still.mp4").string());
  CHECK(still.code == 2);
  CHECK_THAT(still.out, Catch::Contains("no cycle"));
}

TEST_CASE("bench record prints the recording and the render-only rates of one run", "[cli][gpu][record][bench]") {
  const Result r = run("bench record --frames 3 --size 320x180 --particles 5000 --json");
  INFO(r.out);
  REQUIRE(r.code == 0);
  for (const char* key : {"\"render_fps\"", "\"record_fps\"", "\"record_share_of_render\"", "\"codec\": \"h264\"", "\"width\": 320"})
    CHECK_THAT(r.out, Catch::Contains(key));
}
