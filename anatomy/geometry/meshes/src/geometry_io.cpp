#include "anatomy/geometry_io.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <memory>
#include <span>
#include <sstream>

#include <assimp/BaseImporter.h>
#include <assimp/Importer.hpp>
#include <assimp/importerdesc.h>
#include <assimp/postprocess.h>
#include <assimp/scene.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
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

#include "anatomy/deform.hpp"
#include "anatomy/error.hpp"
#include "anatomy/geometry_vtk.hpp"
#include "anatomy/gltf.hpp"
#include "anatomy/similarity.hpp"
#include "anatomy/sweep.hpp"
#include "toml_reader.hpp"

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

// A binary glTF's header and chunk lengths must lie within the file: Assimp 5.2 allocates what a
// chunk header claims before it reads, so a 1 KiB file claiming a 4 GiB chunk made it allocate
// 4 GiB (found by tests/fuzz). Refused as "unreadable", as Assimp's own refusals are; files that
// are not binary glTF pass unchecked.
// Every accessor within its buffer view and every view within its buffer, before Assimp reads
// the file: Assimp 5.2.5 sizes its arrays from these numbers unchecked (a buffer view without its
// byteLength made it ask for 64 GiB: found by tests/fuzz). Buffers in the binary chunk are held to
// its length; the JSON must be valid UTF-8 JSON, as glTF requires.
void check_gltf_views(const fs::path& file, const std::string& text, std::uint64_t bin_bytes) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    refuse(file, "", fmt::format("unreadable mesh file: its JSON chunk is not valid JSON ({})", e.what()));
  }
  if (!j.is_object()) refuse(file, "", "unreadable mesh file: its JSON chunk is not an object");
  auto array = [&](const char* key) {
    const auto it = j.find(key);
    if (it == j.end()) return nlohmann::json::array();
    if (!it->is_array()) refuse(file, "", fmt::format("unreadable mesh file: '{}' is not an array", key));
    return *it;
  };
  auto whole = [&](const nlohmann::json& o, const char* key, std::uint64_t fallback, bool required, const std::string& where) {
    const auto it = o.find(key);
    if (it == o.end()) {
      if (required) refuse(file, "", fmt::format("unreadable mesh file: {} has no {}", where, key));
      return fallback;
    }
    if (!it->is_number_unsigned() || it->get<std::uint64_t>() > (std::uint64_t{1} << 40))
      refuse(file, "", fmt::format("unreadable mesh file: {}'s {} is not a whole number of a plausible size", where, key));
    return it->get<std::uint64_t>();
  };
  const nlohmann::json buffers = array("buffers"), views = array("bufferViews"), accessors = array("accessors");
  std::vector<std::uint64_t> buffer_bytes;
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    const std::string where = fmt::format("buffer {}", i);
    if (!buffers[i].is_object()) refuse(file, "", fmt::format("unreadable mesh file: {} is not an object", where));
    const std::uint64_t n = whole(buffers[i], "byteLength", 0, true, where);
    if (!buffers[i].contains("uri") && n > bin_bytes)
      refuse(file, "", fmt::format("unreadable mesh file: {} claims {} bytes; the binary chunk holds {}", where, n, bin_bytes));
    buffer_bytes.push_back(n);
  }
  std::vector<std::uint64_t> view_bytes, view_stride;
  for (std::size_t i = 0; i < views.size(); ++i) {
    const std::string where = fmt::format("buffer view {}", i);
    if (!views[i].is_object()) refuse(file, "", fmt::format("unreadable mesh file: {} is not an object", where));
    const std::uint64_t b = whole(views[i], "buffer", 0, true, where), off = whole(views[i], "byteOffset", 0, false, where);
    const std::uint64_t n = whole(views[i], "byteLength", 0, true, where);
    if (b >= buffer_bytes.size() || off + n > buffer_bytes[b])
      refuse(file, "", fmt::format("unreadable mesh file: {} ({} bytes at {}) lies outside its buffer", where, n, off));
    view_bytes.push_back(n);
    view_stride.push_back(whole(views[i], "byteStride", 0, false, where));
  }
  for (std::size_t i = 0; i < accessors.size(); ++i) {
    const std::string where = fmt::format("accessor {}", i);
    const nlohmann::json& a = accessors[i];
    if (!a.is_object()) refuse(file, "", fmt::format("unreadable mesh file: {} is not an object", where));
    const std::uint64_t count = whole(a, "count", 0, true, where), type = whole(a, "componentType", 0, true, where);
    const std::uint64_t component = type == 5120 || type == 5121 ? 1 : type == 5122 || type == 5123 ? 2 : type == 5125 || type == 5126 ? 4 : 0;
    const auto t = a.find("type");
    const std::string shape = t != a.end() && t->is_string() ? t->get<std::string>() : "";
    const std::uint64_t per = shape == "SCALAR" ? 1 : shape == "VEC2" ? 2 : shape == "VEC3" ? 3 : shape == "VEC4" || shape == "MAT2" ? 4
                            : shape == "MAT3" ? 9 : shape == "MAT4" ? 16 : 0;
    if (component == 0 || per == 0) refuse(file, "", fmt::format("unreadable mesh file: {} has no valid componentType and type", where));
    if (count == 0 || count > (std::uint64_t{1} << 27)) refuse(file, "", fmt::format("unreadable mesh file: {} counts {} elements", where, count));
    if (!a.contains("bufferView")) continue;  // zeros (or sparse values): nothing to read
    const std::uint64_t v = whole(a, "bufferView", 0, true, where), off = whole(a, "byteOffset", 0, false, where);
    if (v >= view_bytes.size()) refuse(file, "", fmt::format("unreadable mesh file: {} names buffer view {}, which is not there", where, v));
    const std::uint64_t element = component * per, stride = view_stride[v] ? view_stride[v] : element;
    if (off + (count - 1) * stride + element > view_bytes[v])
      refuse(file, "", fmt::format("unreadable mesh file: {} ({} elements) runs past its buffer view's {} bytes", where, count, view_bytes[v]));
  }
}

