#pragma once
// A ParaView time series of a run: one VTK XML poly data file (.vtp) per frame with the deformed
// leg and per-point physiology, a .pvd collection listing the frames with their times, written by
// `calfpump export <scenario> --vtk DIR`. Point arrays (NaN where a structure has no such value):
//   pressure_mmHg   veins: the gauge pressure of the segment the vertex belongs to
//   area_mm2        veins: the segment's cross-sectional area per vein
//   flow_ml_s       veins: the segment's flow toward the heart
//   valve_state     valves: zeta in [0, 1] (0 closed, 1 open)
// Cell array "structure": the index of the structure (LegGeometry::structures) a triangle is in;
// field data "time_s". VTK lives here (the meshes room), never in the physiology.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "anatomy/geometry.hpp"
#include "anatomy/model.hpp"
#include "anatomy/state.hpp"

namespace calfpump::anatomy {

/// Writes one frame: the deformed leg g (the rest layout, positions from Deformer::apply) with the
/// state's values on its vein and valve vertices. Throws ConfigError when the file cannot be written.
void write_vtp_frame(const LegGeometry& g, const Model& model, const State& state, const std::filesystem::path& file);

/// Writes a .pvd collection of (time in s, file name relative to the .pvd) frames.
void write_pvd(const std::filesystem::path& file, const std::vector<std::pair<double, std::string>>& frames);

}  // namespace calfpump::anatomy
