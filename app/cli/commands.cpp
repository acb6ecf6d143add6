// The calfpump sub-commands: load, run, report. Bad input is reported with its file, line and key
// and exit code 2; nothing is written unless the whole command succeeds.

#include "commands.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "anatomy/deform.hpp"
#include "anatomy/description.hpp"
#include "anatomy/geometry.hpp"
#include "anatomy/geometry_io.hpp"
#include "anatomy/error.hpp"
#include "anatomy/model.hpp"
#include "anatomy/protocols.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/units.hpp"
#include "app/attach.hpp"
#include "app/compose.hpp"
#include "app/frame_pump.hpp"
#include "app/section_view.hpp"
#include "app/session.hpp"
#include "render/renderer.hpp"
#include "render/target.hpp"

namespace calfpump::app {

using namespace calfpump::anatomy;
using nlohmann::json;

int guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const ConfigError& e) {
    fmt::print(stderr, "calfpump: error: {}\n", e.what());
    return 2;
  } catch (const render::RenderError& e) {
    fmt::print(stderr, "calfpump: error: {}\n", e.what());
    return 2;
  } catch (const SimulationError& e) {
    fmt::print(stderr, "calfpump: error: {}\n", e.what());
    return 3;
  } catch (const std::exception& e) {
    fmt::print(stderr, "calfpump: error: {}\n", e.what());
    return 1;
  }
}