void check_glb_lengths(const fs::path& file, std::uintmax_t bytes) {
  std::ifstream in(file, std::ios::binary);
  std::uint32_t header[3] = {};  // magic, version, total length (little-endian, as on every target CalfPump builds for)
  if (!in.read(reinterpret_cast<char*>(header), sizeof header) || header[0] != 0x46546C67u) return;  // "glTF"
  if (header[2] > bytes) refuse(file, "", fmt::format("unreadable mesh file: the binary glTF claims {} bytes; the file holds {}", header[2], bytes));
  if (header[1] == 1) {  // glTF 1.0 binary: one content length after the header
    std::uint32_t content[2] = {};
    if (!in.read(reinterpret_cast<char*>(content), sizeof content) || std::uint64_t{content[0]} + 20 > header[2])
      refuse(file, "", "unreadable mesh file: the binary glTF's content runs past its end");
    return;
  }
  // glTF 2.0: chunks of [length, type, data], each within the claimed total length; the first
  // is the JSON, a second the binary buffer
  std::string json;
  std::uint64_t bin_bytes = 0;
  int index = 0;
  for (std::uint64_t at = 12; at < header[2]; ++index) {
    std::uint32_t chunk[2] = {};
    if (at + 8 > header[2] || !in.read(reinterpret_cast<char*>(chunk), sizeof chunk))
      refuse(file, "", "unreadable mesh file: the binary glTF ends inside a chunk header");
    if (at + 8 + std::uint64_t{chunk[0]} > header[2])
      refuse(file, "", fmt::format("unreadable mesh file: a binary glTF chunk of {} bytes runs past its end", chunk[0]));
    if (index == 0 && chunk[1] == 0x4E4F534Au) {  // "JSON"
      json.resize(chunk[0]);
      if (!in.read(json.data(), static_cast<std::streamsize>(chunk[0]))) refuse(file, "", "unreadable mesh file: its JSON chunk is cut short");
    }
    if (index == 1 && chunk[1] == 0x004E4942u) bin_bytes = chunk[0];  // "BIN\0"
    at += 8 + std::uint64_t{chunk[0]};
    in.seekg(static_cast<std::streamoff>(at));
  }
  check_gltf_views(file, json, bin_bytes);
}

// The mesh formats a user's atlas may come in: what the anatomy atlases publish (BodyParts3D and
// Z-Anatomy: OBJ, FBX; others: STL, PLY, COLLADA, OFF) and glTF.
constexpr std::array<const char*, 9> kUserMeshFormats = {"glb", "gltf", "obj", "stl", "ply", "fbx", "dae", "off", "3ds"};

