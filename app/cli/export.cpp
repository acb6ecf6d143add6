#include "export.hpp"

#include "commands.hpp"

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "anatomy/deform.hpp"
#include "anatomy/error.hpp"
#include "anatomy/export_vtk.hpp"
#include "anatomy/geometry_io.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/simulation.hpp"
#include "anatomy/units.hpp"

namespace calfpump::app {

using namespace calfpump::anatomy;
namespace fs = std::filesystem;

namespace {


}  // namespace

int cmd_export(const ExportOptions& o) {
  return guarded([&] {
    const fs::path dir = o.vtk_dir;
    std::error_code ec;
    if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec)))
      throw ConfigError(dir.string(), 0, 0, "--vtk", "exists and is not an empty folder; choose a new one");
    const LegDescription leg = load_leg_description(default_leg_file());
    const Scenario sc = load_scenario(resolve_scenario(o.scenario), leg);
    const double duration = o.duration_s.value_or(sc.duration_s);
    if (duration > sc.duration_s)
      throw ConfigError("--duration", 0, 0, "", fmt::format("{} s is past the end of '{}' ({} s)", duration, sc.name, sc.duration_s));
    const Model model = build_model(leg, sc.condition);
    LegGeometry g = read_leg_glb(default_leg_mesh());
    check_leg_geometry(g, leg, default_leg_mesh().string());
    const LegGeometry rest = g;
    const Deformer deformer(model, rest);

    const fs::path tmp = dir.string() + ".partial";
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp);
    std::ofstream csv(tmp / "network.csv");
    csv << "time_s";
    for (const auto& s : model.segments) csv << ",pressure_mmHg:" << s.name << ",area_mm2:" << s.name << ",flow_ml_s:" << s.name;
    for (const auto& v : model.valves) csv << ",valve_state:" << v.name;
    csv << "\n";

    Simulation sim(model, sc.schedule());
    std::vector<std::pair<double, std::string>> frames;
    const auto count = static_cast<std::uint64_t>(std::floor(duration * o.fps + 1e-9)) + 1;
    for (std::uint64_t k = 0; k < count; ++k) {
      sim.run_until(static_cast<double>(k) / o.fps);
      const State& st = sim.state();
      deformer.apply(st, g);
      const std::string name = fmt::format("frame_{:05d}.vtp", k);
      write_vtp_frame(g, model, st, tmp / name);
      frames.emplace_back(st.time_s, name);
      csv << fmt::format("{:.4f}", st.time_s);
      for (std::size_t i = 0; i < model.segments.size(); ++i)
        csv << fmt::format(",{:.4f},{:.4f},{:.6f}", Pa_to_mmHg(st.pressure_Pa[i]),
                           st.area_m2[i] * model.segments[i].inv_count * 1e6, m3_to_ml(st.flow_m3_s[i]));
      for (double z : st.valve_state) csv << fmt::format(",{:.4f}", z);
      csv << "\n";
    }
    csv.close();
    if (!csv) throw ConfigError((tmp / "network.csv").string(), 0, 0, "--vtk", "writing failed (disk full or no permission?)");
    write_pvd(tmp / "leg.pvd", frames);
    if (fs::exists(dir, ec)) fs::remove(dir);  // the empty folder checked above
    fs::rename(tmp, dir);
    fmt::print("wrote {} ({} frames at {:g} fps: leg.pvd, frame_*.vtp, network.csv)\n", dir.string(), frames.size(), o.fps);
    return 0;
  });
}

}  // namespace calfpump::app