namespace {

struct Loaded {
  LegDescription leg;
  Scenario scenario;
};

Loaded load(const std::string& name_or_file) {
  Loaded l;
  l.leg = load_leg_description(default_leg_file());
  l.scenario = load_scenario(resolve_scenario(name_or_file), l.leg);
  return l;
}

json summary_json(const Scenario& sc, const RunSummary& s) {
  return json{{"scenario", sc.name},
              {"title", sc.title},
              {"duration_s", s.duration_s},
              {"dt_s", s.dt_s},
              {"window", {{"start_s", s.window_start_s}, {"end_s", s.window_end_s}, {"cycles", s.window_cycles}}},
              {"ankle_pressure_mmHg", s.ankle_pressure_mmHg},
              {"ankle_pressure_min_mmHg", s.ankle_pressure_min_mmHg},
              {"ankle_pressure_max_mmHg", s.ankle_pressure_max_mmHg},
              {"calf_venous_volume_ml", s.calf_venous_volume_ml},
              {"ejected_volume_per_contraction_ml", s.ejected_volume_per_contraction_ml},
              {"calf_muscle_perfusion_ml_min", s.calf_muscle_perfusion_ml_min},
              {"inflow_ml_min", s.inflow_ml_min},
              {"outflow_ml_min", s.outflow_ml_min},
              {"mass_balance_error", s.mass_balance_error}};
}

json avp_json(const Scenario& sc, const AvpResult& r) {
  return json{{"scenario", sc.name},
              {"protocol", "avp"},
              {"exercise", r.exercise},
              {"standing_pressure_mmHg", r.standing_pressure_mmHg},
              {"ambulatory_pressure_mmHg", r.ambulatory_pressure_mmHg},
              {"pressure_drop_percent", r.pressure_drop_percent},
              {"refill_time_s", r.refill_time_s},
              {"refilled", r.refilled}};
}

json apg_json(const Scenario& sc, const ApgResult& r) {
  return json{{"scenario", sc.name},
              {"protocol", "apg"},
              {"venous_volume_ml", r.venous_volume_ml},
              {"venous_filling_index_ml_s", r.venous_filling_index_ml_s},
              {"filling_time_s", r.filling_time_s},
              {"ejection_volume_ml", r.ejection_volume_ml},
              {"ejection_fraction_percent", r.ejection_fraction_percent},
              {"residual_volume_ml", r.residual_volume_ml},
              {"residual_volume_fraction_percent", r.residual_volume_fraction_percent}};
}

// CSV time series, written to a temporary file that replaces the target only on success
class CsvWriter {
 public:
  CsvWriter(const std::string& file, const Model& m) : file_(file), tmp_(file + ".partial") {
    out_.open(tmp_, std::ios::binary | std::ios::trunc);
    if (!out_) throw ConfigError(file, 0, 0, "--csv", "cannot open the file for writing");
    out_ << "time_s,ankle_pressure_mmHg,calf_volume_ml,calf_muscle_perfusion_ml_min,inflow_ml_s,outflow_ml_s";
    for (const auto& mu : m.leg.muscles) out_ << ",activation:" << mu.name << ",pressure_mmHg:" << mu.name;
    for (const auto& s : m.segments) out_ << ",pressure_mmHg:" << s.name;
    for (const auto& s : m.segments) out_ << ",volume_ml:" << s.name;
    for (const auto& v : m.valves) out_ << ",open:" << v.name << ",flow_ml_s:" << v.name;
    out_ << '\n';
  }
  ~CsvWriter() {
    if (!committed_) {
      out_.close();
      std::error_code ec;
      std::filesystem::remove(tmp_, ec);
    }
  }
  void row(const State& s) {
    out_ << fmt::format("{:.4f},{:.4f},{:.4f},{:.4f},{:.5f},{:.5f}", s.time_s, Pa_to_mmHg(s.metrics.ankle_pressure_Pa),
                        m3_to_ml(s.metrics.calf_volume_m3), m3_to_ml(s.metrics.calf_muscle_perfusion_m3_s) * 60.0,
                        m3_to_ml(s.inflow_m3_s), m3_to_ml(s.outflow_m3_s));
    for (std::size_t k = 0; k < s.muscle_activation.size(); ++k)
      out_ << fmt::format(",{:.4f},{:.3f}", s.muscle_activation[k], Pa_to_mmHg(s.muscle_pressure_Pa[k]));
    for (double p : s.pressure_Pa) out_ << fmt::format(",{:.3f}", Pa_to_mmHg(p));
    for (double v : s.volume_m3) out_ << fmt::format(",{:.4f}", m3_to_ml(v));
    for (std::size_t k = 0; k < s.valve_state.size(); ++k)
      out_ << fmt::format(",{:.4f},{:.5f}", s.valve_state[k], m3_to_ml(s.valve_flow_m3_s[k]));
    out_ << '\n';
  }
  void commit() {
    out_.flush();
    out_.close();
    if (out_.fail()) throw ConfigError(file_, 0, 0, "--csv", "writing failed (disk full?)");
    std::error_code ec;
    std::filesystem::rename(tmp_, file_, ec);
    if (ec) throw ConfigError(file_, 0, 0, "--csv", "cannot move the finished file into place: " + ec.message());
    committed_ = true;
  }

 private:
  std::string file_, tmp_;
  std::ofstream out_;
  bool committed_ = false;
};

// an observer writing a CSV row at the first step at or after each multiple of the interval
StepObserver sampler(CsvWriter& csv, double interval_s) {
  return [&csv, interval_s, next = std::uint64_t{0}](const State& s) mutable {
    if (s.time_s + 1e-9 < static_cast<double>(next) * interval_s) return;
    csv.row(s);
    next = static_cast<std::uint64_t>(std::floor((s.time_s + 1e-9) / interval_s)) + 1;
  };
}

void print_summary(const Scenario& sc, const RunSummary& s) {
  fmt::print("{} ({})\n", sc.title, sc.name);
  if (!sc.description.empty()) fmt::print("  {}\n", sc.description);
  fmt::print("  simulated {:.1f} s at a {:.3f} ms step; averages over {:.1f}-{:.1f} s{}\n", s.duration_s, s.dt_s * 1e3,
             s.window_start_s, s.window_end_s,
             s.window_cycles ? fmt::format(" ({} contraction cycles)", s.window_cycles) : std::string());
  fmt::print("  ankle venous pressure        {:7.1f} mmHg  (range {:.1f} to {:.1f})\n", s.ankle_pressure_mmHg,
             s.ankle_pressure_min_mmHg, s.ankle_pressure_max_mmHg);
  fmt::print("  calf venous volume           {:7.1f} ml\n", s.calf_venous_volume_ml);
  fmt::print("  ejected volume / contraction {:7.1f} ml\n", s.ejected_volume_per_contraction_ml);
  fmt::print("  calf muscle perfusion        {:7.1f} ml/min\n", s.calf_muscle_perfusion_ml_min);
  fmt::print("  arterial inflow / outflow    {:7.1f} / {:.1f} ml/min\n", s.inflow_ml_min, s.outflow_ml_min);
  fmt::print("  mass balance error           {:.2e} (relative)\n", s.mass_balance_error);
}

}  // namespace

