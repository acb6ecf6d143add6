// The leg's meshes from its description. Bodies (bones, muscles, tendon, skin) are implicit
// surfaces: the smooth union of their sweeps' signed distances, sampled on a grid, contoured (VTK
// flying edges), smoothed (windowed sinc), decimated to a budget (quadric) and given consistent
// outward normals. Veins are tubes of rings along their centerlines and valves are pairs of
// leaflets, built directly so that every vertex knows its segment, place and angle.

#include <algorithm>
#include <cmath>
#include <numbers>

#include <fmt/format.h>
#include <vtkCellArray.h>
#include <vtkCleanPolyData.h>
#include <vtkFloatArray.h>
#include <vtkFlyingEdges3D.h>
#include <vtkIdList.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataNormals.h>
#include <vtkQuadricDecimation.h>
#include <vtkSmartPointer.h>
#include <vtkStaticPointLocator.h>
#include <vtkTriangleFilter.h>
#include <vtkWindowedSincPolyDataFilter.h>

#include "anatomy/deform.hpp"
#include "anatomy/error.hpp"
#include "anatomy/geometry.hpp"
#include "anatomy/geometry_build.hpp"
#include "anatomy/geometry_io.hpp"
#include "anatomy/model.hpp"
#include "anatomy/scenario.hpp"

