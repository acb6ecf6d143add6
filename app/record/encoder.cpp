// FFmpeg's libraries behind Encoder: RGBA -> yuv420p (libswscale), H.264 (libx264) or VP9
// (libvpx), muxed into MP4 (fast start) or WebM; a GIF through libavfilter's palette filters; or
// numbered PNG frames.

#include "encoder.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <fstream>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <fmt/format.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

namespace calfpump::app {

namespace fs = std::filesystem;

namespace {

std::string av_message(int err) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(err, text, sizeof text);
  return text;
}

void check(int err, const char* what) {
  if (err < 0) throw EncodeError(fmt::format("{}: {}", what, av_message(err)));
}


// A filter graph with named buffer sources and one sink, freed on every way out.
struct Graph {
  AVFilterGraph* graph = avfilter_graph_alloc();
  std::vector<AVFilterContext*> sources;
  AVFilterContext* sink = nullptr;
  ~Graph() { avfilter_graph_free(&graph); }
  void source(const char* name, const std::string& args) {
    AVFilterContext* c = nullptr;
    check(avfilter_graph_create_filter(&c, avfilter_get_by_name("buffer"), name, args.c_str(), nullptr, graph), "a GIF filter's input");
    sources.push_back(c);
  }
  // `chain` reads the sources as [in0], [in1], ... and writes [out]
  void build(const std::string& chain) {
    check(avfilter_graph_create_filter(&sink, avfilter_get_by_name("buffersink"), "out", nullptr, nullptr, graph), "a GIF filter's output");
    AVFilterInOut* outputs = nullptr;
    for (std::size_t i = sources.size(); i-- > 0;) {
      AVFilterInOut* o = avfilter_inout_alloc();
      o->name = av_strdup(fmt::format("in{}", i).c_str());
      o->filter_ctx = sources[i];
      o->pad_idx = 0;
      o->next = outputs;
      outputs = o;
    }
    AVFilterInOut* inputs = avfilter_inout_alloc();
    inputs->name = av_strdup("out");
    inputs->filter_ctx = sink;
    inputs->pad_idx = 0;
    inputs->next = nullptr;
    const int err = avfilter_graph_parse_ptr(graph, chain.c_str(), &inputs, &outputs, nullptr);
    avfilter_inout_free(&inputs);
    avfilter_inout_free(&outputs);
    check(err, "the GIF filters");
    check(avfilter_graph_config(graph, nullptr), "the GIF filters");
  }
};

struct Frame {
  AVFrame* f = av_frame_alloc();
  ~Frame() { av_frame_free(&f); }
};

// An RGBA frame for a filter's buffer source.
void push_rgba(AVFilterContext* source, const std::vector<std::uint8_t>& rgba, const EncodeOptions& o, std::int64_t pts) {
  Frame fr;
  fr.f->format = AV_PIX_FMT_RGBA;
  fr.f->width = o.width;
  fr.f->height = o.height;
  fr.f->pts = pts;
  check(av_frame_get_buffer(fr.f, 0), "a frame buffer");
  for (int y = 0; y < o.height; ++y)
    std::copy_n(rgba.data() + static_cast<std::size_t>(y) * 4 * static_cast<std::size_t>(o.width), 4 * o.width, fr.f->data[0] + y * fr.f->linesize[0]);
  check(av_buffersrc_add_frame(source, fr.f), "filtering a GIF frame");
}

}  // namespace

