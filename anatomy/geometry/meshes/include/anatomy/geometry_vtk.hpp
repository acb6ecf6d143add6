#pragma once
// A structure's mesh as VTK poly data (points, triangles and, when present, normals), for the
// exporters and for checks with VTK's filters. Includes VTK: for geometry code and tests only.

#include <vtkPolyData.h>
#include <vtkSmartPointer.h>

#include "anatomy/geometry.hpp"

namespace calfpump::anatomy {

/// The mesh as poly data.
vtkSmartPointer<vtkPolyData> to_polydata(const StructureMesh& mesh);

}  // namespace calfpump::anatomy
