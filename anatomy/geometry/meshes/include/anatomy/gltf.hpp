#pragma once
// A glTF 2.0 document as plain data, and its binary (.glb) form. The one writer of every glTF the
// project writes, so that each follows the specification's conventions the same way: accessors
// with the bounds the specification requires, vertex data 4-byte aligned in views with their
// targets, unit normals, materials in PBR metallic-roughness, no extension that is not declared
// in extensionsUsed, and the same bytes for the same document (no time stamp, fixed key order).
//
// Coordinates: glTF is +Y up, metres, right-handed. The leg is +Z up, metres; a writer puts the
// leg's nodes under a root node that turns +Z to +Y (kLegToGltf) rather than converting vertices,
// so the leg's own tools read the same numbers back.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "anatomy/geometry.hpp"

namespace calfpump::anatomy::gltf {

/// A rotation (x, y, z, w) of -90 degrees about +X: the leg's +Z up becomes glTF's +Y up, and the
/// leg's +Y (anterior) becomes glTF's -Z.
inline constexpr std::array<float, 4> kLegToGltf = {-0.70710678f, 0.0f, 0.0f, 0.70710678f};

struct Material {
  std::string name;
  std::array<float, 4> base_colour{1, 1, 1, 1};  ///< linear RGB and alpha
  float metallic = 0.0f;
  float roughness = 0.6f;
  bool blend = false;         ///< alphaMode BLEND (else OPAQUE)
  bool double_sided = false;  ///< open surfaces, and see-through ones whose inside shows
};

/// How an attribute's values are stored.
enum class Storage {
  Float,        ///< 32-bit floats
  Normalized16, ///< signed 16-bit integers for values in [-1, 1] (KHR_mesh_quantization): morph
                ///< displacements in metres with a resolution of 1/32767 m (0.03 mm)
  Normalized8,  ///< signed 8-bit integers for values in [-1, 1] (KHR_mesh_quantization): normal
                ///< displacements, resolution 1/127
};

/// A vertex attribute: "POSITION", "NORMAL", "TEXCOORD_n", "COLOR_0", or an application-specific
/// name that starts with '_'. `components` floats per vertex.
struct Attribute {
  std::string name;
  int components = 3;
  std::vector<float> values;
  Storage storage = Storage::Float;  ///< quantized storage is for morph targets' displacements
};

/// A morph target: displacements of POSITION (and optionally NORMAL) from the base.
struct MorphTarget {
  std::vector<Attribute> attributes;
};

struct Primitive {
  std::vector<Attribute> attributes;
  std::vector<std::uint32_t> indices;  ///< triangles; written as 16-bit where they fit
  int material = -1;
  std::vector<MorphTarget> targets;
};

struct Mesh {
  std::string name;
  std::vector<Primitive> primitives;
  std::vector<float> weights;             ///< default morph weights, one per target (or empty)
  std::vector<std::string> target_names;  ///< extras.targetNames, as three.js and Blender read them
};

struct Node {
  std::string name;
  int mesh = -1;
  std::vector<int> children;
  std::optional<std::array<float, 3>> translation;
  std::optional<std::array<float, 4>> rotation;  ///< unit quaternion x, y, z, w
  std::optional<std::array<float, 3>> scale;
};

/// Keyframes: `times` (s, increasing) and `components` values per key (a morph sampler has one
/// value per target per key).
struct Sampler {
  std::vector<float> times;
  std::vector<float> values;
  int components = 1;
  bool step = false;  ///< STEP interpolation (else LINEAR)
};

struct Channel {
  int sampler = 0;
  int node = 0;
  std::string path;  ///< "translation", "rotation", "scale" or "weights"
};

struct Animation {
  std::string name;
  std::vector<Sampler> samplers;
  std::vector<Channel> channels;
};

struct Document {
  std::string generator = "CalfPump";
  std::string copyright;
  std::vector<Material> materials;
  std::vector<Mesh> meshes;
  std::vector<Node> nodes;
  std::vector<int> scene;  ///< the root nodes of the one scene
  std::vector<Animation> animations;
  /// Every view coded by meshoptimizer (EXT_meshopt_compression, required): a third to a tenth
  /// of the size; three.js, model-viewer and Babylon.js decode it, some desktop viewers do not.
  bool meshopt_compression = false;
};

/// The document as a binary glTF (JSON chunk and one BIN chunk). Identical sampler inputs and
/// outputs are written once and shared. Quantized attributes declare KHR_mesh_quantization. Throws std::invalid_argument
/// naming the object when the document is inconsistent: an attribute whose length does not
/// match, an index or node out of range, a non-finite value, a normal that is not unit length.
std::vector<std::uint8_t> to_glb(const Document& doc);

/// How a tissue looks in a glTF viewer: the atlas colour (linear), see-through skin and vein
/// walls, double-sided valve leaflets (gltf.cpp gives the reasons).
Material tissue_material(StructureKind kind);

/// The linear value of an sRGB-encoded display colour component (IEC 61966-2-1).
float srgb_to_linear(float c);

}  // namespace calfpump::anatomy::gltf