int cmd_scenarios(bool as_json) {
  return guarded([&] {
    const LegDescription leg = load_leg_description(default_leg_file());
    json list = json::array();
    for (const auto& name : builtin_scenarios()) {
      const Scenario sc = load_scenario(scenario_dir() / (name + ".toml"), leg);
      list.push_back({{"name", name}, {"title", sc.title}, {"description", sc.description}});
      if (!as_json) fmt::print("{:<34} {}\n", name, sc.title);
    }
    if (as_json) fmt::print("{}\n", list.dump(2));
    return 0;
  });
}

int cmd_anatomy(const AnatomyOptions& o) {
  return guarded([&] {
    const LegDescription leg = load_leg_description(default_leg_file());
    std::filesystem::path mesh = o.mesh.empty() || !o.mapping.empty() ? default_leg_mesh() : std::filesystem::path(o.mesh);
    LegGeometry g = read_leg_glb(mesh);
    if (!o.mapping.empty()) {
      // the user's meshes replace the generated structures they name
      MappingFit fit;
      g = load_user_leg(o.mapping, o.mesh, leg, g, {}, &fit);
      mesh = o.mapping;
      if (fit.fitted) {
        std::string each;
        for (const auto& [name, e] : fit.residuals) each += fmt::format("{}{} {:.1f} mm", each.empty() ? "" : ", ", name, e * 1e3);
        fmt::print(stderr, "{}: placed on {} landmarks, scale x{:.4f}, residual {:.1f} mm RMS ({})\n", o.mapping, fit.residuals.size(),
                   fit.scale, fit.rms_m * 1e3, each);
      }
    }
    check_leg_geometry(g, leg, mesh.string());
    if (o.time_s && o.scenario.empty())
      throw ConfigError("--time", 0, 0, "", "--time needs --scenario: whose state should the leg take?");
    if (!o.scenario.empty()) {
      const Scenario sc = load_scenario(resolve_scenario(o.scenario), leg);
      const double t = o.time_s.value_or(0.0);
      if (t > sc.duration_s)
        throw ConfigError("--time", 0, 0, "", fmt::format("{} s is past the end of '{}' ({} s)", t, sc.name, sc.duration_s));
      const Model model = build_model(leg, sc.condition);
      Simulation sim(model, sc.schedule());
      sim.run_until(t);
      const LegGeometry rest = g;
      Deformer(model, rest).apply(sim.state(), g);
    }
    if (!o.export_file.empty()) {
      export_leg(g, o.export_file);
      if (!o.json) fmt::print("wrote {} ({} structures, {} triangles)\n", o.export_file, g.structures.size(), g.triangle_count());
      return 0;
    }
    json list = json::array();
    if (!o.json) fmt::print("{:<8} {:<30} {:>9} {:>11}   {}\n", "kind", "structure", "triangles", "volume ml", "bounds (m)");
    for (const auto& s : g.structures) {
      const MeshReport r = check_mesh(s);
      float lo[3] = {1e9f, 1e9f, 1e9f}, hi[3] = {-1e9f, -1e9f, -1e9f};
      for (std::size_t v = 0; v < s.vertex_count(); ++v)
        for (int k = 0; k < 3; ++k) {
          lo[k] = std::min(lo[k], s.positions[3 * v + std::size_t(k)]);
          hi[k] = std::max(hi[k], s.positions[3 * v + std::size_t(k)]);
        }
      const double vol = s.closed ? m3_to_ml(r.volume_m3) : 0.0;
      list.push_back({{"name", s.name}, {"kind", structure_kind_name(s.kind)}, {"triangles", s.triangle_count()},
                      {"vertices", s.vertex_count()}, {"closed", s.closed}, {"volume_ml", vol},
                      {"bounds_min_m", {lo[0], lo[1], lo[2]}}, {"bounds_max_m", {hi[0], hi[1], hi[2]}}});
      if (!o.json)
        fmt::print("{:<8} {:<30} {:>9} {:>11.2f}   [{:.3f} {:.3f} {:.3f}] - [{:.3f} {:.3f} {:.3f}]\n", structure_kind_name(s.kind),
                   s.name, s.triangle_count(), vol, lo[0], lo[1], lo[2], hi[0], hi[1], hi[2]);
    }
    if (o.json) fmt::print("{}\n", json{{"mesh", mesh.string()}, {"triangles", g.triangle_count()}, {"structures", list}}.dump(2));
    else fmt::print("{} structures, {} triangles ({})\n", g.structures.size(), g.triangle_count(), mesh.string());
    return 0;
  });
}

