#include "anatomy/geometry_io.hpp"

#include <cmath>
#include <memory>

#include <assimp/Exporter.hpp>
#include <assimp/Importer.hpp>
#include <assimp/scene.h>
#include <fmt/format.h>
#include <vtkAppendPolyData.h>
#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkFloatArray.h>
#include <vtkIntArray.h>
#include <vtkNew.h>
#include <vtkOBJWriter.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkSTLWriter.h>
#include <vtkXMLPolyDataWriter.h>

#include "anatomy/error.hpp"

namespace calfpump::anatomy {

namespace fs = std::filesystem;

namespace {

constexpr StructureKind kKinds[] = {StructureKind::Bone, StructureKind::Muscle, StructureKind::Tendon,
                                    StructureKind::Skin, StructureKind::Vein, StructureKind::Valve};
constexpr unsigned kChannels = kAttributeCount / 2;

[[noreturn]] void refuse(const fs::path& file, const std::string& key, const std::string& msg) {
  throw ConfigError(file.string(), 0, 0, key, msg);
}

// writes to FILE.partial, then renames: a failed write leaves nothing behind
template <class Write>
void atomically(const fs::path& file, Write&& write) {
  const fs::path tmp = file.string() + ".partial";
  std::error_code ec;
  try {
    write(tmp);
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    refuse(file, "", "cannot move the finished file into place");
  }
}

}  // namespace

void write_leg_glb(const LegGeometry& g, const fs::path& file) {
  auto scene = std::make_unique<aiScene>();
  scene->mRootNode = new aiNode("leg");
  scene->mNumMaterials = std::size(kKinds);
  scene->mMaterials = new aiMaterial*[scene->mNumMaterials];
  for (unsigned i = 0; i < scene->mNumMaterials; ++i) {
    scene->mMaterials[i] = new aiMaterial();
    aiString name(structure_kind_name(kKinds[i]));
    scene->mMaterials[i]->AddProperty(&name, AI_MATKEY_NAME);
  }
  scene->mNumMeshes = static_cast<unsigned>(g.structures.size());
  scene->mMeshes = new aiMesh*[scene->mNumMeshes];
  std::vector<aiNode*> nodes;
  for (unsigned si = 0; si < scene->mNumMeshes; ++si) {
    const StructureMesh& s = g.structures[si];
    const std::string node_name = fmt::format("{}:{}", structure_kind_name(s.kind), s.name);
    auto* m = new aiMesh();
    scene->mMeshes[si] = m;
    m->mName = node_name;
    m->mMaterialIndex = static_cast<unsigned>(s.kind);
    m->mPrimitiveTypes = aiPrimitiveType_TRIANGLE;
    const auto nv = static_cast<unsigned>(s.vertex_count());
    m->mNumVertices = nv;
    m->mVertices = new aiVector3D[nv];
    m->mNormals = new aiVector3D[nv];
    for (unsigned c = 0; c < kChannels; ++c) {
      m->mTextureCoords[c] = new aiVector3D[nv];
      m->mNumUVComponents[c] = 2;
    }
    for (unsigned v = 0; v < nv; ++v) {
      m->mVertices[v] = aiVector3D(s.positions[3 * v], s.positions[3 * v + 1], s.positions[3 * v + 2]);
      m->mNormals[v] = aiVector3D(s.normals[3 * v], s.normals[3 * v + 1], s.normals[3 * v + 2]);
      for (unsigned c = 0; c < kChannels; ++c)
        m->mTextureCoords[c][v] = aiVector3D(s.attributes[v * kAttributeCount + 2 * c], s.attributes[v * kAttributeCount + 2 * c + 1], 0);
    }
    const auto nf = static_cast<unsigned>(s.triangle_count());
    m->mNumFaces = nf;
    m->mFaces = new aiFace[nf];
    for (unsigned f = 0; f < nf; ++f) {
      m->mFaces[f].mNumIndices = 3;
      m->mFaces[f].mIndices = new unsigned[3]{s.indices[3 * f], s.indices[3 * f + 1], s.indices[3 * f + 2]};
    }
    auto* node = new aiNode(node_name);
    node->mNumMeshes = 1;
    node->mMeshes = new unsigned[1]{si};
    node->mParent = scene->mRootNode;
    nodes.push_back(node);
  }
  scene->mRootNode->addChildren(static_cast<unsigned>(nodes.size()), nodes.data());
  atomically(file, [&](const fs::path& tmp) {
    Assimp::Exporter exporter;
    if (exporter.Export(scene.get(), "glb2", tmp.string()) != AI_SUCCESS)
      refuse(file, "", fmt::format("cannot write glTF: {}", exporter.GetErrorString()));
  });
}

LegGeometry read_leg_glb(const fs::path& file, const MeshLimits& limits) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) refuse(file, "", "no such mesh file");
  const auto bytes = fs::file_size(file, ec);
  if (ec || bytes == 0) refuse(file, "", "the mesh file is empty");
  if (bytes > limits.max_file_bytes)
    refuse(file, "", fmt::format("the mesh file is {} MiB; at most {} MiB are accepted", bytes >> 20, limits.max_file_bytes >> 20));
  Assimp::Importer importer;
  const aiScene* scene = importer.ReadFile(file.string(), 0);
  if (!scene || !scene->mRootNode) refuse(file, "", fmt::format("unreadable mesh file: {}", importer.GetErrorString()));
  if (scene->mNumMeshes == 0) refuse(file, "", "the file holds no meshes");
  LegGeometry g;
  std::size_t total = 0;
  for (unsigned ni = 0; ni < scene->mRootNode->mNumChildren; ++ni) {
    const aiNode* node = scene->mRootNode->mChildren[ni];
    const std::string name = node->mName.C_Str();
    const auto colon = name.find(':');
    if (colon == std::string::npos || node->mNumMeshes != 1) continue;
    StructureMesh s;
    const std::string kind = name.substr(0, colon);
    s.name = name.substr(colon + 1);
    bool known = false;
    for (StructureKind k : kKinds)
      if (kind == structure_kind_name(k)) { s.kind = k; known = true; }
    if (!known) continue;
    s.closed = s.kind != StructureKind::Valve;
    const aiMesh* m = scene->mMeshes[node->mMeshes[0]];
    total += m->mNumVertices;
    if (total > limits.max_vertices)
      refuse(file, name, fmt::format("more than {} vertices; the file is too large to be a leg", limits.max_vertices));
    if (m->mNumVertices == 0 || m->mNumFaces == 0) refuse(file, name, "the mesh is empty");
    for (unsigned v = 0; v < m->mNumVertices; ++v) {
      const aiVector3D& p = m->mVertices[v];
      if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z))
        refuse(file, name, fmt::format("vertex {} is not finite", v));
      s.positions.insert(s.positions.end(), {p.x, p.y, p.z});
      const aiVector3D n = m->mNormals ? m->mNormals[v] : aiVector3D(0, 0, 1);
      s.normals.insert(s.normals.end(), {n.x, n.y, n.z});
      for (unsigned c = 0; c < kChannels; ++c) {
        const aiVector3D a = m->HasTextureCoords(c) ? m->mTextureCoords[c][v] : aiVector3D(0, 0, 0);
        s.attributes.insert(s.attributes.end(), {a.x, a.y});
      }
    }
    for (unsigned f = 0; f < m->mNumFaces; ++f) {
      if (m->mFaces[f].mNumIndices != 3) refuse(file, name, "the mesh has faces that are not triangles");
      for (unsigned k = 0; k < 3; ++k) s.indices.push_back(m->mFaces[f].mIndices[k]);
    }
    g.structures.push_back(std::move(s));
  }
  if (g.structures.empty()) refuse(file, "", "the file holds no named leg structures ('<kind>:<name>' nodes)");
  return g;
}