// The palette from every frame of the clip (libavfilter's palettegen, the colours weighted by how
// much of the clip shows them), then each frame mapped to it with error diffusion (paletteuse,
// only the rectangle that changed from the frame before re-dithered, so that still parts stay
// still and the file small), encoded as GIF frames that loop forever.
void write_gif(const fs::path& file, const std::vector<std::vector<std::uint8_t>>& frames, const EncodeOptions& o) {
  av_log_set_level(AV_LOG_ERROR);
  if (frames.empty()) throw EncodeError(fmt::format("{}: a GIF without frames", file.string()));
  const std::string args = fmt::format("video_size={}x{}:pix_fmt={}:time_base=1/{}:pixel_aspect=1/1", o.width, o.height,
                                       static_cast<int>(AV_PIX_FMT_RGBA), o.fps);
  Frame palette;
  {
    Graph g;
    g.source("in0", args);
    g.build("[in0] palettegen=max_colors=256:stats_mode=full:reserve_transparent=0 [out]");
    for (std::size_t i = 0; i < frames.size(); ++i) push_rgba(g.sources[0], frames[i], o, static_cast<std::int64_t>(i));
    check(av_buffersrc_add_frame(g.sources[0], nullptr), "the GIF's palette");
    check(av_buffersink_get_frame(g.sink, palette.f), "the GIF's palette");
  }
  Graph g;
  g.source("in0", args);
  g.source("in1", fmt::format("video_size={}x{}:pix_fmt={}:time_base=1/{}:pixel_aspect=1/1", palette.f->width, palette.f->height,
                              palette.f->format, o.fps));
  g.build("[in0][in1] paletteuse=dither=sierra2_4a:diff_mode=rectangle [out]");
  check(av_buffersrc_add_frame(g.sources[1], palette.f), "the GIF's palette");
  check(av_buffersrc_add_frame(g.sources[1], nullptr), "the GIF's palette");

  AVFormatContext* format = nullptr;
  check(avformat_alloc_output_context2(&format, nullptr, "gif", file.string().c_str()), "the GIF container");
  struct Close {
    AVFormatContext* f;
    AVCodecContext* c = nullptr;
    AVPacket* p = av_packet_alloc();
    ~Close() {
      av_packet_free(&p);
      avcodec_free_context(&c);
      if (f->pb) avio_closep(&f->pb);
      avformat_free_context(f);
    }
  } close{format};
  const AVCodec* gif = avcodec_find_encoder(AV_CODEC_ID_GIF);
  if (!gif) throw EncodeError("this FFmpeg has no GIF encoder");
  close.c = avcodec_alloc_context3(gif);
  close.c->width = o.width;
  close.c->height = o.height;
  close.c->pix_fmt = AV_PIX_FMT_PAL8;
  close.c->time_base = AVRational{1, o.fps};
  check(avcodec_open2(close.c, gif, nullptr), "opening the GIF encoder");
  AVStream* stream = avformat_new_stream(format, nullptr);
  stream->time_base = close.c->time_base;
  check(avcodec_parameters_from_context(stream->codecpar, close.c), "the GIF's parameters");
  check(avio_open(&format->pb, file.string().c_str(), AVIO_FLAG_WRITE), fmt::format("{}: cannot write", file.string()).c_str());
  AVDictionary* opts = nullptr;
  av_dict_set(&opts, "loop", "0", 0);  // forever
  const int err = avformat_write_header(format, &opts);
  av_dict_free(&opts);
  check(err, "the GIF's header");
  auto write_packets = [&] {
    for (;;) {
      const int r = avcodec_receive_packet(close.c, close.p);
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      check(r, "encoding a GIF frame");
      close.p->duration = 1;
      av_packet_rescale_ts(close.p, close.c->time_base, stream->time_base);
      close.p->stream_index = 0;
      check(av_interleaved_write_frame(format, close.p), fmt::format("{}: writing (disk full?)", file.string()).c_str());
    }
  };
  Frame mapped;
  auto pull = [&](bool all) {
    for (;;) {
      const int r = av_buffersink_get_frame(g.sink, mapped.f);
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      check(r, "mapping a GIF frame to its palette");
      check(avcodec_send_frame(close.c, mapped.f), "encoding a GIF frame");
      av_frame_unref(mapped.f);
      write_packets();
      if (!all) return;
    }
  };
  for (std::size_t i = 0; i < frames.size(); ++i) {
    push_rgba(g.sources[0], frames[i], o, static_cast<std::int64_t>(i) + o.first_frame);
    pull(true);
  }
  check(av_buffersrc_add_frame(g.sources[0], nullptr), "the GIF's last frame");
  pull(true);
  check(avcodec_send_frame(close.c, nullptr), "encoding a GIF frame");
  write_packets();
  check(av_write_trailer(format), fmt::format("{}: finishing the file (disk full?)", file.string()).c_str());
}