namespace {

// "1280x720" -> (1280, 720), or a ConfigError naming --size
std::pair<int, int> parse_size(const std::string& text) {
  int w = 0, h = 0;
  char x = 0;
  std::istringstream size(text);
  if (!(size >> w >> x >> h) || x != 'x' || !size.eof() || w < 16 || h < 16 || w > 8192 || h > 8192)
    throw ConfigError("--size", 0, 0, "", fmt::format("'{}' is not a size; expected WxH with 16 to 8192 pixels a side, e.g. 1280x720", text));
  return {w, h};
}

}  // namespace

namespace {
// the command line's name for how edges are smoothed (CLI11 checks it is one of these)
render::Antialiasing antialiasing_of(const std::string& name) {
  if (name == "msaa") return render::Antialiasing::Multisample;
  if (name == "filter") return render::Antialiasing::EdgeFilter;
  if (name == "none") return render::Antialiasing::None;
  return render::Antialiasing::Automatic;
}
}  // namespace

int cmd_bench_render(const BenchRenderOptions& o) {
  return guarded([&] {
    const auto [w, h] = parse_size(o.size);
    // the main job's frame: healthy and great-saphenous-reflux legs walking, side by side
    Session session({"healthy-walking", "gsv-reflux-walking"});
    const LegGeometry rest = read_leg_glb(default_leg_mesh());
    const std::unique_ptr<Fonts> fonts = load_fonts();
    render::RenderOptions ro;
    ro.device = o.device;
    ro.antialiasing = antialiasing_of(o.antialiasing);
    render::Renderer renderer(ro);
    attach(renderer, session, rest);
    session.run_until(20.0);  // walking
    seed_particles(renderer, session, o.particles);
    renderer.set_fonts(fonts->regular, fonts->bold);
    render::OffscreenTarget target(renderer, w, h);
    // frames of a 30 fps video; a time scale below 1 is slow motion: each frame advances the
    // simulation (8 steps per leg at 1x), composes the frame and submits it (particles, deformation,
    // drawing, read-back), while the frame before it is read
    using clock = std::chrono::steady_clock;
    auto ms = [](clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); };
    const FramePump pump(30.0, o.time_scale, session.time());
    FrameView view;
    view.fonts = fonts.get();
    view.particle_dt = pump.step();
    if (o.section != 0) {  // the cut checks its level (ConfigError naming --section)
      view.section = std::make_shared<const SectionCut>(rest, o.section);
      view.camera = view.section->frame_camera(w, h, session.size());
    }
    render::Image image;
    auto check = [](const render::FrameStatus& st) {
      if (!st) throw render::RenderError(st.message);
    };
    check(render::render_image(renderer, target, compose_frame(session, view, w, h), image));  // warm-up (first-use costs)
    double t_sim = 0;
    render::FrameTimings gpu;
    auto add = [&](const render::FrameTimings& t) {
      gpu.particles_ms += t.particles_ms;
      gpu.deform_ms += t.deform_ms;
      gpu.draw_ms += t.draw_ms;
      gpu.readback_ms += t.readback_ms;
    };
    const auto start = clock::now();
    std::uint64_t previous = 0;
    for (int f = 1; f <= o.frames; ++f) {
      const auto a = clock::now();
      session.run_until(pump.time(static_cast<std::uint64_t>(f)));
      const render::FrameDesc frame = compose_frame(session, view, w, h);
      t_sim += ms(clock::now() - a);
      const render::FrameStatus st = renderer.render(frame, target);
      check(st);
      if (o.in_flight == 1) {  // one at a time: read each frame before the next is recorded
        check(target.read(st.frame, image));
        add(renderer.last_timings());
        continue;
      }
      if (previous) {
        check(target.read(previous, image));
        add(renderer.last_timings());
      }
      previous = st.frame;
    }
    if (previous) {
      check(target.read(previous, image));
      add(renderer.last_timings());
    }
    const double t_total = ms(clock::now() - start);
    const double frame_dt = pump.step();
    const double n = o.frames, total = t_total / n;
    if (o.json) {
      fmt::print("{}\n", json{{"device", renderer.device_name()}, {"antialiasing", renderer.antialiasing()}, {"section", o.section}, {"width", w}, {"height", h}, {"legs", session.size()},
                              {"particles_per_leg", o.particles}, {"frames", o.frames}, {"model_ms_per_frame", frame_dt * 1000.0}, {"simulation_and_overlay_ms", t_sim / n},
                              {"particle_compute_ms", gpu.particles_ms / n}, {"deformation_ms", gpu.deform_ms / n},
                              {"drawing_ms", gpu.draw_ms / n}, {"readback_ms", gpu.readback_ms / n},
                              {"frame_ms", total}, {"fps", 1000.0 / total}}
                             .dump(2));
    } else {
      fmt::print("bench render: {} at {}x{} ({}), {} legs with {} particles each{}, {} frames of {:.1f} ms model time\n", renderer.device_name(), w,
                 h, renderer.antialiasing(), session.size(), o.particles,
                 o.section > 0 ? fmt::format(", cut across at {:.2f} of the tibia", o.section) : std::string(), o.frames, frame_dt * 1000.0);
      fmt::print("  simulation and frame composition {:.2f} ms (CPU); particle compute (moving, placing and rasterizing the blood) {:.2f} ms, "
                 "deformation {:.2f} ms, drawing {:.2f} ms, read-back {:.2f} ms (GPU timestamps)\n",
                 t_sim / n, gpu.particles_ms / n, gpu.deform_ms / n, gpu.draw_ms / n, gpu.readback_ms / n);
      fmt::print("  {:.1f} ms per frame, {:.1f} frames per second ({} frames in flight)\n", total, 1000.0 / total, render::kFramesInFlight);
    }
    return 0;
  });
}