void check_leg_geometry(const LegGeometry& g, const LegDescription& leg, const std::string& file) {
  auto need = [&](const std::string& name, StructureKind kind) {
    const int i = g.find(name, kind);
    if (i < 0) throw ConfigError(file, 0, 0, fmt::format("{}:{}", structure_kind_name(kind), name), "missing structure: the model needs it");
    const StructureMesh& s = g.structures[std::size_t(i)];
    if (s.attributes.size() != s.vertex_count() * kAttributeCount)
      throw ConfigError(file, 0, 0, fmt::format("{}:{}", structure_kind_name(kind), name), "missing deformation attributes");
  };
  for (const auto& b : leg.bodies) {
    const StructureKind k = b.kind == BodyKind::Skin ? StructureKind::Skin : b.kind == BodyKind::Muscle ? StructureKind::Muscle
                          : b.kind == BodyKind::Tendon ? StructureKind::Tendon : StructureKind::Bone;
    need(b.name, k);
  }
  for (const auto& v : leg.vessels)
    if (v.compartment != Compartment::Central) need(v.name, StructureKind::Vein);
  for (const auto& v : leg.valves)
    if (leg.vessels[std::size_t(leg.vessel_index(v.vessel))].compartment != Compartment::Central) need(v.name, StructureKind::Valve);
}