int gop_frames(int fps) { return 2 * fps; }

OutputKind output_kind(const fs::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".mp4") return OutputKind::Mp4;
  if (ext == ".webm") return OutputKind::WebM;
  if (ext == ".gif") return OutputKind::Gif;
  if (ext.empty()) return OutputKind::PngFrames;
  throw EncodeError(fmt::format("{}: '{}' is not a format this recorder writes; use .mp4 (H.264), .webm (VP9), .gif or a folder for PNG frames",
                                path.string(), ext));
}

struct Encoder::Impl {
  fs::path path, partial;
  EncodeOptions o;
  OutputKind kind = OutputKind::Mp4;
  std::int64_t count = 0;  ///< frames handed in (the caller's thread)
  bool finished = false;

  // The frames wait here for the encoding thread: the caller goes on to the next frame while one
  // is converted and encoded (or written as a PNG), and hands in a third only when one of two is
  // done, so that at most two frames' pixels wait. The output does not depend on the thread: the
  // codec itself runs on one thread, frame after frame in order.
  struct Job {
    std::int64_t index = 0;
    std::vector<std::uint8_t> rgba;
  };
  static constexpr std::size_t kWaiting = 2;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<Job> waiting;
  std::vector<std::vector<std::uint8_t>> spare;  ///< pixel buffers back from the thread, for reuse
  bool closing = false;                          ///< finish(): the thread encodes what waits, then ends
  bool abandoned = false;                        ///< destroyed unfinished: the thread ends after its frame
  std::exception_ptr error;                      ///< the thread's failure, raised by add() or finish()
  std::thread worker;
  AVFormatContext* format = nullptr;
  AVCodecContext* codec = nullptr;
  AVStream* stream = nullptr;
  AVFrame* frame = nullptr;
  AVPacket* packet = nullptr;
  SwsContext* sws = nullptr;
  std::vector<std::vector<std::uint8_t>> gif_frames;  ///< a GIF's frames, kept for its palette

  ~Impl() {
    stop_worker(true);
    if (sws) sws_freeContext(sws);
    if (packet) av_packet_free(&packet);
    if (frame) av_frame_free(&frame);
    if (codec) avcodec_free_context(&codec);
    if (format) {
      if (format->pb) avio_closep(&format->pb);
      avformat_free_context(format);
    }
    if (!finished) {
      std::error_code ec;
      fs::remove_all(partial, ec);
    }
  }

  // A fresh encoder for each group of pictures (a key frame and the frames up to the next): no
  // state crosses a key frame, so a part of a recording that starts on one encodes exactly as the
  // same frames of the whole, and parts join into the whole without re-encoding (calfpump join).
  void open_codec() {
    const bool h264 = kind == OutputKind::Mp4;
    const AVCodec* c = avcodec_find_encoder_by_name(h264 ? "libx264" : "libvpx-vp9");
    if (!c) throw EncodeError(fmt::format("{}: this FFmpeg has no {} encoder (Debian: libavcodec59 with libx264 and libvpx)", path.string(),
                                          h264 ? "libx264" : "libvpx-vp9"));
    codec = avcodec_alloc_context3(c);
    codec->width = o.width;
    codec->height = o.height;
    codec->pix_fmt = AV_PIX_FMT_YUV420P;
    codec->time_base = AVRational{1, o.fps};
    codec->framerate = AVRational{o.fps, 1};
    codec->gop_size = gop_frames(o.fps);  // a key frame every 2 s: a web player can seek
    codec->color_range = AVCOL_RANGE_MPEG;
    codec->colorspace = AVCOL_SPC_BT709;
    codec->color_primaries = AVCOL_PRI_BT709;
    codec->color_trc = AVCOL_TRC_BT709;
    // one thread: the frames come out the same on every machine (and the renderer has the cores)
    codec->thread_count = 1;
    codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;  // MP4 and WebM keep the codec's headers in the container
    const int q = std::clamp(o.quality, 0, 100);
    if (h264) {
      // veryfast at CRF 18 gives what medium gives at CRF 20 (PSNR 47.1 against 47.3 dB on the
      // walking comparison at 1920x1080, 18% more bytes) in 56% of the encoding time: the recorder
      // shares the CPU with the renderer on machines without a GPU
      av_opt_set(codec->priv_data, "preset", "veryfast", 0);
      av_opt_set(codec->priv_data, "crf", std::to_string(33 - q * 21 / 100).c_str(), 0);
      av_opt_set(codec->priv_data, "profile", "high", 0);
      // no B-frames: decoding order is display order, so that one group's last packet and the
      // next group's first (from a fresh encoder) follow each other in time
      codec->max_b_frames = 0;
    } else {
      av_opt_set(codec->priv_data, "crf", std::to_string(50 - q * 35 / 100).c_str(), 0);
      av_opt_set(codec->priv_data, "deadline", "good", 0);
      av_opt_set(codec->priv_data, "cpu-used", "4", 0);
      av_opt_set(codec->priv_data, "row-mt", "0", 0);
      codec->bit_rate = 0;
    }
    check(avcodec_open2(codec, c, nullptr), "opening the encoder");
  }