namespace calfpump::anatomy {

namespace {

constexpr double kPi = std::numbers::pi;

// triangle budgets per kind: the whole leg stays well under 400k triangles
int budget(BodyKind k, const std::string& name) {
  switch (k) {
    case BodyKind::Skin: return 60000;
    case BodyKind::Muscle: return 14000;
    case BodyKind::Tendon: return 3000;
    case BodyKind::Bone: return name == "patella" ? 2000 : 10000;
  }
  return 10000;
}

// smooth minimum (union) of two distances, blending within k
double smin(double a, double b, double k) {
  const double h = std::clamp(0.5 + 0.5 * (b - a) / k, 0.0, 1.0);
  return b + (a - b) * h - k * h * (1.0 - h);
}

StructureKind kind_of(BodyKind k) {
  switch (k) {
    case BodyKind::Bone: return StructureKind::Bone;
    case BodyKind::Muscle: return StructureKind::Muscle;
    case BodyKind::Tendon: return StructureKind::Tendon;
    case BodyKind::Skin: return StructureKind::Skin;
  }
  return StructureKind::Bone;
}

StructureMesh from_polydata(vtkPolyData* pd, const std::string& name, StructureKind kind) {
  StructureMesh m;
  m.name = name;
  m.kind = kind;
  m.closed = true;
  vtkPoints* pts = pd->GetPoints();
  vtkDataArray* nrm = pd->GetPointData()->GetNormals();
  for (vtkIdType i = 0; i < pd->GetNumberOfPoints(); ++i) {
    double p[3];
    pts->GetPoint(i, p);
    for (double c : p) m.positions.push_back(static_cast<float>(c));
    double n[3] = {0, 0, 1};
    if (nrm) nrm->GetTuple(i, n);
    for (double c : n) m.normals.push_back(static_cast<float>(c));
  }
  vtkCellArray* polys = pd->GetPolys();
  vtkNew<vtkIdList> ids;
  for (polys->InitTraversal(); polys->GetNextCell(ids);)
    if (ids->GetNumberOfIds() == 3)
      for (vtkIdType k = 0; k < 3; ++k) m.indices.push_back(static_cast<std::uint32_t>(ids->GetId(k)));
  m.attributes.assign(m.vertex_count() * kAttributeCount, 0.0f);
  return m;
}

// offsets[i] > 0 grows sweep i by that much (the skin wraps the muscles with a subcutaneous layer)
StructureMesh build_body(const BodyDesc& body, const std::vector<SweepPath>& sweeps, const std::vector<double>& offsets, double h) {
  // bounds of the sweeps plus a margin of three cells
  double lo[3] = {1e9, 1e9, 1e9}, hi[3] = {-1e9, -1e9, -1e9};
  for (const auto& s : sweeps)
    for (const auto& f : s.frames) {
      const double r = std::max(f.rx, f.ry) + 0.01;
      for (int k = 0; k < 3; ++k) {
        lo[k] = std::min(lo[k], f.c[std::size_t(k)] - r - 3 * h);
        hi[k] = std::max(hi[k], f.c[std::size_t(k)] + r + 3 * h);
      }
    }
  int dims[3];
  for (int k = 0; k < 3; ++k) dims[k] = static_cast<int>(std::ceil((hi[k] - lo[k]) / h)) + 1;
  vtkNew<vtkImageData> grid;
  grid->SetDimensions(dims);
  grid->SetOrigin(lo);
  grid->SetSpacing(h, h, h);
  vtkNew<vtkFloatArray> field;
  field->SetName("distance");
  field->SetNumberOfTuples(static_cast<vtkIdType>(dims[0]) * dims[1] * dims[2]);
  // per-sweep bounding boxes: beyond them the distance to the box is a good enough (positive) value
  std::vector<std::array<double, 6>> boxes;
  for (const auto& s : sweeps) {
    std::array<double, 6> b = {1e9, 1e9, 1e9, -1e9, -1e9, -1e9};
    for (const auto& f : s.frames) {
      const double r = std::max(f.rx, f.ry);
      for (std::size_t k = 0; k < 3; ++k) {
        b[k] = std::min(b[k], f.c[k] - r);
        b[k + 3] = std::max(b[k + 3], f.c[k] + r);
      }
    }
    boxes.push_back(b);
  }
  constexpr double kBlend = 0.004;      // sweeps of one body merge over 4 mm
  constexpr double kWrapBlend = 0.012;  // the skin drapes over the muscles beneath it
  vtkIdType id = 0;
  for (int z = 0; z < dims[2]; ++z)
    for (int y = 0; y < dims[1]; ++y)
      for (int x = 0; x < dims[0]; ++x, ++id) {
        const Point3 p = {lo[0] + x * h, lo[1] + y * h, lo[2] + z * h};
        double d = 1e9;
        for (std::size_t i = 0; i < sweeps.size(); ++i) {
          double out = 0;
          for (std::size_t k = 0; k < 3; ++k) out = std::max({out, boxes[i][k] - p[k], p[k] - boxes[i][k + 3]});
          const double di = (out > 0.02 ? out : sweep_distance(sweeps[i], p)) - offsets[i];
          d = i == 0 ? di : smin(d, di, offsets[i] > 0 ? kWrapBlend : kBlend);
        }
        field->SetValue(id, static_cast<float>(d));
      }
  grid->GetPointData()->SetScalars(field);

  vtkNew<vtkFlyingEdges3D> contour;
  contour->SetInputData(grid);
  contour->SetValue(0, 0.0);
  contour->ComputeNormalsOff();
  contour->ComputeGradientsOff();
  contour->ComputeScalarsOff();
  vtkNew<vtkWindowedSincPolyDataFilter> smooth;
  smooth->SetInputConnection(contour->GetOutputPort());
  smooth->SetNumberOfIterations(20);
  smooth->SetPassBand(0.05);
  smooth->BoundarySmoothingOff();
  smooth->FeatureEdgeSmoothingOff();
  smooth->NonManifoldSmoothingOn();
  smooth->NormalizeCoordinatesOn();
  smooth->Update();
  vtkSmartPointer<vtkPolyData> surface = smooth->GetOutput();
  const int target = budget(body.kind, body.name);
  if (surface->GetNumberOfPolys() > target) {
    vtkNew<vtkQuadricDecimation> decimate;
    decimate->SetInputData(surface);
    decimate->SetTargetReduction(1.0 - static_cast<double>(target) / static_cast<double>(surface->GetNumberOfPolys()));
    decimate->VolumePreservationOn();
    decimate->Update();
    surface = decimate->GetOutput();
  }
  vtkNew<vtkCleanPolyData> clean;
  clean->SetInputData(surface);
  clean->SetTolerance(0.0);
  vtkNew<vtkTriangleFilter> tri;
  tri->SetInputConnection(clean->GetOutputPort());
  tri->PassVertsOff();
  tri->PassLinesOff();
  vtkNew<vtkPolyDataNormals> normals;
  normals->SetInputConnection(tri->GetOutputPort());
  normals->ConsistencyOn();
  normals->AutoOrientNormalsOn();
  normals->SplittingOff();
  normals->ComputePointNormalsOn();
  normals->ComputeCellNormalsOff();
  normals->Update();
  return from_polydata(normals->GetOutput(), body.name, kind_of(body.kind));
}

// local coordinates on the nearest sweep of a muscle
void muscle_attributes(const std::vector<SweepPath>& sweeps, int body, const Point3& p, float* a) {
  std::size_t best = 0;
  double best_d = 1e9;
  for (std::size_t i = 0; i < sweeps.size(); ++i) {
    const double d = sweep_distance(sweeps[i], p);
    if (d < best_d) { best_d = d; best = i; }
  }
  const PathCoords c = path_coords(sweeps[best], p);
  a[0] = static_cast<float>(body);
  a[1] = static_cast<float>(best);
  a[2] = static_cast<float>(c.s);
  a[3] = static_cast<float>(c.u);
  a[4] = static_cast<float>(c.v);
  a[5] = static_cast<float>(c.w);
}

void add_tube(StructureMesh& m, const LegDescription& leg, const Model& model, const SweepPath& path, int vi,
              int tube, const BuildOptions& o) {
  const VesselDesc& vd = leg.vessels[std::size_t(vi)];
  const int rings = std::max(2, static_cast<int>(std::ceil(path.length / o.vein_step_m)) + 1);
  const auto base = static_cast<std::uint32_t>(m.vertex_count());
  auto segment_at = [&](double t) {
    for (std::size_t i = 0; i < model.segments.size(); ++i) {
      const Segment& s = model.segments[i];
      if (s.vessel == vi && t >= s.s0 - 1e-9 && t <= s.s1 + 1e-9) return static_cast<int>(i);
    }
    return -1;
  };
  auto vertex = [&](double t, double theta, double radial) {
    const PathFrame f = path.at(t);
    const Point3 c = tube_center(f, vd.count, tube);
    const double r = f.rx * radial;
    for (int k = 0; k < 3; ++k)
      m.positions.push_back(static_cast<float>(c[std::size_t(k)] + r * (std::cos(theta) * f.n[std::size_t(k)] + std::sin(theta) * f.b[std::size_t(k)])));
    const float a[kAttributeCount] = {static_cast<float>(segment_at(t)), static_cast<float>(t), static_cast<float>(theta),
                                      static_cast<float>(tube), static_cast<float>(radial), static_cast<float>(vi), 0, 0};
    m.attributes.insert(m.attributes.end(), a, a + kAttributeCount);
  };
  for (int k = 0; k < rings; ++k)
    for (int j = 0; j < kVeinRing; ++j) vertex(static_cast<double>(k) / (rings - 1), 2 * kPi * j / kVeinRing, 1.0);
  vertex(0.0, 0.0, 0.0);  // cap centres
  vertex(1.0, 0.0, 0.0);
  const std::uint32_t c0 = base + static_cast<std::uint32_t>(rings * kVeinRing), c1 = c0 + 1;
  auto at = [&](int k, int j) { return base + static_cast<std::uint32_t>(k * kVeinRing + (j % kVeinRing)); };
  for (int k = 0; k + 1 < rings; ++k)
    for (int j = 0; j < kVeinRing; ++j) {
      // counter-clockwise seen from outside: (theta, then along t)
      m.indices.insert(m.indices.end(), {at(k, j), at(k, j + 1), at(k + 1, j)});
      m.indices.insert(m.indices.end(), {at(k, j + 1), at(k + 1, j + 1), at(k + 1, j)});
    }
  for (int j = 0; j < kVeinRing; ++j) {
    m.indices.insert(m.indices.end(), {c0, at(0, j + 1), at(0, j)});
    m.indices.insert(m.indices.end(), {c1, at(rings - 1, j), at(rings - 1, j + 1)});
  }
}

void add_leaflets(StructureMesh& m, const LegDescription& leg, const SweepPath& path, int valve, int vi, int tube) {
  const VesselDesc& vd = leg.vessels[std::size_t(vi)];
  const double t = valve_draw_t(path.length, leg.valves[std::size_t(valve)].at);
  PathFrame f = path.at(t);
  f.c = tube_center(f, vd.count, tube);
  constexpr int kU = 11, kV = 6;
  for (int leaflet = 0; leaflet < 2; ++leaflet) {
    const auto base = static_cast<std::uint32_t>(m.vertex_count());
    for (int i = 0; i < kU; ++i)
      for (int j = 0; j < kV; ++j) {
        const double u = static_cast<double>(i) / (kU - 1), v = static_cast<double>(j) / (kV - 1);
        const Point3 p = leaflet_point(f, f.rx, leaflet, u, v, 1.0, 0.0);  // rest pose: open
        for (double c : p) m.positions.push_back(static_cast<float>(c));
        const float a[kAttributeCount] = {static_cast<float>(valve), static_cast<float>(leaflet), static_cast<float>(u),
                                          static_cast<float>(v), static_cast<float>(tube), static_cast<float>(vi), 0, 0};
        m.attributes.insert(m.attributes.end(), a, a + kAttributeCount);
      }
    auto at = [&](int i, int j) { return base + static_cast<std::uint32_t>(i * kV + j); };
    for (int i = 0; i + 1 < kU; ++i)
      for (int j = 0; j + 1 < kV; ++j) {
        m.indices.insert(m.indices.end(), {at(i, j), at(i + 1, j), at(i + 1, j + 1)});
        m.indices.insert(m.indices.end(), {at(i, j), at(i + 1, j + 1), at(i, j + 1)});
      }
  }
}

}  // namespace

void assign_muscle_attributes(StructureMesh& m, const LegDescription& leg) {
  const int b = leg.body_index(m.name);
  if (b < 0) return;
  std::vector<SweepPath> sweeps;
  for (const auto& s : leg.bodies[std::size_t(b)].sweeps) sweeps.push_back(make_path(s.axis, s.radius_m));
  m.attributes.assign(m.vertex_count() * kAttributeCount, 0.0f);
  for (std::size_t v = 0; v < m.vertex_count(); ++v)
    muscle_attributes(sweeps, b, {m.positions[3 * v], m.positions[3 * v + 1], m.positions[3 * v + 2]}, &m.attributes[v * kAttributeCount]);
}

void assign_skin_attributes(LegGeometry& g, const LegDescription& leg) {
  // the skin follows the muscle surface beneath it: nearest muscle vertex, weight by distance
  vtkNew<vtkPoints> pts;
  std::vector<std::pair<std::size_t, std::size_t>> owner;  // (structure, vertex)
  for (std::size_t s = 0; s < g.structures.size(); ++s) {
    if (g.structures[s].kind != StructureKind::Muscle) continue;
    const int bi = leg.body_index(g.structures[s].name);
    if (bi < 0 || leg.bodies[std::size_t(bi)].shortening <= 0) continue;
    for (std::size_t v = 0; v < g.structures[s].vertex_count(); ++v) {
      const float* p = &g.structures[s].positions[3 * v];
      pts->InsertNextPoint(p[0], p[1], p[2]);
      owner.emplace_back(s, v);
    }
  }
  if (owner.empty()) return;
  vtkNew<vtkPolyData> cloud;
  cloud->SetPoints(pts);
  vtkNew<vtkStaticPointLocator> locator;
  locator->SetDataSet(cloud);
  locator->BuildLocator();
  for (auto& m : g.structures) {
    if (m.kind != StructureKind::Skin) continue;
    m.attributes.assign(m.vertex_count() * kAttributeCount, 0.0f);
    for (std::size_t v = 0; v < m.vertex_count(); ++v) {
      const double p[3] = {m.positions[3 * v], m.positions[3 * v + 1], m.positions[3 * v + 2]};
      double d2 = 0;
      const vtkIdType id = locator->FindClosestPointWithinRadius(0.03, p, d2);
      if (id < 0) continue;
      const auto [s, mv] = owner[std::size_t(id)];
      float* a = &m.attributes[v * kAttributeCount];
      std::copy_n(&g.structures[s].attributes[mv * kAttributeCount], 6, a);
      // full weight within 6 mm of the muscle, none beyond 25 mm (smoothstep between)
      const double d = std::sqrt(d2);
      const double u = std::clamp((d - 0.006) / (0.025 - 0.006), 0.0, 1.0);
      a[6] = static_cast<float>(1.0 - u * u * (3.0 - 2.0 * u));
    }
  }
}

LegGeometry build_leg_geometry(const LegDescription& leg, const BuildOptions& o) {
  LegGeometry g;
  const LegPaths paths = make_leg_paths(leg);
  const Model model = build_model(leg, healthy_condition(leg));

  // bodies
  for (std::size_t b = 0; b < leg.bodies.size(); ++b) {
    const BodyDesc& body = leg.bodies[b];
    const double h = body.kind == BodyKind::Skin ? o.skin_spacing_m : o.grid_spacing_m;
    std::vector<SweepPath> sweeps = paths.bodies[b];
    std::vector<double> offsets(sweeps.size(), 0.0);
    if (body.kind == BodyKind::Skin)
      // the skin wraps the muscles with about 5 mm of subcutaneous tissue, so the calf bulges
      for (std::size_t mb = 0; mb < leg.bodies.size(); ++mb)
        if (leg.bodies[mb].kind == BodyKind::Muscle)
          for (const auto& sw : paths.bodies[mb]) {
            sweeps.push_back(sw);
            offsets.push_back(0.005);
          }
    StructureMesh m = build_body(body, sweeps, offsets, h);
    if (m.triangle_count() == 0) throw ConfigError(leg.file.string(), 0, 0, "body." + body.name, "the shape encloses no volume");
    if (body.kind == BodyKind::Muscle || body.kind == BodyKind::Tendon) assign_muscle_attributes(m, leg);
    g.structures.push_back(std::move(m));
  }

  assign_skin_attributes(g, leg);

  // veins: one structure per vessel of the leg (the central outlet lies outside it)
  for (std::size_t vi = 0; vi < leg.vessels.size(); ++vi) {
    const VesselDesc& vd = leg.vessels[vi];
    if (vd.compartment == Compartment::Central) continue;
    StructureMesh m;
    m.name = vd.name;
    m.kind = StructureKind::Vein;
    m.closed = true;
    for (int tube = 0; tube < vd.count; ++tube) add_tube(m, leg, model, paths.vessels[vi], static_cast<int>(vi), tube, o);
    compute_normals(m);
    g.structures.push_back(std::move(m));
  }
  // valves: a pair of leaflets in each vein at the site
  for (std::size_t k = 0; k < leg.valves.size(); ++k) {
    const int vi = leg.vessel_index(leg.valves[k].vessel);
    const VesselDesc& vd = leg.vessels[std::size_t(vi)];
    if (vd.compartment == Compartment::Central) continue;
    StructureMesh m;
    m.name = leg.valves[k].name;
    m.kind = StructureKind::Valve;
    m.closed = false;
    for (int tube = 0; tube < vd.count; ++tube) add_leaflets(m, leg, paths.vessels[std::size_t(vi)], static_cast<int>(k), vi, tube);
    compute_normals(m);
    g.structures.push_back(std::move(m));
  }
  return g;
}

}  // namespace calfpump::anatomy
