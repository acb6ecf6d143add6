#include "anatomy/gltf.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <utility>
#include <stdexcept>

#include <fmt/format.h>
#include <meshoptimizer.h>
#include <nlohmann/json.hpp>

namespace calfpump::anatomy::gltf {

namespace {

using Json = nlohmann::ordered_json;  // keys in insertion order: the same document, the same bytes

constexpr int kFloat = 5126, kByte = 5120, kShort = 5122, kUnsignedShort = 5123, kUnsignedInt = 5125;
constexpr int kArrayBuffer = 34962, kElementArrayBuffer = 34963;

[[noreturn]] void invalid(const std::string& what) { throw std::invalid_argument("glTF document: " + what); }

const char* type_of(int components) {
  switch (components) {
    case 1: return "SCALAR";
    case 2: return "VEC2";
    case 3: return "VEC3";
    case 4: return "VEC4";
  }
  invalid(fmt::format("{} components per element; 1 to 4 are written", components));
}

// a factor as written: six decimals are more than 8-bit colour needs, and read well
double tidy(float v) { return std::round(double(v) * 1e6) / 1e6; }

Json array_of(const float* v, std::size_t n, bool tidy_values) {
  Json a = Json::array();
  for (std::size_t i = 0; i < n; ++i) a.push_back(tidy_values ? tidy(v[i]) : double(v[i]));
  return a;
}

class Writer {
 public:
  Json views = Json::array(), accessors = Json::array();
  std::vector<std::uint8_t> bin;

  // one view's place in `bin`, and how EXT_meshopt_compression would code it
  struct Raw {
    std::size_t offset = 0, bytes = 0, stride = 0;
    bool triangles = false;
  };
  std::vector<Raw> raw;

  int view(const void* data, std::size_t bytes, int target, std::size_t stride, bool triangles = false) {
    while (bin.size() % 4) bin.push_back(0);  // every view starts 4-byte aligned
    Json v;
    v["buffer"] = 0;
    v["byteOffset"] = bin.size();
    v["byteLength"] = bytes;
    if (target) v["target"] = target;
    raw.push_back({bin.size(), bytes, stride, triangles});
    const auto* p = static_cast<const std::uint8_t*>(data);
    bin.insert(bin.end(), p, p + bytes);
    views.push_back(std::move(v));
    return int(views.size()) - 1;
  }

  // a float accessor; bounds are written where the specification requires them (POSITION,
  // animation inputs) and where asked
  int floats(const std::vector<float>& values, int components, int target, bool bounds, const std::string& what) {
    if (values.empty() || values.size() % std::size_t(components))
      invalid(fmt::format("{}: {} values do not make whole {}-component elements", what, values.size(), components));
    for (std::size_t i = 0; i < values.size(); ++i)
      if (!std::isfinite(values[i])) invalid(fmt::format("{}: value {} is not finite", what, i));
    const std::size_t count = values.size() / std::size_t(components);
    Json a;
    a["bufferView"] = view(values.data(), values.size() * sizeof(float), target, std::size_t(components) * sizeof(float));
    a["componentType"] = kFloat;
    a["count"] = count;
    a["type"] = type_of(components);
    if (bounds) {
      std::vector<float> lo(std::size_t(components), std::numeric_limits<float>::infinity()), hi(lo.size(), -lo[0]);
      for (std::size_t i = 0; i < count; ++i)
        for (std::size_t c = 0; c < lo.size(); ++c) {
          lo[c] = std::min(lo[c], values[i * lo.size() + c]);
          hi[c] = std::max(hi[c], values[i * lo.size() + c]);
        }
      a["min"] = array_of(lo.data(), lo.size(), false);  // exact: validators compare them with the data
      a["max"] = array_of(hi.data(), hi.size(), false);
    }
    accessors.push_back(std::move(a));
    return int(accessors.size()) - 1;
  }