  void open() {
    av_log_set_level(AV_LOG_ERROR);  // libav's own chatter off; errors still come through
    const bool h264 = kind == OutputKind::Mp4;
    check(avformat_alloc_output_context2(&format, nullptr, h264 ? "mp4" : "webm", partial.string().c_str()), "the video container");
    open_codec();
    stream = avformat_new_stream(format, nullptr);
    stream->time_base = codec->time_base;
    check(avcodec_parameters_from_context(stream->codecpar, codec), "the stream's parameters");
    check(avio_open(&format->pb, partial.string().c_str(), AVIO_FLAG_WRITE), fmt::format("{}: cannot write", partial.string()).c_str());
    AVDictionary* opts = nullptr;
    if (h264) av_dict_set(&opts, "movflags", "+faststart", 0);  // the index first: plays while it loads
    const int err = avformat_write_header(format, &opts);
    av_dict_free(&opts);
    check(err, "the container's header");
    frame = av_frame_alloc();
    frame->format = codec->pix_fmt;
    frame->width = o.width;
    frame->height = o.height;
    check(av_frame_get_buffer(frame, 0), "a frame buffer");
    packet = av_packet_alloc();
    // sRGB-encoded RGBA to BT.709 limited-range yuv420p, the colours browsers assume for H.264 and VP9
    sws = sws_getContext(o.width, o.height, AV_PIX_FMT_RGBA, o.width, o.height, AV_PIX_FMT_YUV420P, SWS_BICUBIC | SWS_ACCURATE_RND | SWS_BITEXACT,
                         nullptr, nullptr, nullptr);
    if (!sws) throw EncodeError("no colour conversion to yuv420p");
    const int* coeffs = sws_getCoefficients(SWS_CS_ITU709);
    sws_setColorspaceDetails(sws, coeffs, 1, coeffs, 0, 0, 1 << 16, 1 << 16);
  }

  void drain(bool flushing) {
    check(avcodec_send_frame(codec, flushing ? nullptr : frame), "encoding a frame");
    for (;;) {
      const int r = avcodec_receive_packet(codec, packet);
      if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return;
      check(r, "encoding a frame");
      packet->duration = 1;  // one frame, in the codec's time base: the last frame counts in the length
      av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
      packet->stream_index = stream->index;
      check(av_interleaved_write_frame(format, packet), fmt::format("{}: writing (disk full?)", partial.string()).c_str());
    }
  }