void export_leg(const LegGeometry& g, const fs::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".glb") {
    write_leg_glb(g, file);
    return;
  }
  if (ext != ".obj" && ext != ".stl" && ext != ".vtp")
    refuse(file, "--export", "unknown format; expected a .glb, .obj, .stl or .vtp file");
  vtkNew<vtkAppendPolyData> append;
  for (std::size_t si = 0; si < g.structures.size(); ++si) {
    const StructureMesh& s = g.structures[si];
    vtkNew<vtkPoints> pts;
    vtkNew<vtkFloatArray> nrm;
    nrm->SetNumberOfComponents(3);
    nrm->SetName("Normals");
    for (std::size_t v = 0; v < s.vertex_count(); ++v) {
      pts->InsertNextPoint(s.positions[3 * v], s.positions[3 * v + 1], s.positions[3 * v + 2]);
      nrm->InsertNextTuple3(s.normals[3 * v], s.normals[3 * v + 1], s.normals[3 * v + 2]);
    }
    vtkNew<vtkCellArray> tris;
    vtkNew<vtkIntArray> id;
    id->SetName("structure");
    for (std::size_t t = 0; t < s.triangle_count(); ++t) {
      const vtkIdType ids[3] = {s.indices[3 * t], s.indices[3 * t + 1], s.indices[3 * t + 2]};
      tris->InsertNextCell(3, ids);
      id->InsertNextValue(static_cast<int>(si));
    }
    vtkNew<vtkPolyData> pd;
    pd->SetPoints(pts);
    pd->SetPolys(tris);
    pd->GetPointData()->SetNormals(nrm);
    pd->GetCellData()->AddArray(id);
    append->AddInputData(pd);
  }
  append->Update();
  atomically(file, [&](const fs::path& tmp) {
    int ok = 0;
    if (ext == ".obj") {
      vtkNew<vtkOBJWriter> w;
      w->SetFileName(tmp.string().c_str());
      w->SetInputData(append->GetOutput());
      ok = w->Write();
    } else if (ext == ".stl") {
      vtkNew<vtkSTLWriter> w;
      w->SetFileName(tmp.string().c_str());
      w->SetFileTypeToBinary();
      w->SetInputData(append->GetOutput());
      ok = w->Write();
    } else {
      vtkNew<vtkXMLPolyDataWriter> w;
      w->SetFileName(tmp.string().c_str());
      w->SetDataModeToAppended();
      w->SetInputData(append->GetOutput());
      ok = w->Write();
    }
    if (!ok) refuse(file, "--export", "writing failed (disk full or no permission?)");
  });
}

}  // namespace calfpump::anatomy
