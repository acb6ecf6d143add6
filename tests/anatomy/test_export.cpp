// The ParaView export (`calfpump export <scenario> --vtk DIR`): the frames read back with VTK hold
// the deformed leg and the state's values on its veins and valves; the collection lists the frames
// with their times; an existing folder is never overwritten.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkFieldData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPolyData.h>
#include <vtkXMLPolyDataReader.h>

#include "anatomy/deform.hpp"
#include "anatomy/export_vtk.hpp"
#include "anatomy/geometry_io.hpp"
#include "anatomy/scenario.hpp"
#include "anatomy/simulation.hpp"
#include "anatomy/units.hpp"

using namespace calfpump::anatomy;
namespace fs = std::filesystem;

namespace {

fs::path tmp(const std::string& name) {
  const fs::path dir = fs::path(CALFPUMP_TEST_TMP) / "export";
  fs::create_directories(dir);
  return dir / name;
}

int run(const std::string& args) {
  const std::string cmd = std::string(CALFPUMP_EXE) + " " + args + " > /dev/null 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

vtkSmartPointer<vtkPolyData> read_vtp(const fs::path& file) {
  vtkNew<vtkXMLPolyDataReader> r;
  r->SetFileName(file.string().c_str());
  r->Update();
  vtkSmartPointer<vtkPolyData> pd = r->GetOutput();
  return pd;
}

}  // namespace

TEST_CASE("a frame read back with VTK holds the state on the veins and valves", "[export][geometry]") {
  const LegDescription leg = load_leg_description(default_leg_file());
  const Scenario sc = load_scenario(resolve_scenario("healthy-tiptoe"), leg);
  const Model m = build_model(leg, sc.condition);
  LegGeometry g = read_leg_glb(default_leg_mesh());
  const LegGeometry rest = g;
  Simulation sim(m, sc.schedule());
  sim.run_until(20.35);  // the top of the first raise: veins squeezed, valves moving
  Deformer(m, rest).apply(sim.state(), g);
  const fs::path file = tmp("frame.vtp");
  write_vtp_frame(g, m, sim.state(), file);
  const auto pd = read_vtp(file);
  std::size_t vertices = 0;
  for (const auto& s : g.structures) vertices += s.vertex_count();
  REQUIRE(static_cast<std::size_t>(pd->GetNumberOfPoints()) == vertices);
  CHECK(static_cast<std::size_t>(pd->GetNumberOfPolys()) == g.triangle_count());
  vtkDataArray* p = pd->GetPointData()->GetArray("pressure_mmHg");
  vtkDataArray* a = pd->GetPointData()->GetArray("area_mm2");
  vtkDataArray* q = pd->GetPointData()->GetArray("flow_ml_s");
  vtkDataArray* z = pd->GetPointData()->GetArray("valve_state");
  REQUIRE(p);
  REQUIRE(a);
  REQUIRE(q);
  REQUIRE(z);
  REQUIRE(pd->GetCellData()->GetArray("structure"));
  REQUIRE(pd->GetFieldData()->GetArray("time_s"));
  CHECK(pd->GetFieldData()->GetArray("time_s")->GetTuple1(0) == Approx(20.35));
  // every vein vertex carries its segment's values, every valve vertex its valve's state
  vtkIdType base = 0;
  int veins = 0, valves = 0;
  for (const auto& s : g.structures) {
    for (std::size_t v = 0; v < s.vertex_count(); v += 7) {
      const auto id = base + static_cast<vtkIdType>(v);
      const auto key = static_cast<std::size_t>(std::lround(s.attributes[v * kAttributeCount]));
      if (s.kind == StructureKind::Vein) {
        CHECK(p->GetTuple1(id) == Approx(Pa_to_mmHg(sim.state().pressure_Pa[key])).margin(1e-3));
        CHECK(a->GetTuple1(id) == Approx(sim.state().area_m2[key] * m.segments[key].inv_count * 1e6).margin(1e-3));
        ++veins;
      } else if (s.kind == StructureKind::Valve) {
        CHECK(z->GetTuple1(id) == Approx(sim.state().valve_state[key]).margin(1e-6));
        ++valves;
      } else {
        CHECK(std::isnan(p->GetTuple1(id)));
      }
    }
    base += static_cast<vtkIdType>(s.vertex_count());
  }
  CHECK(veins > 1000);
  CHECK(valves > 100);
  // the deformed positions, not the rest ones, are written
  const int soleus = g.find("soleus", StructureKind::Muscle);
  REQUIRE(soleus >= 0);
  vtkIdType off = 0;
  for (int i = 0; i < soleus; ++i) off += static_cast<vtkIdType>(g.structures[std::size_t(i)].vertex_count());
  double x[3];
  pd->GetPoint(off, x);
  CHECK(x[2] == Approx(g.structures[std::size_t(soleus)].positions[2]).margin(1e-6));
}

TEST_CASE("calfpump export writes a ParaView collection, the frames and the network's CSV", "[export][cli]") {
  const fs::path dir = tmp("healthy-tiptoe");
  fs::remove_all(dir);
  REQUIRE(run("export healthy-tiptoe --vtk " + dir.string() + " --duration 1 --fps 2") == 0);
  std::ifstream pvd(dir / "leg.pvd");
  std::stringstream ss;
  ss << pvd.rdbuf();
  const std::string text = ss.str();
  CHECK(text.find("timestep=\"0.500000\"") != std::string::npos);
  for (const char* f : {"frame_00000.vtp", "frame_00001.vtp", "frame_00002.vtp"}) {
    INFO(f);
    CHECK(text.find(f) != std::string::npos);
    const auto pd = read_vtp(dir / f);
    CHECK(pd->GetNumberOfPoints() > 10000);
    CHECK(pd->GetPointData()->GetArray("valve_state"));
  }
  CHECK(!fs::exists(dir / "frame_00003.vtp"));
  std::ifstream csv(dir / "network.csv");
  std::string line;
  int rows = 0;
  while (std::getline(csv, line)) ++rows;
  CHECK(rows == 4);  // header and three instants
  // an existing, non-empty folder is refused and left as it was
  CHECK(run("export healthy-tiptoe --vtk " + dir.string() + " --duration 1 --fps 2") == 2);
  CHECK(fs::exists(dir / "frame_00002.vtp"));
  CHECK(!fs::exists(dir.string() + ".partial"));
  fs::remove_all(dir);
}