  // One frame out: a PNG, kept for the GIF's palette, or converted and encoded (the thread's work).
  void encode(Job& job) {
    if (kind == OutputKind::PngFrames) {
      render::Image image{o.width, o.height, std::move(job.rgba)};
      render::write_png(image, partial / fmt::format("frame-{:06}.png", job.index));
      job.rgba = std::move(image.rgba);
      return;
    }
    if (kind == OutputKind::Gif) {
      gif_frames.push_back(std::move(job.rgba));
      return;
    }
    check(av_frame_make_writable(frame), "a frame buffer");
    const std::uint8_t* src[1] = {job.rgba.data()};
    const int stride[1] = {4 * o.width};
    sws_scale(sws, src, stride, 0, o.height, frame->data, frame->linesize);
    frame->pts = job.index;
    if (job.index % gop_frames(o.fps) == 0 && job.index > o.first_frame) {
      // a key frame: the last group's encoder is emptied and a fresh one takes the next group
      drain(true);
      avcodec_free_context(&codec);
      open_codec();
    }
    drain(false);
  }

  void work() {
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return abandoned || closing || !waiting.empty(); });
        if (abandoned || waiting.empty()) return;
        job = std::move(waiting.front());
        waiting.pop_front();
      }
      try {
        encode(job);
      } catch (...) {
        std::lock_guard lock(mutex);
        error = std::current_exception();
        waiting.clear();
        changed.notify_all();
        return;
      }
      std::lock_guard lock(mutex);
      if (job.rgba.capacity() > 0) spare.push_back(std::move(job.rgba));
      changed.notify_all();
    }
  }

  // What a frame must be before it is handed in (checked on the caller's thread).
  void accept(const render::Image& image) const {
    if (image.width != o.width || image.height != o.height)
      throw EncodeError(fmt::format("a {}x{} frame for a {}x{} video", image.width, image.height, o.width, o.height));
    if (kind == OutputKind::Gif && count >= 1500)
      throw EncodeError(fmt::format("{}: a GIF holds at most 1500 frames; use .mp4 or .webm", path.string()));
  }

  // Hands a frame's pixels to the thread (started with the first), waiting while two wait.
  void hand_in(std::vector<std::uint8_t>&& rgba) {
    std::unique_lock lock(mutex);
    if (!worker.joinable() && !error) worker = std::thread([this] { work(); });
    changed.wait(lock, [&] { return error || waiting.size() < kWaiting; });
    if (error) std::rethrow_exception(error);
    waiting.push_back(Job{o.first_frame + count, std::move(rgba)});
    ++count;
    changed.notify_all();
  }

  std::vector<std::uint8_t> spare_buffer() {
    std::lock_guard lock(mutex);
    if (spare.empty()) return {};
    std::vector<std::uint8_t> b = std::move(spare.back());
    spare.pop_back();
    return b;
  }

  // Ends the thread: after every waiting frame (finish), or after its current one (abandon).
  void stop_worker(bool abandon) {
    {
      std::lock_guard lock(mutex);
      (abandon ? abandoned : closing) = true;
      changed.notify_all();
    }
    if (worker.joinable()) worker.join();
  }
};

Encoder::Encoder(const fs::path& path, const EncodeOptions& options) : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  d.path = path;
  d.o = options;
  d.kind = output_kind(path);
  d.partial = path.string() + ".partial";
  if (options.width < 16 || options.height < 16 || options.width % 2 || options.height % 2)
    throw EncodeError(fmt::format("{}: a video's size is even and at least 16 a side ({}x{})", path.string(), options.width, options.height));
  if (options.fps < 1 || options.fps > 240) throw EncodeError(fmt::format("{}: {} frames per second; expected 1 to 240", path.string(), options.fps));
  const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
  if (!fs::is_directory(parent)) throw EncodeError(fmt::format("{}: the folder {} does not exist", path.string(), parent.string()));
  std::error_code ec;
  fs::remove_all(d.partial, ec);
  if (d.kind == OutputKind::PngFrames) {
    if (!fs::create_directory(d.partial, ec) || ec) throw EncodeError(fmt::format("{}: cannot create the folder", d.partial.string()));
    return;
  }
  if (d.kind == OutputKind::Gif) {
    // a GIF is for a short clip on a web page: its palette comes from all of its frames, kept
    // until the end (at most 1280 pixels wide and 1500 frames: under 5.6 GB in memory)
    if (options.width > 1280) throw EncodeError(fmt::format("{}: a GIF is at most 1280 pixels wide ({}); use .mp4 or .webm", path.string(), options.width));
    std::ofstream probe(d.partial, std::ios::binary);
    if (!probe) throw EncodeError(fmt::format("{}: cannot write", d.partial.string()));
    return;
  }
  d.open();
}