std::unique_ptr<Session> render_still(const ScreenshotOptions& o, std::string& device_name) {
  const auto [w, h] = parse_size(o.size);
  FrameView view;
  if (o.view != "cross-section") view.camera = view_camera(o.view);
  if (!(o.skin >= 0.0f && o.skin <= 1.0f)) throw ConfigError("--skin", 0, 0, "", fmt::format("{} is not an opacity; expected 0 to 1", o.skin));
  view.layers[static_cast<std::size_t>(StructureKind::Skin)] = o.skin;
  view.parts.emphasis = o.emphasis;
  if (o.emphasis != 1.0 && o.plain)
    throw ConfigError("--emphasis", 0, 0, "", "an enlarged movement must be stated in the frame, which --plain leaves without words");
  std::vector<std::string> names{o.scenario};
  if (!o.compare.empty()) names.push_back(o.compare);
  auto session = std::make_unique<Session>(names);
  for (std::size_t i = 0; i < session->size(); ++i)
    if (o.time_s > session->leg(i).scenario.duration_s)
      throw ConfigError("--time", 0, 0, "",
                        fmt::format("{} s is past the end of '{}' ({} s)", o.time_s, session->leg(i).scenario.name, session->leg(i).scenario.duration_s));
  const LegGeometry rest = read_leg_glb(default_leg_mesh());
  if (const double level = section_level(o.view, o.section, o.plain)) {
    view.section = std::make_shared<const SectionCut>(rest, level);
    view.camera = view.section->frame_camera(w, h, o.compare.empty() ? 1 : 2);
  }
  // fonts before the GPU work: a missing font fails fast
  std::unique_ptr<Fonts> fonts;
  if (!o.plain) fonts = load_fonts();
  render::RenderOptions ro;
  ro.device = o.device;
  ro.antialiasing = antialiasing_of(o.antialiasing);
  const char* validation = std::getenv("CALFPUMP_VALIDATION");
  ro.validation = validation && std::string(validation) == "1";
  render::Renderer renderer(ro);
  attach(renderer, *session, rest);
  // the particles need a history: they start 3 s earlier, spread by volume
  start_at(*session, renderer, o.time_s, o.particles);
  if (fonts) renderer.set_fonts(fonts->regular, fonts->bold);
  view.fonts = fonts.get();
  render::OffscreenTarget target(renderer, w, h);
  render::Image img;
  const render::FrameStatus st = render::render_image(renderer, target, compose_frame(*session, view, w, h), img);
  if (!st) throw render::RenderError(st.message);
  if (renderer.validation_messages() > 0)
    fmt::print(stderr, "calfpump: {} Vulkan validation messages; the first: {}\n", renderer.validation_messages(),
               renderer.first_validation_message());
  render::write_png(img, o.out);
  device_name = renderer.device_name();
  return session;
}