  // morph displacements as normalized signed integers (KHR_mesh_quantization): every element
  // padded to 4 bytes, as vertex data must be
  int quantized(const std::vector<float>& values, int components, Storage storage, bool bounds, const std::string& what) {
    if (values.empty() || values.size() % std::size_t(components))
      invalid(fmt::format("{}: {} values do not make whole {}-component elements", what, values.size(), components));
    const bool wide = storage == Storage::Normalized16;
    const int top = wide ? 32767 : 127;
    const std::size_t size = wide ? 2 : 1, count = values.size() / std::size_t(components);
    const std::size_t stride = (std::size_t(components) * size + 3) / 4 * 4;
    std::vector<std::uint8_t> data(count * stride, 0);
    std::vector<int> lo(std::size_t(components), top), hi(std::size_t(components), -top);
    for (std::size_t i = 0; i < count; ++i)
      for (std::size_t c = 0; c < std::size_t(components); ++c) {
        const float v = values[i * std::size_t(components) + c];
        if (!std::isfinite(v) || std::abs(v) > 1.0f) invalid(fmt::format("{}: value {} ({}) is outside [-1, 1]", what, i, v));
        const int q = int(std::lround(double(v) * top));
        lo[c] = std::min(lo[c], q);
        hi[c] = std::max(hi[c], q);
        if (wide) {
          const auto w = std::int16_t(q);
          std::memcpy(&data[i * stride + 2 * c], &w, 2);
        } else {
          data[i * stride + c] = std::uint8_t(std::int8_t(q));
        }
      }
    quantization = true;
    Json a;
    a["bufferView"] = view(data.data(), data.size(), kArrayBuffer, stride);
    views.back()["byteStride"] = stride;
    a["componentType"] = wide ? kShort : kByte;
    a["normalized"] = true;
    a["count"] = count;
    a["type"] = type_of(components);
    if (bounds) {  // a normalized integer accessor's bounds are its stored integers
      Json mn = Json::array(), mx = Json::array();
      for (std::size_t c = 0; c < lo.size(); ++c) {
        mn.push_back(lo[c]);
        mx.push_back(hi[c]);
      }
      a["min"] = std::move(mn);
      a["max"] = std::move(mx);
    }
    accessors.push_back(std::move(a));
    return int(accessors.size()) - 1;
  }

  // an animation's keys or values, written once however many samplers share them
  int shared_floats(const std::vector<float>& values, int components, bool bounds, const std::string& what) {
    const auto key = std::make_pair(values, components * 2 + (bounds ? 1 : 0));
    if (auto it = shared.find(key); it != shared.end()) return it->second;
    const int a = floats(values, components, 0, bounds, what);
    shared.emplace(key, a);
    return a;
  }

  bool quantization = false;
  std::map<std::pair<std::vector<float>, int>, int> shared;