Encoder::~Encoder() = default;

std::int64_t Encoder::frames() const { return impl_->count; }

void Encoder::add(const render::Image& image) {
  Impl& d = *impl_;
  d.accept(image);
  std::vector<std::uint8_t> copy = d.spare_buffer();
  copy.assign(image.rgba.begin(), image.rgba.end());
  d.hand_in(std::move(copy));
}

void Encoder::add(render::Image&& image) {
  Impl& d = *impl_;
  d.accept(image);
  std::vector<std::uint8_t> pixels = std::move(image.rgba);
  image.rgba = d.spare_buffer();  // the caller reads its next frame into a buffer the thread is done with
  d.hand_in(std::move(pixels));
}

void Encoder::finish() {
  Impl& d = *impl_;
  d.stop_worker(false);
  if (d.error) std::rethrow_exception(d.error);
  if (d.kind == OutputKind::Gif) {
    write_gif(d.partial, d.gif_frames, d.o);
  } else if (d.kind != OutputKind::PngFrames) {
    d.drain(true);
    check(av_write_trailer(d.format), fmt::format("{}: finishing the file (disk full?)", d.partial.string()).c_str());
    check(avio_closep(&d.format->pb), fmt::format("{}: closing the file (disk full?)", d.partial.string()).c_str());
  }
  std::error_code ec;
  if (d.kind == OutputKind::PngFrames && fs::is_directory(d.path)) {
    // a folder of frames from before: its frames are replaced
    fs::remove_all(d.path, ec);
  }
  fs::rename(d.partial, d.path, ec);
  if (ec) throw EncodeError(fmt::format("{}: cannot move the finished output into place: {}", d.path.string(), ec.message()));
  d.finished = true;
}

}  // namespace calfpump::app

