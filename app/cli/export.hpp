#pragma once
// `calfpump export <scenario> --vtk DIR [--fps N] [--duration S]`: a ParaView time series of a
// scenario (anatomy/export_vtk.hpp): DIR/leg.pvd listing DIR/frame_NNNNN.vtp, and the network's
// time series at the same instants in DIR/network.csv (per segment pressure, area and flow, per
// valve state). DIR is written as DIR.partial and renamed when complete; an existing, non-empty
// DIR is refused (exit code 2), never overwritten.

#include <optional>
#include <string>

namespace calfpump::app {

/// Options of `export`.
struct ExportOptions {
  std::string scenario;
  std::string vtk_dir;
  double fps = 10.0;
  std::optional<double> duration_s;  ///< default: the scenario's duration
};

int cmd_export(const ExportOptions& o);

}  // namespace calfpump::app