int cmd_screenshot(const ScreenshotOptions& o) {
  return guarded([&] {
    std::string device;
    const auto scene = render_still(o, device);
    fmt::print("{} ({}, {}, t = {:.3f} s", o.out, o.size, device, o.time_s);
    for (std::size_t i = 0; i < scene->size(); ++i)
      fmt::print("; {}: ankle {:.1f} mmHg", scene->leg(i).scenario.name, scene->leg(i).history.back().ankle_mmHg);
    fmt::print(")\n");
    return 0;
  });
}

int cmd_simulate(const SimulateOptions& o) {
  return guarded([&] {
    Loaded l = load(o.scenario);
    if (o.duration_s) {
      l.scenario.duration_s = *o.duration_s;
      if (l.scenario.activity.kind != ActivityKind::Still && l.scenario.activity_start_s >= *o.duration_s)
        throw ConfigError("--duration", 0, 0, "",
                          fmt::format("the activity of '{}' starts at {} s; choose a longer duration",
                                      l.scenario.name, l.scenario.activity_start_s));
    }
    const Model model = build_model(l.leg, l.scenario.condition);
    std::unique_ptr<CsvWriter> csv;
    if (!o.csv_file.empty()) csv = std::make_unique<CsvWriter>(o.csv_file, model);
    StepObserver observer;
    if (csv) observer = sampler(*csv, o.sample_interval_s);
    const RunSummary s = run_scenario(model, l.scenario, kAnimationStep_s, observer);
    if (csv) csv->commit();
    if (o.json) fmt::print("{}\n", summary_json(l.scenario, s).dump(2));
    else print_summary(l.scenario, s);
    return 0;
  });
}