// Leaves `importer` with the one reader that the file's extension names. Assimp otherwise hands a
// file that its reader refuses to every other reader's signature check, and one of those in 5.2.5
// reads past the end of a short file (a heap overflow found by tests/fuzz with a 60-byte file
// named .glb); a file is read as what its name says or refused.
void keep_only_reader_for(Assimp::Importer& importer, const fs::path& file, std::span<const char* const> formats) {
  std::string ext = file.extension().string();
  if (!ext.empty()) ext.erase(0, 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (std::find_if(formats.begin(), formats.end(), [&](const char* f) { return ext == f; }) == formats.end()) {
    std::string list;
    for (const char* f : formats) list += fmt::format("{}.{}", list.empty() ? "" : ", ", f);
    refuse(file, "", fmt::format("unknown mesh format '{}'; expected one of {}", ext.empty() ? "(none)" : "." + ext, list));
  }
  // the readers whose extension lists name it (.glb and .gltf: glTF 1.0's and 2.0's)
  std::vector<Assimp::BaseImporter*> others;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < importer.GetImporterCount(); ++i) {
    const aiImporterDesc* info = importer.GetImporterInfo(i);
    std::istringstream names(info && info->mFileExtensions ? info->mFileExtensions : "");
    bool claims = false;
    for (std::string name; names >> name;) claims = claims || name == ext;
    if (claims) ++kept;
    else others.push_back(importer.GetImporter(i));
  }
  if (kept == 0) refuse(file, "", fmt::format("this build's Assimp has no reader for .{} files", ext));
  for (Assimp::BaseImporter* reader : others) {
    importer.UnregisterLoader(reader);  // the importer deletes only the readers it still holds
    delete reader;
  }
}

// opens a mesh file with Assimp after checking that it exists, is not empty and not too large,
// with only the reader for one of `formats` that its extension names
const aiScene* import_checked(Assimp::Importer& importer, const fs::path& file, const MeshLimits& limits, unsigned flags,
                              std::span<const char* const> formats) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) refuse(file, "", "no such mesh file");
  const auto bytes = fs::file_size(file, ec);
  if (ec || bytes == 0) refuse(file, "", "the mesh file is empty");
  if (bytes > limits.max_file_bytes)
    refuse(file, "", fmt::format("the mesh file is {} MiB; at most {} MiB are accepted", bytes >> 20, limits.max_file_bytes >> 20));
  check_glb_lengths(file, bytes);
  keep_only_reader_for(importer, file, formats);
  const aiScene* scene = importer.ReadFile(file.string(), flags);
  if (!scene || !scene->mRootNode) refuse(file, "", fmt::format("unreadable mesh file: {}", importer.GetErrorString()));
  if (scene->mNumMeshes == 0) refuse(file, "", "the file holds no meshes");
  return scene;
}

}  // namespace

vtkSmartPointer<vtkPolyData> to_polydata(const StructureMesh& m) {
  vtkNew<vtkPoints> pts;
  for (std::size_t v = 0; v < m.vertex_count(); ++v) pts->InsertNextPoint(m.positions[3 * v], m.positions[3 * v + 1], m.positions[3 * v + 2]);
  vtkNew<vtkCellArray> tris;
  for (std::size_t t = 0; t < m.triangle_count(); ++t) {
    const vtkIdType ids[3] = {m.indices[3 * t], m.indices[3 * t + 1], m.indices[3 * t + 2]};
    tris->InsertNextCell(3, ids);
  }
  auto pd = vtkSmartPointer<vtkPolyData>::New();
  pd->SetPoints(pts);
  pd->SetPolys(tris);
  if (m.normals.size() == m.positions.size()) {
    vtkNew<vtkFloatArray> nrm;
    nrm->SetNumberOfComponents(3);
    nrm->SetName("Normals");
    for (std::size_t v = 0; v < m.vertex_count(); ++v) nrm->InsertNextTuple3(m.normals[3 * v], m.normals[3 * v + 1], m.normals[3 * v + 2]);
    pd->GetPointData()->SetNormals(nrm);
  }
  return pd;
}

