// calfpump: command line entry point. Parses the command line and dispatches to commands.cpp.

#include <optional>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "calibrate.hpp"
#include "commands.hpp"
#include "export.hpp"
#include "present/present.hpp"
#include "record/record.hpp"
#include "view/view.hpp"
#include "web/gltf_export.hpp"

namespace {
const std::vector<std::string> kAntialiasingModes{"auto", "msaa", "filter", "none"};
constexpr const char* kAntialiasingHelp =
    "Edge smoothing: auto (4x multisampling on GPUs, the edge filter on CPU devices), msaa, filter or none";
constexpr const char* kEmphasisHelp =
    "Draw the muscles' and veins' movement this many times larger than in life, for teaching (1 to 3; the frame says so)";
constexpr const char* kSectionHelp =
    "Cut the calf across at this share of the tibia's length from the ankle (0.15 to 0.85; 0.5 mid-calf) and look down onto the cut "
    "(the cross-section view)";
constexpr const char* kStillAntialiasingHelp =
    "Edge smoothing: msaa (4x multisampling, the default for a still), auto (the edge filter on CPU devices), filter or none";
}  // namespace

int main(int argc, char** argv) {
  using namespace calfpump::app;
  CLI::App app{"CalfPump: the calf muscle pump, simulated and shown"};
  app.require_subcommand(0, 1);

  bool scenarios_json = false;
  auto* scenarios = app.add_subcommand("scenarios", "List the built-in scenarios");
  scenarios->add_flag("--json", scenarios_json, "Print JSON");

  SimulateOptions sim;
  auto* simulate = app.add_subcommand("simulate", "Run a scenario and summarise it");
  simulate->add_option("scenario", sim.scenario, "Built-in scenario name or a scenario file")->required();
  simulate->add_option("--duration", sim.duration_s, "Override the duration (s)")->check(CLI::Range(1.0, 3600.0));
  simulate->add_flag("--json", sim.json, "Print one JSON object");
  simulate->add_option("--csv", sim.csv_file, "Write the time series to this CSV file");
  simulate->add_option("--sample-interval", sim.sample_interval_s, "CSV sample interval (s)")
      ->check(CLI::Range(0.001, 10.0));

  ProtocolOptions proto;
  auto* protocol = app.add_subcommand("protocol", "Run a clinical protocol on a scenario's leg");
  protocol->add_option("protocol", proto.protocol, "avp (ambulatory venous pressure), apg (air plethysmography) or walk (treadmill walking)")
      ->required()
      ->check(CLI::IsMember({"avp", "apg", "walk"}));
  bool tourniquet = false;
  protocol->add_flag("--tourniquet", tourniquet, "avp: with an above-knee tourniquet on the superficial veins");
  protocol->add_option("scenario", proto.scenario, "Built-in scenario name or a scenario file")->required();
  protocol->add_flag("--json", proto.json, "Print one JSON object");
  protocol->add_option("--csv", proto.csv_file, "Write the protocol's time series to this CSV file");
  protocol->add_option("--sample-interval", proto.sample_interval_s, "CSV sample interval (s)")
      ->check(CLI::Range(0.001, 10.0));

  BenchOptions bench;
  BenchRenderOptions bench_render;
  std::string bench_what;
  auto* benchc = app.add_subcommand("bench", "Measure speed: sim (the network), render (a frame) or record (frames to H.264)");
  benchc->add_option("what", bench_what, "sim, render or record")->required()->check(CLI::IsMember({"sim", "render", "record"}));
  benchc->add_option("--scenario", bench.scenario, "Scenario to run (sim)");
  benchc->add_option("--duration", bench.duration_s, "Simulated seconds (sim)")->check(CLI::Range(1.0, 3600.0));
  benchc->add_option("--size", bench_render.size, "Image size WxH (render)");
  benchc->add_option("--particles", bench_render.particles, "Blood particles (render)")->check(CLI::Range(0, 16000000));
  benchc->add_option("--in-flight", bench_render.in_flight, "Frames in flight (render): 2 overlaps recording and drawing, 1 waits for each")
      ->check(CLI::Range(1, 2));
  benchc->add_option("--frames", bench_render.frames, "Frames to time (render)")->check(CLI::Range(1, 10000));
  benchc->add_option("--time-scale", bench_render.time_scale, "Model seconds per video second, e.g. 0.25 for slow motion (render)")
      ->check(CLI::Range(0.01, 10.0));
  benchc->add_option("--device", bench_render.device, "Vulkan device name to use (render)");
  benchc->add_option("--antialiasing", bench_render.antialiasing, kAntialiasingHelp)->check(CLI::IsMember(kAntialiasingModes));
  benchc->add_option("--section", bench_render.section, "A cross-section view at this level, 0.15-0.85 of the tibia's length (render)");
  benchc->add_flag("--json", bench.json, "Print one JSON object");

  CalibrateOptions calib;
  auto* calibrate = app.add_subcommand("calibrate", "The model against the published figures (data/published_figures.toml)");
  calibrate->add_flag("--json", calib.json, "Print one JSON object");
  calibrate->add_flag("--markdown", calib.markdown, "Print the tables README.md and data/CALIBRATION.md quote");
  calibrate->add_option("--table", calib.table, "A published-figures file instead of the built-in one");
  calibrate->add_option("--reference-csv", calib.reference_csv, "Write every built-in scenario's protocol figures (the regression references) to this CSV");

  ExportOptions exp;
  GltfExportOptions gexp;
  std::optional<double> export_fps, export_duration;
  auto* exportc = app.add_subcommand("export", "Write a scenario as an animated glTF for the web (--gltf), or as a ParaView time series (.pvd of .vtp frames) and the network's CSV (--vtk)");
  exportc->add_option("scenario", exp.scenario, "Built-in scenario name or a scenario file (glTF: or a storyboard, with --shot)")->required();
  auto* vtk_option = exportc->add_option("--vtk", exp.vtk_dir, "Folder to write (must not exist, or be empty)");
  auto* gltf_option = exportc->add_option("--gltf", gexp.out, "Animated binary glTF to write (.glb): the leg's motion as morph targets, the blood as beads");
  vtk_option->excludes(gltf_option);
  exportc->add_option("--compare", gexp.compare, "glTF: a second scenario, its leg beside the first");
  exportc->add_option("--start", gexp.start_s, "glTF: model time of the first frame (default: 20 s into the activity)")->check(CLI::Range(0.0, 3600.0));
  exportc->add_flag("--loop", gexp.loop, "glTF: whole contraction cycles, ending on the first frame");
  exportc->add_option("--shot", gexp.shot, "glTF: the storyboard's shot to bake (its number from 1, or its name)");
  auto* html_option = exportc->add_option("--html", gexp.html_dir, "A folder for a web page that plays the clip (index.html, clip.glb, poster.png)");
  html_option->excludes(vtk_option);
  html_option->excludes(gltf_option);
  exportc->add_option("--compress", gexp.compress, "glTF: meshopt (EXT_meshopt_compression; default for --html) or none (default for --gltf)");
  exportc->add_option("--lang", gexp.languages, "--html: the page's languages, first shown first (default: the storyboard's, or en,es,ar)");
  exportc->add_option("--model-viewer", gexp.model_viewer_js, "--html: a local model-viewer.min.js to put beside the page instead of the pinned CDN copy");
  exportc->add_option("--beads", gexp.beads, "glTF: blood beads per leg (default 600)")->check(CLI::Range(0, 5000));
  exportc->add_option("--fps", export_fps, "Frames per second of model time (default 10)")->check(CLI::Range(0.1, 240.0));
  exportc->add_option("--duration", export_duration, "Model seconds to export (default: the scenario's; glTF: 4 s)")->check(CLI::Range(0.0, 3600.0));

  AnatomyOptions anat;
  auto* anatomy = app.add_subcommand("anatomy", "List the leg's structures, or export the leg's meshes");
  anatomy->add_flag("--json", anat.json, "Print JSON");
  anatomy->add_option("--mesh", anat.mesh, "Leg mesh file (default: the one the build generated)");
  anatomy->add_option("--mapping", anat.mapping, "Mapping file (TOML) binding your meshes' names to the leg's structures");
  anatomy->add_option("--export", anat.export_file, "Write the leg to a .glb, .obj, .stl or .vtp file");
  anatomy->add_option("--scenario", anat.scenario, "Deform the leg to this scenario's state (with --time)");
  anatomy->add_option("--time", anat.time_s, "Time in the scenario (s)")->check(CLI::Range(0.0, 3600.0));

  ScreenshotOptions shot;
  auto* screenshot = app.add_subcommand("screenshot", "Render the leg at a time of a scenario to a PNG (Vulkan, offscreen)");
  screenshot->add_option("scenario", shot.scenario, "Built-in scenario name or a scenario file")->required();
  screenshot->add_option("--compare", shot.compare, "A second scenario (name or file) drawn beside the first, same camera and clock");
  screenshot->add_option("--view", shot.view, "Camera: posteromedial (default), posterior, medial, lateral, anterior, or cross-section (the calf cut across, seen from above)");
  screenshot->add_option("--skin", shot.skin, "Skin opacity: 0 cuts it away, 1 is opaque (default 0.16)")->check(CLI::Range(0.0, 1.0));
  screenshot->add_flag("--plain", shot.plain, "The legs only: no titles, labels, plots or legend");
  screenshot->add_option("--emphasis", shot.emphasis, kEmphasisHelp)->check(CLI::Range(1.0, 3.0));
  screenshot->add_option("--section", shot.section, kSectionHelp);
  screenshot->add_option("--time", shot.time_s, "Time in the scenario (s)")->required()->check(CLI::Range(0.0, 3600.0));
  screenshot->add_option("--size", shot.size, "Image size WxH");
  screenshot->add_option("--device", shot.device, "Use the Vulkan device whose name contains this");
  screenshot->add_option("--antialiasing", shot.antialiasing, kStillAntialiasingHelp)->check(CLI::IsMember(kAntialiasingModes));
  screenshot->add_option("--out", shot.out, "PNG file to write")->required();
  screenshot->add_option("--particles", shot.particles, "Blood particles (0: none)")->check(CLI::Range(0, 16000000));

  ReportOptions rep;
  bool no_image = false;
  auto* report = app.add_subcommand("report", "Healthy and great-saphenous-reflux legs walking: a picture and the clinical figures (default)");
  report->add_flag("--json", rep.json, "Print one JSON object");
  report->add_option("--out", rep.out, "PNG file for the picture");
  report->add_flag("--no-image", no_image, "Figures only, no picture");
  report->add_option("--size", rep.size, "Picture size WxH");
  report->add_option("--device", rep.device, "Use the Vulkan device whose name contains this");
  report->add_option("--antialiasing", rep.antialiasing, kStillAntialiasingHelp)->check(CLI::IsMember(kAntialiasingModes));
  report->add_option("--particles", rep.particles, "Blood particles per leg (0: none)")->check(CLI::Range(0, 16000000));

  RecordOptions reco;
  auto* record = app.add_subcommand("record", "A storyboard or a scenario (or two side by side) to a video: .mp4 (H.264), .webm (VP9) or a folder of PNG frames");
  record->add_option("scenario", reco.scenario, "A storyboard (built-in name or file) or a scenario (built-in name or file)")->required();
  record->add_option("--lang", reco.lang, "The language of the picture's words and a storyboard's captions (en, es, ar; English where a text lacks it)");
  record->add_option("--compare", reco.compare, "A second scenario drawn beside the first");
  record->add_option("--out", reco.out, "The video (.mp4, .webm) or a folder (no extension) for PNG frames")->required();
  record->add_option("--size", reco.size, "Video size WxH (even numbers)");
  record->add_option("--fps", reco.fps, "Frames per second")->check(CLI::Range(1, 240));
  record->add_option("--duration", reco.duration_s, "The video's length (s; default: to the scenario's end)")->check(CLI::Range(0.0, 36000.0));
  record->add_option("--start", reco.start_s, "Model time of the first frame (s)")->check(CLI::Range(0.0, 3600.0));
  record->add_option("--time-scale", reco.time_scale, "Model seconds per video second (0.25: four times slower)")->check(CLI::Range(0.01, 10.0));
  record->add_option("--frames", reco.frames, "Only frames A-B (0-based, inclusive) of the whole recording, identical to the whole's");
  record->add_option("--particles", reco.particles, "Blood particles per leg (0: none)")->check(CLI::Range(0, 16000000));
  record->add_option("--quality", reco.quality, "0 (smallest) to 100 (best); default 75")->check(CLI::Range(0, 100));
  record->add_option("--poster", reco.poster, "Also write the first frame as a PNG");
  record->add_option("--view", reco.view, "Camera: posteromedial (default), posterior, medial, lateral, anterior, or cross-section (the calf cut across, seen from above)");
  record->add_flag("--plain", reco.plain, "The legs only: no titles, labels, plots or close-ups");
  record->add_option("--emphasis", reco.emphasis, kEmphasisHelp)->check(CLI::Range(1.0, 3.0));
  record->add_option("--section", reco.section, kSectionHelp);
  record->add_option("--device", reco.device, "Use the Vulkan device whose name contains this");
  record->add_option("--antialiasing", reco.antialiasing, kAntialiasingHelp)->check(CLI::IsMember(kAntialiasingModes));
  record->add_flag("--quiet", reco.quiet, "No progress");
  record->add_flag("--loop", reco.loop, "Loop without a jump: a scenario trimmed to whole gait or raise cycles; a storyboard made to loop");
  std::vector<std::string> join_parts;
  std::string join_out;
  auto* join = app.add_subcommand("join", "Parts of one recording (record --frames, each starting on a key frame) into one video, without re-encoding");
  join->add_option("parts", join_parts, "The parts, in order")->required();
  join->add_option("--out", join_out, "The joined video (.mp4 or .webm, as the parts)")->required();

  PresentOptions presento, kiosko;
  auto* present = app.add_subcommand("present", "A storyboard full screen for a lecture: Right/Page Down/Space next shot, Left/Page Up back, "
                                                "Home start, B blank, drag/scroll/Up/Down orbit and zoom, R the shot's camera, P pause, +/- speed, Esc leave");
  auto* kiosk = app.add_subcommand("kiosk", "A storyboard looping full screen for a waiting room: no cursor, a language a loop, recovers by itself");
  for (auto [cmd, opts] : {std::pair{present, &presento}, std::pair{kiosk, &kiosko}}) {
    cmd->add_option("storyboard", opts->storyboard, "A built-in storyboard (calf-pump-explained, patient-loop) or a storyboard file")->required();
    cmd->add_option("--lang", opts->lang, cmd == kiosk ? "Languages, one per loop: en,es,ar" : "Caption language: en, es or ar");
    cmd->add_option("--size", opts->size, "A window of this size (WxH) instead of full screen");
    cmd->add_option("--particles", opts->particles, "Blood particles per leg")->check(CLI::Range(0, 16000000));
    cmd->add_option("--device", opts->device, "Use the Vulkan device whose name contains this");
    cmd->add_option("--antialiasing", opts->antialiasing, kAntialiasingHelp)->check(CLI::IsMember(kAntialiasingModes));
    cmd->add_option("--script", opts->script, "Timed events that drive it (tests, rehearsals): key NAME, drag DX DY, scroll N, resize W H, screenshot FILE, fault KIND, quit");
    cmd->add_option("--frames", opts->frames, "Stop after this many frames");
    cmd->add_flag("--json", opts->json, "Print a JSON summary at the end");
  }
  kiosk->add_option("--watchdog", kiosko.watchdog_s, "Seconds without a frame before the kiosk ends itself (exit 75) for its service to restart it")
      ->check(CLI::Range(2.0, 3600.0));
  ViewOptions viewo;
  auto* view = app.add_subcommand("view", "The live window: the leg walking, the blood climbing (keys: ? in the window)");
  view->add_option("scenario", viewo.scenario, "Built-in scenario name or a scenario file (default healthy-walking)");
  view->add_option("--compare", viewo.compare, "A second scenario drawn beside the first");
  view->add_option("--size", viewo.size, "Window size WxH (screen coordinates)");
  view->add_option("--device", viewo.device, "Use the Vulkan device whose name contains this");
  view->add_option("--antialiasing", viewo.antialiasing, kAntialiasingHelp)->check(CLI::IsMember(kAntialiasingModes));
  view->add_option("--particles", viewo.particles, "Blood particles per leg (0: none)")->check(CLI::Range(0, 16000000));
  view->add_option("--time-scale", viewo.time_scale, "Model seconds per second (0.25: four times slower)")->check(CLI::Range(0.0625, 4.0));
  view->add_option("--start", viewo.start_s, "Model time of the first frame (s)")->check(CLI::Range(0.0, 3600.0));
  view->add_option("--script", viewo.script, "A file of timed events that drive the viewer (the clock: 30 frames per second)");
  view->add_option("--frames", viewo.frames, "Stop after this many frames")->check(CLI::Range(0, 100000000));
  view->add_flag("!--no-vsync", viewo.vsync, "Draw as fast as possible instead of at the display's refresh");
  view->add_option("--render-scale", viewo.render_scale, "Draw frames at this share of the window's size (default: adapt to hold 15 fps)")
      ->check(CLI::Range(0.25, 1.0));
  view->add_flag("--json", viewo.json, "Print a JSON summary at the end");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (*scenarios) return cmd_scenarios(scenarios_json);
  if (*simulate) return cmd_simulate(sim);
  if (*anatomy) return cmd_anatomy(anat);
  if (*screenshot) return cmd_screenshot(shot);
  if (*view) return cmd_view(viewo);
  if (*present) return cmd_present(presento);
  if (*kiosk) {
    kiosko.kiosk = true;
    return cmd_present(kiosko);
  }
  if (*record) return cmd_record(reco);
  if (*join) return cmd_join(join_parts, join_out);
  if (*calibrate) return cmd_calibrate(calib);
  if (*exportc) {
    if (gltf_option->count() > 0 || html_option->count() > 0) {
      gexp.scenario = exp.scenario;
      gexp.fps = export_fps;
      gexp.duration_s = export_duration;
      return cmd_export_gltf(gexp);
    }
    if (vtk_option->count() == 0) {
      fmt::print(stderr, "calfpump export: give --gltf FILE.glb, --html FOLDER or --vtk FOLDER\n");
      return 2;
    }
    for (const char* only : {"--compare", "--start", "--loop", "--beads", "--shot", "--lang", "--model-viewer", "--compress"})
      if (exportc->count(only) > 0) {
        fmt::print(stderr, "calfpump export: {} is for --gltf\n", only);
        return 2;
      }
    if (export_fps) exp.fps = *export_fps;
    exp.duration_s = export_duration;
    return cmd_export(exp);
  }
  if (*protocol && (proto.protocol == "walk" || tourniquet)) return cmd_protocol_extra(proto, tourniquet);
  if (*protocol) return cmd_protocol(proto);
  if (*benchc) {
    if (bench_what == "record") {
      bench_render.json = bench.json;
      if (benchc->count("--size") == 0) bench_render.size = "1920x1080";
      if (benchc->count("--frames") == 0) bench_render.frames = 60;
      return cmd_bench_record(bench_render);
    }
    if (bench_what == "render") {
      bench_render.json = bench.json;
      return cmd_bench_render(bench_render);
    }
    return cmd_bench_sim(bench);
  }
  if (no_image) rep.out.clear();
  return cmd_report(rep);
}