int cmd_protocol(const ProtocolOptions& o) {
  return guarded([&] {
    const Loaded l = load(o.scenario);
    // the CSV has the model's columns; the protocols build the same network from the same condition
    const Model model = build_model(l.leg, l.scenario.condition);
    std::unique_ptr<CsvWriter> csv;
    if (!o.csv_file.empty()) csv = std::make_unique<CsvWriter>(o.csv_file, model);
    StepObserver observer;
    if (csv) observer = sampler(*csv, o.sample_interval_s);
    if (o.protocol == "avp") {
      const AvpResult r = run_avp(l.leg, l.scenario, kAnimationStep_s, observer);
      if (csv) csv->commit();
      if (o.json) { fmt::print("{}\n", avp_json(l.scenario, r).dump(2)); return 0; }
      fmt::print("Ambulatory venous pressure: {} ({})\n", l.scenario.title, l.scenario.name);
      fmt::print("  exercise                 {}\n", r.exercise);
      fmt::print("  standing pressure        {:6.1f} mmHg\n", r.standing_pressure_mmHg);
      fmt::print("  ambulatory pressure      {:6.1f} mmHg\n", r.ambulatory_pressure_mmHg);
      fmt::print("  pressure drop            {:6.1f} %\n", r.pressure_drop_percent);
      fmt::print("  refill time (90%)        {:6.1f} s{}\n", r.refill_time_s, r.refilled ? "" : " (not refilled)");
      return 0;
    }
    const ApgResult r = run_apg(l.leg, l.scenario, kAnimationStep_s, observer);
    if (csv) csv->commit();
    if (o.json) { fmt::print("{}\n", apg_json(l.scenario, r).dump(2)); return 0; }
    fmt::print("Air plethysmography: {} ({})\n", l.scenario.title, l.scenario.name);
    fmt::print("  venous volume VV             {:6.1f} ml\n", r.venous_volume_ml);
    fmt::print("  venous filling index VFI     {:6.2f} ml/s  (90% filled in {:.1f} s)\n", r.venous_filling_index_ml_s, r.filling_time_s);
    fmt::print("  ejection volume EV           {:6.1f} ml\n", r.ejection_volume_ml);
    fmt::print("  ejection fraction EF         {:6.1f} %\n", r.ejection_fraction_percent);
    fmt::print("  residual volume fraction RVF {:6.1f} %\n", r.residual_volume_fraction_percent);
    return 0;
  });
}

int cmd_bench_sim(const BenchOptions& o) {
  return guarded([&] {
    Loaded l = load(o.scenario);
    l.scenario.duration_s = o.duration_s;
    const Model model = build_model(l.leg, l.scenario.condition);
    const Schedule schedule = l.scenario.schedule();
    const auto steps = static_cast<std::uint64_t>(std::llround(o.duration_s / kAnimationStep_s));
    // the stepping alone, on this thread: one warm-up run, then the best of five (other load on
    // the machine only ever slows a run down)
    double best_s = 0;
    for (int run = 0; run < 6; ++run) {
      Simulation sim(model, schedule, kAnimationStep_s);
      const auto t0 = std::chrono::steady_clock::now();
      while (sim.state().steps < steps) sim.step();
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      if (run > 0 && (best_s == 0 || wall < best_s)) best_s = wall;
    }
    const double us_per_step = 1e6 * best_s / static_cast<double>(steps);
    const double factor = o.duration_s / best_s;
    if (o.json) {
      fmt::print("{}\n", json{{"scenario", l.scenario.name},
                              {"segments", model.segments.size()},
                              {"edges", model.edges.size()},
                              {"valves", model.valves.size()},
                              {"dt_s", kAnimationStep_s},
                              {"simulated_s", o.duration_s},
                              {"us_per_step", us_per_step},
                              {"realtime_factor", factor}}
                             .dump(2));
    } else {
      fmt::print("bench sim: {} ({} segments, {} edges, {} valves), dt = {:.4f} ms\n", l.scenario.name,
                 model.segments.size(), model.edges.size(), model.valves.size(), kAnimationStep_s * 1e3);
      fmt::print("  {:.2f} us per step, {:.0f}x faster than real time (best of 5, one core)\n", us_per_step, factor);
    }
    return 0;
  });
}