void write_leg_glb(const LegGeometry& g, const fs::path& file) {
  gltf::Document doc;
  doc.generator = "CalfPump";
  // one material per kind present, in kind order
  std::array<bool, std::size(kKinds)> present{};
  for (const StructureMesh& s : g.structures) present[std::size_t(s.kind)] = true;
  std::array<int, std::size(kKinds)> material{};
  for (StructureKind k : kKinds)
    if (present[std::size_t(k)]) {
      material[std::size_t(k)] = int(doc.materials.size());
      doc.materials.push_back(gltf::tissue_material(k));
    }
  gltf::Node root;
  root.name = "leg";
  root.rotation = gltf::kLegToGltf;  // the leg's +Z up is glTF's +Y up; metres in both
  for (std::size_t si = 0; si < g.structures.size(); ++si) {
    const StructureMesh& s = g.structures[si];
    gltf::Primitive p;
    p.attributes.push_back({"POSITION", 3, s.positions});
    if (s.normals.size() == s.positions.size()) p.attributes.push_back({"NORMAL", 3, s.normals});
    // the deformation attributes, as TEXCOORD_0..3 pairs (no material samples a texture with them)
    if (s.attributes.size() == s.vertex_count() * kAttributeCount)
      for (unsigned c = 0; c < kChannels; ++c) {
        gltf::Attribute a{fmt::format("TEXCOORD_{}", c), 2, {}};
        a.values.reserve(2 * s.vertex_count());
        for (std::size_t v = 0; v < s.vertex_count(); ++v) {
          a.values.push_back(s.attributes[v * kAttributeCount + 2 * c]);
          // Assimp's glTF reader flips texture coordinates (v -> 1 - v) for its own convention;
          // written flipped here, it reads the attribute back as it was
          a.values.push_back(1.0f - s.attributes[v * kAttributeCount + 2 * c + 1]);
        }
        p.attributes.push_back(std::move(a));
      }
    p.indices = s.indices;
    p.material = material[std::size_t(s.kind)];
    const std::string name = fmt::format("{}:{}", structure_kind_name(s.kind), s.name);
    doc.meshes.push_back({name, {std::move(p)}, {}, {}});
    gltf::Node n;
    n.name = name;
    n.mesh = int(si);
    root.children.push_back(int(doc.nodes.size()));
    doc.nodes.push_back(std::move(n));
  }
  doc.scene = {int(doc.nodes.size())};
  doc.nodes.push_back(std::move(root));
  std::vector<std::uint8_t> bytes;
  try {
    bytes = gltf::to_glb(doc);
  } catch (const std::invalid_argument& e) {
    refuse(file, "", e.what());
  }
  atomically(file, [&](const fs::path& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    out.close();
    if (!out) refuse(file, "", "writing failed (disk full or no permission?)");
  });
}