namespace calfpump::app {

namespace {

// one part's demuxer, closed on every way out
struct Input {
  AVFormatContext* f = nullptr;
  ~Input() {
    if (f) avformat_close_input(&f);
  }
};

bool same_parameters(const AVCodecParameters* a, const AVCodecParameters* b) {
  return a->codec_id == b->codec_id && a->width == b->width && a->height == b->height && a->format == b->format &&
         a->extradata_size == b->extradata_size && (a->extradata_size == 0 || std::equal(a->extradata, a->extradata + a->extradata_size, b->extradata));
}

}  // namespace

std::int64_t join_videos(const std::vector<fs::path>& parts, const fs::path& out) {
  av_log_set_level(AV_LOG_ERROR);
  const OutputKind kind = output_kind(out);
  if (kind != OutputKind::Mp4 && kind != OutputKind::WebM) throw EncodeError(fmt::format("{}: join writes a video (.mp4 or .webm)", out.string()));
  if (parts.empty()) throw EncodeError("join: no parts given");
  for (const fs::path& p : parts) {
    if (output_kind(p) != kind) throw EncodeError(fmt::format("{}: the parts and the output are of one format ({})", p.string(), out.extension().string()));
    if (!fs::is_regular_file(p)) throw EncodeError(fmt::format("{}: no such file", p.string()));
  }
  const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
  if (!fs::is_directory(parent)) throw EncodeError(fmt::format("{}: the folder {} does not exist", out.string(), parent.string()));
  const fs::path partial = out.string() + ".partial";
  struct Output {
    AVFormatContext* f = nullptr;
    fs::path partial;
    bool done = false;
    ~Output() {
      if (f) {
        if (f->pb) avio_closep(&f->pb);
        avformat_free_context(f);
      }
      std::error_code ec;
      if (!done) fs::remove(partial, ec);
    }
  } o{nullptr, partial};
  AVPacket* packet = av_packet_alloc();
  struct FreePacket {
    AVPacket** p;
    ~FreePacket() { av_packet_free(p); }
  } free_packet{&packet};

  AVCodecParameters* first = avcodec_parameters_alloc();
  struct FreeParameters {
    AVCodecParameters** p;
    ~FreeParameters() { avcodec_parameters_free(p); }
  } free_parameters{&first};
  AVStream* stream = nullptr;
  AVRational base{0, 1};      // the first part's time base: the parts' timestamps are compared in it
  std::int64_t expected = 0;  // where the next part starts (the end of the last packet so far)
  std::int64_t frames = 0;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const fs::path& p = parts[k];
    Input in;
    if (avformat_open_input(&in.f, p.string().c_str(), nullptr, nullptr) < 0 || avformat_find_stream_info(in.f, nullptr) < 0)
      throw EncodeError(fmt::format("{}: not a readable video", p.string()));
    if (in.f->nb_streams != 1 || in.f->streams[0]->codecpar->codec_type != AVMEDIA_TYPE_VIDEO)
      throw EncodeError(fmt::format("{}: not a CalfPump recording (one video stream expected)", p.string()));
    const AVStream* s = in.f->streams[0];
    if (k == 0) {
      check(avcodec_parameters_copy(first, s->codecpar), "the stream's parameters");
      base = s->time_base;
      check(avformat_alloc_output_context2(&o.f, nullptr, kind == OutputKind::Mp4 ? "mp4" : "webm", partial.string().c_str()), "the video container");
      stream = avformat_new_stream(o.f, nullptr);
      check(avcodec_parameters_copy(stream->codecpar, s->codecpar), "the stream's parameters");
      stream->codecpar->codec_tag = 0;
      stream->time_base = s->time_base;
      check(avio_open(&o.f->pb, partial.string().c_str(), AVIO_FLAG_WRITE), fmt::format("{}: cannot write", partial.string()).c_str());
      AVDictionary* opts = nullptr;
      if (kind == OutputKind::Mp4) av_dict_set(&opts, "movflags", "+faststart", 0);
      const int err = avformat_write_header(o.f, &opts);
      av_dict_free(&opts);
      check(err, "the container's header");
    } else if (!same_parameters(first, s->codecpar)) {
      throw EncodeError(fmt::format("{}: not a part of the same recording as {} (codec, size or encoder settings differ)", p.string(),
                                    parts.front().string()));
    }
    bool first_packet = true;
    while (av_read_frame(in.f, packet) >= 0) {
      av_packet_rescale_ts(packet, s->time_base, base);
      if (first_packet && k > 0 && packet->pts != expected)
        throw EncodeError(fmt::format("{}: starts at {:.3f} s, but the part before ended at {:.3f} s; give the parts in order, none missing",
                                      p.string(), static_cast<double>(packet->pts) * av_q2d(base), static_cast<double>(expected) * av_q2d(base)));
      if (first_packet && !(packet->flags & AV_PKT_FLAG_KEY))
        throw EncodeError(fmt::format("{}: does not start on a key frame", p.string()));
      first_packet = false;
      // WebM stores no duration for most blocks: a frame's, from the frame rate
      const AVRational rate = s->avg_frame_rate.num > 0 ? s->avg_frame_rate : s->r_frame_rate;
      const std::int64_t duration = packet->duration > 0 || rate.num <= 0 ? packet->duration : av_rescale_q(1, av_inv_q(rate), base);
      expected = std::max(expected, packet->pts + duration);
      av_packet_rescale_ts(packet, base, stream->time_base);
      packet->stream_index = 0;
      packet->pos = -1;
      check(av_interleaved_write_frame(o.f, packet), fmt::format("{}: writing (disk full?)", partial.string()).c_str());
      ++frames;
    }
    if (first_packet) throw EncodeError(fmt::format("{}: holds no frames", p.string()));
  }
  check(av_write_trailer(o.f), fmt::format("{}: finishing the file (disk full?)", partial.string()).c_str());
  check(avio_closep(&o.f->pb), fmt::format("{}: closing the file (disk full?)", partial.string()).c_str());
  std::error_code ec;
  fs::rename(partial, out, ec);
  if (ec) throw EncodeError(fmt::format("{}: cannot move the finished file into place: {}", out.string(), ec.message()));
  o.done = true;
  return frames;
}

}  // namespace calfpump::app