int cmd_report(const ReportOptions& o) {
  return guarded([&] {
    const Loaded a = load("healthy-walking");
    const Loaded b = load("gsv-reflux-walking");
    // the picture first: 20 s into the walk scenarios (10 s standing, then 10 s of walking)
    std::string device;
    if (!o.out.empty()) {
      ScreenshotOptions shot;
      shot.scenario = "healthy-walking";
      shot.compare = "gsv-reflux-walking";
      shot.time_s = 20.0;
      shot.size = o.size;
      shot.device = o.device;
      shot.antialiasing = o.antialiasing;
      shot.particles = o.particles;
      shot.out = o.out;
      render_still(shot, device);
    }
    const Model ma = build_model(a.leg, a.scenario.condition);
    const Model mb = build_model(b.leg, b.scenario.condition);
    const RunSummary sa = run_scenario(ma, a.scenario), sb = run_scenario(mb, b.scenario);
    const AvpResult va = run_avp(a.leg, a.scenario), vb = run_avp(b.leg, b.scenario);
    if (o.json) {
      json j{{"legs", {{{"simulation", summary_json(a.scenario, sa)}, {"avp", avp_json(a.scenario, va)}},
                       {{"simulation", summary_json(b.scenario, sb)}, {"avp", avp_json(b.scenario, vb)}}}}};
      if (!o.out.empty()) j["image"] = {{"file", o.out}, {"size", o.size}, {"time_s", 20.0}, {"device", device}};
      fmt::print("{}\n", j.dump(2));
      return 0;
    }
    fmt::print("CalfPump: the calf muscle pump, healthy leg and leg with great saphenous reflux, walking\n\n");
    if (!o.out.empty()) fmt::print("Picture: {} ({}, 20 s into the scenarios, rendered on {})\n\n", o.out, o.size, device);
    fmt::print("{:<36}{:>18}{:>22}\n", "", a.scenario.name, b.scenario.name);
    auto row = [](const char* what, double x, double y, const char* unit) {
      fmt::print("{:<36}{:>14.1f} {:<5}{:>16.1f} {:<5}\n", what, x, unit, y, unit);
    };
    row("ankle venous pressure, walking", sa.ankle_pressure_mmHg, sb.ankle_pressure_mmHg, "mmHg");
    row("calf venous volume, walking", sa.calf_venous_volume_ml, sb.calf_venous_volume_ml, "ml");
    row("ejected volume per contraction", sa.ejected_volume_per_contraction_ml, sb.ejected_volume_per_contraction_ml, "ml");
    row("calf muscle perfusion, walking", sa.calf_muscle_perfusion_ml_min, sb.calf_muscle_perfusion_ml_min, "ml/min");
    row("AVP test: standing pressure", va.standing_pressure_mmHg, vb.standing_pressure_mmHg, "mmHg");
    row("AVP test: ambulatory pressure", va.ambulatory_pressure_mmHg, vb.ambulatory_pressure_mmHg, "mmHg");
    row("AVP test: pressure drop", va.pressure_drop_percent, vb.pressure_drop_percent, "%");
    row("AVP test: refill time (90%)", va.refill_time_s, vb.refill_time_s, "s");
    fmt::print("\nWith competent valves the walking calf empties its veins and the ankle pressure falls;\n"
               "with a leaky great saphenous vein blood falls back from the groin, the pressure stays high\n"
               "and the veins refill within seconds. The leaky leg's pump moves more blood per step, but\n"
               "it is the same blood going round: what falls back down the saphenous vein is pumped up\n"
               "again through the deep veins.\n");
    return 0;
  });
}

}  // namespace calfpump::app