LegGeometry read_leg_glb(const fs::path& file, const MeshLimits& limits) {
  Assimp::Importer importer;
  static constexpr std::array<const char*, 1> kLeg = {"glb"};
  const aiScene* scene = import_checked(importer, file, limits, 0, kLeg);
  LegGeometry g;
  std::size_t total = 0;
  // the structures' nodes, wherever they sit in the tree (under the root that turns the leg to
  // glTF's +Y up; older files had them at the top); their transforms are not applied: the
  // vertices are in leg coordinates
  std::vector<const aiNode*> found;
  for (std::vector<const aiNode*> todo{scene->mRootNode}; !todo.empty();) {
    const aiNode* node = todo.back();
    todo.pop_back();
    found.push_back(node);
    for (unsigned c = node->mNumChildren; c-- > 0;) todo.push_back(node->mChildren[c]);
  }
  for (const aiNode* node : found) {
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
      // normals and deformation attributes go to the GPU as they are: refused when not finite,
      // like positions (a NaN normal in a file passed before; found by tests/fuzz)
      const aiVector3D n = m->mNormals ? m->mNormals[v] : aiVector3D(0, 0, 1);
      if (!std::isfinite(n.x) || !std::isfinite(n.y) || !std::isfinite(n.z))
        refuse(file, name, fmt::format("the normal of vertex {} is not finite", v));
      s.normals.insert(s.normals.end(), {n.x, n.y, n.z});
      for (unsigned c = 0; c < kChannels; ++c) {
        const aiVector3D a = m->HasTextureCoords(c) ? m->mTextureCoords[c][v] : aiVector3D(0, 0, 0);
        if (!std::isfinite(a.x) || !std::isfinite(a.y))
          refuse(file, name, fmt::format("deformation attribute {} of vertex {} is not finite", c, v));
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
    vtkSmartPointer<vtkPolyData> pd = to_polydata(g.structures[si]);
    // which structure each triangle belongs to, for ParaView
    vtkNew<vtkIntArray> id;
    id->SetName("structure");
    for (vtkIdType t = 0; t < pd->GetNumberOfPolys(); ++t) id->InsertNextValue(static_cast<int>(si));
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

namespace calfpump::anatomy {

namespace {

// finds a mesh by node name (with the node's transform) or by mesh name
struct Found {
  const aiMesh* mesh = nullptr;
  aiMatrix4x4 transform;
};

bool find_node(const aiScene* scene, const aiNode* node, const aiMatrix4x4& parent, const std::string& name, Found& out) {
  const aiMatrix4x4 here = parent * node->mTransformation;
  if (name == node->mName.C_Str() && node->mNumMeshes > 0) {
    out.mesh = scene->mMeshes[node->mMeshes[0]];
    out.transform = here;
    return true;
  }
  for (unsigned i = 0; i < node->mNumMeshes; ++i)
    if (name == scene->mMeshes[node->mMeshes[i]]->mName.C_Str()) {
      out.mesh = scene->mMeshes[node->mMeshes[i]];
      out.transform = here;
      return true;
    }
  for (unsigned i = 0; i < node->mNumChildren; ++i)
    if (find_node(scene, node->mChildren[i], here, name, out)) return true;
  return false;
}

}  // namespace

LegGeometry load_user_leg(const fs::path& mapping_file, const fs::path& mesh_override, const LegDescription& leg,
                          const LegGeometry& generated, const MeshLimits& limits, MappingFit* fit_report) {
  const std::string mfile = mapping_file.string();
  toml::table root = detail::parse_toml_file(mfile);
  detail::TableReader top(root, mfile, "");
  fs::path mesh_path = mesh_override;
  double scale = 1.0;
  // file coordinates -> leg axes: row i picks the file axis (and sign) that is leg axis i
  std::array<std::array<double, 3>, 3> axes{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
  if (const toml::table* t = top.table("mesh", false)) {
    detail::TableReader r(*t, mfile, "mesh");
    const std::string f = r.string("file", std::string());
    if (mesh_path.empty() && !f.empty()) mesh_path = mapping_file.parent_path() / f;
    // from micrometres to kilometres per unit would be absurd; this range covers m, cm, mm, inches
    scale = r.number("scale", 1e-4, 10.0, 1.0);
    if (const toml::node* n = r.raw().get("axes")) {
      r.accept("axes");
      const auto* arr = n->as_array();
      const char* expect = "expected three of \"+x\", \"-x\", \"+y\", \"-y\", \"+z\", \"-z\": the file's axes along the leg's lateral (+x), anterior (+y) and up (+z)";
      if (!arr || arr->size() != 3) r.fail("axes", expect);
      std::array<bool, 3> used{};
      for (std::size_t i = 0; i < 3; ++i) {
        const auto* a = (*arr)[i].as_string();
        const std::string v = a ? a->get() : std::string();
        if (v.size() != 2 || (v[0] != '+' && v[0] != '-') || v[1] < 'x' || v[1] > 'z') r.fail_at((*arr)[i], "axes", expect);
        const auto k = static_cast<std::size_t>(v[1] - 'x');
        if (used[k]) r.fail_at((*arr)[i], "axes", fmt::format("the file's {} axis is named twice; each must be used once", v[1]));
        used[k] = true;
        axes[i] = {0, 0, 0};
        axes[i][k] = v[0] == '+' ? 1.0 : -1.0;
      }
    }
    if (r.boolean("mirror", false)) axes[0] = {-axes[0][0], -axes[0][1], -axes[0][2]};  // a left leg onto the right
    r.finish();
  }
  if (mesh_path.empty()) top.fail("mesh", "no mesh file: give [mesh] file = \"...\" or --mesh");
  const double handedness = axes[0][0] * (axes[1][1] * axes[2][2] - axes[1][2] * axes[2][1]) -
                            axes[0][1] * (axes[1][0] * axes[2][2] - axes[1][2] * axes[2][0]) +
                            axes[0][2] * (axes[1][0] * axes[2][1] - axes[1][1] * axes[2][0]);
  auto to_leg_axes = [&](const Point3& p) {
    return Point3{scale * (axes[0][0] * p[0] + axes[0][1] * p[1] + axes[0][2] * p[2]),
                  scale * (axes[1][0] * p[0] + axes[1][1] * p[1] + axes[1][2] * p[2]),
                  scale * (axes[2][0] * p[0] + axes[2][1] * p[1] + axes[2][2] * p[2])};
  };
  // then the placement: an explicit transform, or the similarity that fits the file's landmarks to
  // the description's, or none
  std::array<std::array<double, 4>, 3> place{{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}}};
  const toml::table* explicit_place = top.table("placement", false);
  const toml::table* landmarks = top.table("landmarks", false);
  if (explicit_place && landmarks)
    top.fail("landmarks", "give either [placement] transform or [landmarks], not both");
  if (explicit_place) {
    detail::TableReader r(*explicit_place, mfile, "placement");
    const toml::node* n = r.raw().get("transform");
    const auto* rows = n ? n->as_array() : nullptr;
    const char* expect = "expected a 3x4 matrix [[r00, r01, r02, tx], [r10, r11, r12, ty], [r20, r21, r22, tz]] (metres, after scale and axes)";
    if (!rows || rows->size() != 3) r.fail("transform", expect);
    r.accept("transform");
    for (std::size_t i = 0; i < 3; ++i) {
      const auto* row = (*rows)[i].as_array();
      if (!row || row->size() != 4) r.fail_at((*rows)[i], "transform", expect);
      for (std::size_t k = 0; k < 4; ++k) {
        const auto* v = (*row)[k].as_floating_point();
        const auto* iv = (*row)[k].as_integer();
        const double x = v ? v->get() : iv ? double(iv->get()) : std::nan("");
        if (!std::isfinite(x) || std::abs(x) > 100) r.fail_at((*row)[k], "transform", "expected a finite number of at most 100 in magnitude");
        place[i][k] = x;
      }
    }
    const double det = place[0][0] * (place[1][1] * place[2][2] - place[1][2] * place[2][1]) -
                       place[0][1] * (place[1][0] * place[2][2] - place[1][2] * place[2][0]) +
                       place[0][2] * (place[1][0] * place[2][1] - place[1][1] * place[2][0]);
    if (!(det > 1e-9)) r.fail("transform", "the matrix is singular or mirrors; mirror with [mesh] mirror = true");
    r.finish();
  }
  if (landmarks) {
    detail::TableReader r(*landmarks, mfile, "landmarks");
    std::vector<Point3> from, to;
    std::vector<std::string> names;
    for (auto&& [k, node] : *landmarks) {
      const std::string name(k.str());
      const auto it = std::find_if(leg.landmark_points.begin(), leg.landmark_points.end(), [&](const auto& l) { return l.first == name; });
      if (it == leg.landmark_points.end()) {
        std::string known;
        for (const auto& l : leg.landmark_points) known += (known.empty() ? "" : ", ") + l.first;
        r.fail(name, fmt::format("unknown landmark '{}'; the description has {}", name, known.empty() ? "none" : known));
      }
      // in the file's own units and axes, as the mesh's vertices are
      const Point3 p = r.point(name, -1e6, 1e6, "the mesh file's units");
      from.push_back(to_leg_axes(p));
      to.push_back(it->second);
      names.push_back(name);
    }
    r.finish();
    // four or more, not in one plane: only then does a mirrored mesh (a wrong axes or mirror) fit
    // worse than the right one
    if (from.size() < 4)
      top.fail("landmarks", fmt::format("expected at least four landmarks to fit a placement, found {}: three always lie in one plane, "
                                        "where a mirror image fits as well as the mesh", from.size()));
    if (off_plane_rms(to) < kMinLandmarkSpread_m)
      top.fail("landmarks", fmt::format("the landmarks lie within {:.1f} mm of one plane, where a mirror image fits as well as the mesh; "
                                        "add one off that plane", off_plane_rms(to) * 1e3));
    Similarity fit;
    try {
      fit = fit_similarity(from, to);
    } catch (const std::invalid_argument& e) {
      top.fail("landmarks", fmt::format("the landmarks cannot fix a placement: {}", std::string(e.what()).substr(std::string("fit_similarity: ").size())));
    }
    MappingFit mf;
    mf.fitted = true;
    mf.scale = fit.scale;
    double sum = 0;
    for (std::size_t i = 0; i < from.size(); ++i) {
      const Point3 q = fit.apply(from[i]);
      const double e = std::hypot(q[0] - to[i][0], q[1] - to[i][1], q[2] - to[i][2]);
      mf.residuals.emplace_back(names[i], e);
      sum += e * e;
      if (e > mf.worst_m) {
        mf.worst_m = e;
        mf.worst = names[i];
      }
    }
    mf.rms_m = std::sqrt(sum / double(from.size()));
    // an atlas differs from this leg by its subject's shape: centimetres would mean a wrong name,
    // axis or unit, not a different person
    if (mf.rms_m > kMaxLandmarkRms_m)
      top.fail("landmarks", fmt::format("the landmarks fit with a residual of {:.1f} mm RMS (worst {} {:.1f} mm), over {:.0f} mm: check their names, [mesh] axes and scale",
                                        mf.rms_m * 1e3, mf.worst, mf.worst_m * 1e3, kMaxLandmarkRms_m * 1e3));
    for (std::size_t i = 0; i < 3; ++i) {
      for (std::size_t k = 0; k < 3; ++k) place[i][k] = fit.scale * fit.rotation[i][k];
      place[i][3] = fit.translation[i];
    }
    if (fit_report) *fit_report = mf;
  }
  auto to_leg = [&](const Point3& p) {
    const Point3 a = to_leg_axes(p);
    return Point3{place[0][0] * a[0] + place[0][1] * a[1] + place[0][2] * a[2] + place[0][3],
                  place[1][0] * a[0] + place[1][1] * a[1] + place[1][2] * a[2] + place[1][3],
                  place[2][0] * a[0] + place[2][1] * a[1] + place[2][2] * a[2] + place[2][3]};
  };
  std::vector<std::pair<std::string, std::string>> binds;  // structure -> mesh name
  std::vector<const toml::node*> bind_nodes;
  {
    const toml::table* t = top.table("structures", true);
    for (auto&& [k, node] : *t) {
      const std::string structure(k.str());
      const auto* str = node.as_string();
      if (!str) top.fail_at(node, "structures." + structure, "expected the name of a mesh in the file (a string)");
      binds.emplace_back(structure, str->get());
      bind_nodes.push_back(&node);
    }
    if (binds.empty()) top.fail("structures", "expected at least one 'structure = \"mesh name\"' entry");
  }
  top.finish();

  Assimp::Importer importer;
  const aiScene* scene = import_checked(importer, mesh_path, limits, aiProcess_Triangulate | aiProcess_JoinIdenticalVertices, kUserMeshFormats);

  LegGeometry g = generated;
  const LegPaths paths = make_leg_paths(leg);
  std::size_t total = 0;
  bool any_muscle = false;
  for (std::size_t bi = 0; bi < binds.size(); ++bi) {
    const auto& [structure, mesh_name] = binds[bi];
    const std::string key = "structures." + structure;
    // which structure: a body or a vein of the leg
    StructureKind kind = StructureKind::Bone;
    int vessel = -1;
    if (const int b = leg.body_index(structure); b >= 0) {
      const BodyKind k = leg.bodies[std::size_t(b)].kind;
      kind = k == BodyKind::Skin ? StructureKind::Skin : k == BodyKind::Muscle ? StructureKind::Muscle
           : k == BodyKind::Tendon ? StructureKind::Tendon : StructureKind::Bone;
    } else if ((vessel = leg.vessel_index(structure)) >= 0 && leg.vessels[std::size_t(vessel)].compartment != Compartment::Central) {
      kind = StructureKind::Vein;
    } else {
      top.fail_at(*bind_nodes[bi], key, fmt::format("unknown structure '{}'; expected a bone, muscle, tendon, skin or vein of the leg description", structure));
    }
    Found f;
    if (!find_node(scene, scene->mRootNode, aiMatrix4x4(), mesh_name, f))
      top.fail_at(*bind_nodes[bi], key, fmt::format("no mesh or node named '{}' in {}", mesh_name, mesh_path.string()));
    const aiMesh* am = f.mesh;
    if (am->mNumVertices == 0 || am->mNumFaces == 0) refuse(mesh_path, mesh_name, "the mesh is empty");
    total += am->mNumVertices;
    if (total > limits.max_vertices)
      refuse(mesh_path, mesh_name, fmt::format("more than {} vertices in all; too large to use", limits.max_vertices));
    StructureMesh m;
    m.name = structure;
    m.kind = kind;
    m.closed = true;
    for (unsigned v = 0; v < am->mNumVertices; ++v) {
      const aiVector3D p = f.transform * am->mVertices[v];
      const Point3 q = to_leg({p.x, p.y, p.z});
      if (!std::isfinite(q[0]) || !std::isfinite(q[1]) || !std::isfinite(q[2]))
        refuse(mesh_path, mesh_name, fmt::format("vertex {} is not finite", v));
      m.positions.insert(m.positions.end(), {static_cast<float>(q[0]), static_cast<float>(q[1]), static_cast<float>(q[2])});
    }
    // a mirroring axis convention, or a mirroring node transform in the file, turns the triangles
    // inside out: wind them back
    const aiMatrix4x4& nt = f.transform;
    const double node_det = nt.a1 * (nt.b2 * nt.c3 - nt.b3 * nt.c2) - nt.a2 * (nt.b1 * nt.c3 - nt.b3 * nt.c1) + nt.a3 * (nt.b1 * nt.c2 - nt.b2 * nt.c1);
    const bool flip = handedness * node_det < 0;
    for (unsigned t = 0; t < am->mNumFaces; ++t)
      if (am->mFaces[t].mNumIndices == 3) {
        const unsigned* fi = am->mFaces[t].mIndices;
        m.indices.insert(m.indices.end(), {fi[0], flip ? fi[2] : fi[1], flip ? fi[1] : fi[2]});
      }
    if (m.indices.empty()) refuse(mesh_path, mesh_name, "the mesh has no triangles");
    compute_normals(m);
    m.attributes.assign(m.vertex_count() * kAttributeCount, 0.0f);
    if (kind == StructureKind::Muscle) {
      assign_muscle_attributes(m, leg);
      any_muscle = true;
    }
    if (kind == StructureKind::Vein) {
      // place along the vessel and angle around its centerline, from the centerline's frames
      const SweepPath& path = paths.vessels[std::size_t(vessel)];
      const VesselDesc& vd = leg.vessels[std::size_t(vessel)];
      for (std::size_t v = 0; v < m.vertex_count(); ++v) {
        const PathCoords c = path_coords(path, {m.positions[3 * v], m.positions[3 * v + 1], m.positions[3 * v + 2]});
        float* a = &m.attributes[v * kAttributeCount];
        // the nearest of the vessel's tubes, and the angle around its centre
        const PathFrame fr = path.at(c.s);
        const Point3 p{m.positions[3 * v], m.positions[3 * v + 1], m.positions[3 * v + 2]};
        int tube = 0;
        double best = 1e9;
        for (int k = 0; k < vd.count; ++k) {
          const Point3 q = tube_center(fr, vd.count, k);
          const double d = std::hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
          if (d < best) { best = d; tube = k; }
        }
        const Point3 q = tube_center(fr, vd.count, tube);
        const Point3 d{p[0] - q[0], p[1] - q[1], p[2] - q[2]};
        const double du = d[0] * fr.n[0] + d[1] * fr.n[1] + d[2] * fr.n[2], dv = d[0] * fr.b[0] + d[1] * fr.b[1] + d[2] * fr.b[2];
        a[0] = -1;  // segment: resolved by the deformation from t
        a[1] = static_cast<float>(c.s);
        a[2] = static_cast<float>(std::atan2(dv, du));
        a[3] = static_cast<float>(tube);
        a[4] = 1.0f;
        a[5] = static_cast<float>(vessel);
      }
    }
    const int existing = g.find(structure, kind);
    if (existing >= 0) g.structures[std::size_t(existing)] = std::move(m);
    else g.structures.push_back(std::move(m));
  }
  // a new muscle or skin changes what the skin follows
  if (any_muscle || g.find("skin", StructureKind::Skin) >= 0) assign_skin_attributes(g, leg);
  return g;
}

}  // namespace calfpump::anatomy
