#pragma once
// The calfpump sub-commands. Each returns the process exit code: 0 success, 2 bad input (a file,
// name or value), 3 a simulation that diverged, 1 anything else.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace calfpump::app {

class Session;

/// Runs a command's body, turning errors into a message on stderr and the exit code: 2 bad input
/// (ConfigError: file, line, key; RenderError: no device, no font), 3 a simulation that diverged,
/// 1 anything else.
int guarded(const std::function<int()>& body);

/// Options of `simulate`.
struct SimulateOptions {
  std::string scenario;
  std::optional<double> duration_s;
  bool json = false;
  std::string csv_file;
  double sample_interval_s = 0.02;
};

/// Options of `protocol avp|apg`.
struct ProtocolOptions {
  std::string protocol;
  std::string scenario;
  bool json = false;
  std::string csv_file;
  double sample_interval_s = 0.02;
};

/// Options of `bench sim`.
struct BenchOptions {
  std::string scenario = "healthy-walking";
  double duration_s = 120.0;
  bool json = false;
};

/// Options of `anatomy`.
struct AnatomyOptions {
  bool json = false;
  std::string mesh;      ///< leg mesh file; empty: the one the build wrote
  std::string mapping;   ///< mapping file binding a user's meshes to structures
  std::string export_file;
  std::string scenario;  ///< deform to this scenario's state at `time_s`
  std::optional<double> time_s;
};

/// Options of `screenshot`.
struct ScreenshotOptions {
  std::string scenario;
  std::string compare;  ///< a second scenario drawn beside the first; empty: one leg
  bool plain = false;   ///< the legs only, without titles, labels, plots and legend
  std::string view = "posteromedial";  ///< posteromedial, posterior, medial, lateral or anterior
  float skin = 0.16f;   ///< skin opacity: 0 cut away, 1 opaque
  double emphasis = 1;  ///< the muscles' and veins' movement drawn this many times larger (the frame says so)
  double section = 0;   ///< a cross-section view: the calf cut at this share of the tibia's length (0: none)
  double time_s = 0;
  std::string size = "1280x720";
  std::string device;
  /// auto, msaa, filter or none (render::Antialiasing). A still is one frame: it takes the best
  /// (4x multisampling) on every device; animation frames (bench render) take auto.
  std::string antialiasing = "msaa";
  std::string out;
  std::size_t particles = 200000;
};

int cmd_screenshot(const ScreenshotOptions& o);
/// Renders a still of one or two legs at a time to the PNG o.out; returns the session (its legs'
/// figures); device_name gets the GPU's name.
std::unique_ptr<Session> render_still(const ScreenshotOptions& o, std::string& device_name);
int cmd_scenarios(bool json);
int cmd_anatomy(const AnatomyOptions& o);
int cmd_simulate(const SimulateOptions& o);
int cmd_protocol(const ProtocolOptions& o);
int cmd_bench_sim(const BenchOptions& o);

/// Options of `bench render`.
struct BenchRenderOptions {
  std::string size = "1280x720";
  double time_scale = 1.0;  ///< model seconds per video second (0.25: four times slower)
  std::size_t particles = 200000;
  int frames = 30;
  int in_flight = 2;  ///< frames in flight: 2 records frame N + 1 while N draws; 1 reads each before the next
  std::string device;
  std::string antialiasing = "auto";
  double section = 0;  ///< a cross-section view at this level (0.15-0.85 of the tibia); 0: the whole legs
  bool json = false;
};

int cmd_bench_render(const BenchRenderOptions& o);
/// Options of `report`, the default job.
struct ReportOptions {
  bool json = false;
  std::string out = "calfpump-comparison.png";  ///< the picture; empty: figures only
  std::string size = "1280x720";
  std::string device;
  std::string antialiasing = "msaa";  ///< the picture: a still (ScreenshotOptions)
  std::size_t particles = 200000;
};

/// The default job: the healthy and the great-saphenous-reflux leg, walking, side by side: a
/// rendered picture and the clinical figures.
int cmd_report(const ReportOptions& o);

}  // namespace calfpump::app
