#include "anatomy/export_vtk.hpp"

#include <cmath>
#include <fstream>
#include <limits>

#include <fmt/format.h>
#include <vtkAppendPolyData.h>
#include <vtkCellData.h>
#include <vtkDoubleArray.h>
#include <vtkFieldData.h>
#include <vtkFloatArray.h>
#include <vtkIntArray.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkXMLPolyDataWriter.h>

#include "anatomy/error.hpp"
#include "anatomy/geometry_vtk.hpp"
#include "anatomy/units.hpp"

namespace calfpump::anatomy {

namespace fs = std::filesystem;

namespace {

vtkNew<vtkFloatArray> point_array(const char* name, vtkIdType n) {
  vtkNew<vtkFloatArray> a;
  a->SetName(name);
  a->SetNumberOfTuples(n);
  a->Fill(std::numeric_limits<float>::quiet_NaN());
  return a;
}

}  // namespace

void write_vtp_frame(const LegGeometry& g, const Model& model, const State& st, const fs::path& file) {
  vtkNew<vtkAppendPolyData> append;
  for (std::size_t si = 0; si < g.structures.size(); ++si) {
    const StructureMesh& s = g.structures[si];
    vtkSmartPointer<vtkPolyData> pd = to_polydata(s);
    const auto n = static_cast<vtkIdType>(s.vertex_count());
    auto pressure = point_array("pressure_mmHg", n), area = point_array("area_mm2", n),
         flow = point_array("flow_ml_s", n), valve = point_array("valve_state", n);
    for (vtkIdType v = 0; v < n; ++v) {
      const float key = s.attributes.empty() ? -1.0f : s.attributes[static_cast<std::size_t>(v) * kAttributeCount];
      const auto k = static_cast<long>(std::lround(key));
      if (s.kind == StructureKind::Vein && k >= 0 && static_cast<std::size_t>(k) < model.segments.size()) {
        const auto i = static_cast<std::size_t>(k);
        pressure->SetValue(v, static_cast<float>(Pa_to_mmHg(st.pressure_Pa[i])));
        area->SetValue(v, static_cast<float>(st.area_m2[i] * model.segments[i].inv_count * 1e6));
        flow->SetValue(v, static_cast<float>(m3_to_ml(st.flow_m3_s[i])));
      } else if (s.kind == StructureKind::Valve && k >= 0 && static_cast<std::size_t>(k) < model.valves.size()) {
        valve->SetValue(v, static_cast<float>(st.valve_state[static_cast<std::size_t>(k)]));
      }
    }
    pd->GetPointData()->AddArray(pressure);
    pd->GetPointData()->AddArray(area);
    pd->GetPointData()->AddArray(flow);
    pd->GetPointData()->AddArray(valve);
    vtkNew<vtkIntArray> id;
    id->SetName("structure");
    for (vtkIdType t = 0; t < pd->GetNumberOfPolys(); ++t) id->InsertNextValue(static_cast<int>(si));
    pd->GetCellData()->AddArray(id);
    append->AddInputData(pd);
  }
  append->Update();
  vtkPolyData* out = append->GetOutput();
  vtkNew<vtkDoubleArray> time;
  time->SetName("time_s");
  time->InsertNextValue(st.time_s);
  out->GetFieldData()->AddArray(time);
  vtkNew<vtkXMLPolyDataWriter> w;
  w->SetFileName(file.string().c_str());
  w->SetDataModeToAppended();
  w->SetCompressorTypeToZLib();
  w->SetInputData(out);
  if (!w->Write()) throw ConfigError(file.string(), 0, 0, "--vtk", "writing the frame failed (disk full or no permission?)");
}

void write_pvd(const fs::path& file, const std::vector<std::pair<double, std::string>>& frames) {
  std::ofstream out(file);
  out << "<?xml version=\"1.0\"?>\n<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n  <Collection>\n";
  for (const auto& [t, name] : frames)
    out << fmt::format("    <DataSet timestep=\"{:.6f}\" group=\"\" part=\"0\" file=\"{}\"/>\n", t, name);
  out << "  </Collection>\n</VTKFile>\n";
  out.close();
  if (!out) throw ConfigError(file.string(), 0, 0, "--vtk", "writing the collection failed (disk full or no permission?)");
}

}  // namespace calfpump::anatomy