  int indices(const std::vector<std::uint32_t>& idx, std::size_t vertex_count, const std::string& what) {
    if (idx.empty() || idx.size() % 3) invalid(fmt::format("{}: {} indices do not make whole triangles", what, idx.size()));
    const std::uint32_t top = *std::max_element(idx.begin(), idx.end());
    if (top >= vertex_count) invalid(fmt::format("{}: index {} is past the {} vertices", what, top, vertex_count));
    Json a;
    // 16-bit where they fit; 65535 is the primitive-restart value and may not be an index
    if (top < 65535) {
      std::vector<std::uint16_t> small(idx.begin(), idx.end());
      a["bufferView"] = view(small.data(), small.size() * 2, kElementArrayBuffer, 2, true);
      a["componentType"] = kUnsignedShort;
    } else {
      a["bufferView"] = view(idx.data(), idx.size() * 4, kElementArrayBuffer, 4, true);
      a["componentType"] = kUnsignedInt;
    }
    a["count"] = idx.size();
    a["type"] = "SCALAR";
    accessors.push_back(std::move(a));
    return int(accessors.size()) - 1;
  }
};

// normals as unit vectors: float rounding is put right, anything further from unit is an error
std::vector<float> unit_normals(const Attribute& a, const std::string& what) {
  if (a.components != 3) invalid(fmt::format("{}: NORMAL has {} components; it has 3", what, a.components));
  std::vector<float> out = a.values;
  for (std::size_t i = 0; i + 2 < out.size(); i += 3) {
    const double len = std::sqrt(double(out[i]) * out[i] + double(out[i + 1]) * out[i + 1] + double(out[i + 2]) * out[i + 2]);
    if (!(std::abs(len - 1.0) < 0.01)) invalid(fmt::format("{}: normal {} has length {:.4g}", what, i / 3, len));
    for (int c = 0; c < 3; ++c) out[i + std::size_t(c)] = float(out[i + std::size_t(c)] / len);
  }
  return out;
}

}  // namespace

// How a kind looks in a glTF viewer (PBR metallic-roughness, linear colour): the atlas colours;
// skin and vein walls blended and double-sided, so that the muscles, the veins and the blood show
// through them as in CalfPump's own pictures. The alphas are higher than the renderer's layer
// opacities (skin 0.16, veins 0.30) because a web viewer draws the see-through surfaces without
// sorting them by depth within a mesh, and lower values left the leg's outline unreadable.
// Valve leaflets are open sheets and are seen from both sides. Roughness: wet tissue is glossier
// than bone or skin.
Material tissue_material(StructureKind k) {
  const TissueColour c = atlas_colour(k);
  Material m;
  m.name = structure_kind_name(k);
  m.base_colour = {srgb_to_linear(c.r), srgb_to_linear(c.g), srgb_to_linear(c.b), 1.0f};
  switch (k) {
    case StructureKind::Bone: m.roughness = 0.55f; break;
    case StructureKind::Muscle: m.roughness = 0.5f; break;
    case StructureKind::Tendon: m.roughness = 0.4f; break;
    case StructureKind::Skin:
      m.roughness = 0.65f;
      m.base_colour[3] = 0.28f;
      m.blend = m.double_sided = true;
      break;
    case StructureKind::Vein:
      m.roughness = 0.35f;
      m.base_colour[3] = 0.45f;
      m.blend = m.double_sided = true;
      break;
    case StructureKind::Valve:
      m.roughness = 0.4f;
      m.double_sided = true;
      break;
  }
  return m;
}

float srgb_to_linear(float c) {
  return c <= 0.04045f ? c / 12.92f : std::pow((c + 0.055f) / 1.055f, 2.4f);
}

std::vector<std::uint8_t> to_glb(const Document& doc) {
  Writer w;
  Json root;
  root["asset"]["version"] = "2.0";
  root["asset"]["generator"] = doc.generator;
  if (!doc.copyright.empty()) root["asset"]["copyright"] = doc.copyright;

  if (!doc.materials.empty()) {
    Json mats = Json::array();
    for (const Material& m : doc.materials) {
      Json j;
      j["name"] = m.name;
      j["pbrMetallicRoughness"]["baseColorFactor"] = array_of(m.base_colour.data(), 4, true);
      j["pbrMetallicRoughness"]["metallicFactor"] = tidy(m.metallic);
      j["pbrMetallicRoughness"]["roughnessFactor"] = tidy(m.roughness);
      if (m.blend) j["alphaMode"] = "BLEND";
      if (m.double_sided) j["doubleSided"] = true;
      mats.push_back(std::move(j));
    }
    root["materials"] = std::move(mats);
  }

  Json meshes = Json::array();
  for (std::size_t mi = 0; mi < doc.meshes.size(); ++mi) {
    const Mesh& mesh = doc.meshes[mi];
    const std::string what = fmt::format("mesh '{}'", mesh.name);
    Json jm;
    jm["name"] = mesh.name;
    Json prims = Json::array();
    for (const Primitive& p : mesh.primitives) {
      std::size_t vertices = 0;
      for (const Attribute& a : p.attributes)
        if (a.name == "POSITION") vertices = a.values.size() / std::size_t(std::max(a.components, 1));
      if (vertices == 0) invalid(what + ": a primitive without POSITION");
      Json jp, attrs;
      for (const Attribute& a : p.attributes) {
        if (a.values.size() != vertices * std::size_t(a.components))
          invalid(fmt::format("{}: {} holds {} values for {} vertices", what, a.name, a.values.size(), vertices));
        if (a.storage != Storage::Float) invalid(fmt::format("{}: {} is quantized; only morph displacements are", what, a.name));
        const bool normal = a.name == "NORMAL";
        attrs[a.name] = w.floats(normal ? unit_normals(a, what) : a.values, a.components, kArrayBuffer, a.name == "POSITION",
                                 what + " " + a.name);
      }
      jp["attributes"] = std::move(attrs);
      jp["indices"] = w.indices(p.indices, vertices, what);
      if (p.material >= 0) {
        if (std::size_t(p.material) >= doc.materials.size()) invalid(fmt::format("{}: material {} does not exist", what, p.material));
        jp["material"] = p.material;
      }
      if (!p.targets.empty()) {
        if (!mesh.weights.empty() && mesh.weights.size() != p.targets.size())
          invalid(fmt::format("{}: {} weights for {} morph targets", what, mesh.weights.size(), p.targets.size()));
        Json targets = Json::array();
        for (const MorphTarget& t : p.targets) {
          Json jt;
          for (const Attribute& a : t.attributes) {
            if (a.values.size() != vertices * std::size_t(a.components))
              invalid(fmt::format("{}: morph {} holds {} values for {} vertices", what, a.name, a.values.size(), vertices));
            jt[a.name] = a.storage == Storage::Float
                             ? w.floats(a.values, a.components, kArrayBuffer, a.name == "POSITION", what + " morph " + a.name)
                             : w.quantized(a.values, a.components, a.storage, a.name == "POSITION", what + " morph " + a.name);
          }
          targets.push_back(std::move(jt));
        }
        jp["targets"] = std::move(targets);
      }
      prims.push_back(std::move(jp));
    }
    jm["primitives"] = std::move(prims);
    if (!mesh.weights.empty()) jm["weights"] = array_of(mesh.weights.data(), mesh.weights.size(), false);
    if (!mesh.target_names.empty()) jm["extras"]["targetNames"] = mesh.target_names;
    meshes.push_back(std::move(jm));
  }
  if (!meshes.empty()) root["meshes"] = std::move(meshes);

  Json nodes = Json::array();
  for (std::size_t ni = 0; ni < doc.nodes.size(); ++ni) {
    const Node& n = doc.nodes[ni];
    Json j;
    j["name"] = n.name;
    if (n.mesh >= 0) {
      if (std::size_t(n.mesh) >= doc.meshes.size()) invalid(fmt::format("node '{}': mesh {} does not exist", n.name, n.mesh));
      j["mesh"] = n.mesh;
    }
    if (!n.children.empty()) {
      for (int c : n.children)
        if (c < 0 || std::size_t(c) >= doc.nodes.size() || std::size_t(c) == ni)
          invalid(fmt::format("node '{}': child {} does not exist", n.name, c));
      j["children"] = n.children;
    }
    if (n.translation) j["translation"] = array_of(n.translation->data(), 3, false);
    if (n.rotation) j["rotation"] = array_of(n.rotation->data(), 4, false);
    if (n.scale) j["scale"] = array_of(n.scale->data(), 3, false);
    nodes.push_back(std::move(j));
  }
  if (!nodes.empty()) root["nodes"] = std::move(nodes);
  root["scene"] = 0;
  root["scenes"] = Json::array({Json{{"nodes", doc.scene}}});

  if (!doc.animations.empty()) {
    Json anims = Json::array();
    for (const Animation& a : doc.animations) {
      Json ja, samplers = Json::array(), channels = Json::array();
      ja["name"] = a.name;
      std::vector<bool> weights(a.samplers.size(), false);  // a weights sampler's outputs are scalars
      for (const Channel& c : a.channels)
        if (c.path == "weights" && c.sampler >= 0 && std::size_t(c.sampler) < weights.size()) weights[std::size_t(c.sampler)] = true;
      for (std::size_t si = 0; si < a.samplers.size(); ++si) {
        const Sampler& s = a.samplers[si];
        const std::string what = fmt::format("animation '{}' sampler {}", a.name, si);
        for (std::size_t k = 1; k < s.times.size(); ++k)
          if (!(s.times[k] > s.times[k - 1])) invalid(what + ": key times do not increase");
        if (s.values.size() != s.times.size() * std::size_t(s.components))
          invalid(fmt::format("{}: {} values for {} keys of {} components", what, s.values.size(), s.times.size(), s.components));
        Json js;
        js["input"] = w.shared_floats(s.times, 1, true, what + " input");
        js["interpolation"] = s.step ? "STEP" : "LINEAR";
        js["output"] = w.shared_floats(s.values, weights[si] ? 1 : s.components, false, what + " output");
        samplers.push_back(std::move(js));
      }
      for (const Channel& c : a.channels) {
        if (c.sampler < 0 || std::size_t(c.sampler) >= a.samplers.size() || c.node < 0 || std::size_t(c.node) >= doc.nodes.size())
          invalid(fmt::format("animation '{}': a channel names a sampler or node that does not exist", a.name));
        Json jc;
        jc["sampler"] = c.sampler;
        jc["target"]["node"] = c.node;
        jc["target"]["path"] = c.path;
        channels.push_back(std::move(jc));
      }
      ja["channels"] = std::move(channels);
      ja["samplers"] = std::move(samplers);
      anims.push_back(std::move(ja));
    }
    root["animations"] = std::move(anims);
  }

  Json extensions = Json::array();
  if (w.quantization) extensions.push_back("KHR_mesh_quantization");
  if (doc.meshopt_compression && !w.bin.empty()) extensions.push_back("EXT_meshopt_compression");
  if (!extensions.empty()) {
    root["extensionsUsed"] = extensions;
    root["extensionsRequired"] = extensions;  // no reader shows the file right without them
  }
  while (w.bin.size() % 4) w.bin.push_back(0);
  if (!w.bin.empty() && doc.meshopt_compression) {
    // EXT_meshopt_compression: every view coded by meshoptimizer into the file's buffer (0); the
    // views keep their places in a buffer (1) that holds no data, the decoded layout
    std::vector<std::uint8_t> packed;
    for (std::size_t i = 0; i < w.raw.size(); ++i) {
      const Writer::Raw& r = w.raw[i];
      const std::size_t count = r.bytes / r.stride;
      std::vector<std::uint8_t> coded;
      if (r.triangles) {
        std::vector<unsigned> idx(count);
        for (std::size_t k = 0; k < count; ++k) {
          if (r.stride == 2) {
            std::uint16_t v;
            std::memcpy(&v, &w.bin[r.offset + 2 * k], 2);
            idx[k] = v;
          } else {
            std::memcpy(&idx[k], &w.bin[r.offset + 4 * k], 4);
          }
        }
        coded.resize(meshopt_encodeIndexBufferBound(count, count));
        coded.resize(meshopt_encodeIndexBuffer(coded.data(), coded.size(), idx.data(), count));
      } else {
        coded.resize(meshopt_encodeVertexBufferBound(count, r.stride));
        coded.resize(meshopt_encodeVertexBuffer(coded.data(), coded.size(), &w.bin[r.offset], count, r.stride));
      }
      if (coded.empty()) invalid(fmt::format("view {} could not be compressed", i));
      while (packed.size() % 4) packed.push_back(0);
      Json& v = w.views[i];
      v["buffer"] = 1;
      if (!r.triangles && v.contains("target")) v["byteStride"] = r.stride;  // vertex data
      v["extensions"]["EXT_meshopt_compression"] = {{"buffer", 0},        {"byteOffset", packed.size()}, {"byteLength", coded.size()},
                                                    {"byteStride", r.stride}, {"count", count},
                                                    {"mode", r.triangles ? "TRIANGLES" : "ATTRIBUTES"}};
      packed.insert(packed.end(), coded.begin(), coded.end());
    }
    while (packed.size() % 4) packed.push_back(0);
    root["buffers"] = Json::array({Json{{"byteLength", packed.size()}},
                                   Json{{"byteLength", w.bin.size()}, {"extensions", {{"EXT_meshopt_compression", {{"fallback", true}}}}}}});
    root["bufferViews"] = std::move(w.views);
    root["accessors"] = std::move(w.accessors);
    w.bin = std::move(packed);
  } else if (!w.bin.empty()) {
    root["buffers"] = Json::array({Json{{"byteLength", w.bin.size()}}});
    root["bufferViews"] = std::move(w.views);
    root["accessors"] = std::move(w.accessors);
  }

  std::string text = root.dump();
  while (text.size() % 4) text.push_back(' ');  // the JSON chunk is padded with spaces
  const std::size_t total = 12 + 8 + text.size() + (w.bin.empty() ? 0 : 8 + w.bin.size());
  if (total > std::numeric_limits<std::uint32_t>::max()) invalid("the file would pass 4 GiB");
  std::vector<std::uint8_t> out;
  out.reserve(total);
  auto u32 = [&](std::uint32_t v) {
    for (int b = 0; b < 4; ++b) out.push_back(std::uint8_t(v >> (8 * b)));
  };
  u32(0x46546C67u);  // "glTF"
  u32(2);
  u32(std::uint32_t(total));
  u32(std::uint32_t(text.size()));
  u32(0x4E4F534Au);  // "JSON"
  out.insert(out.end(), text.begin(), text.end());
  if (!w.bin.empty()) {
    u32(std::uint32_t(w.bin.size()));
    u32(0x004E4942u);  // "BIN\0"
    out.insert(out.end(), w.bin.begin(), w.bin.end());
  }
  return out;
}

}  // namespace calfpump::anatomy::gltf
