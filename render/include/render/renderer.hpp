#pragma once
// The Vulkan renderer, offscreen first: it draws the deformed leg into an image and reads it back
// (tests, screenshots and recording use this path; a window will add a swapchain to the same
// renderer). It owns no physiology: it draws the meshes it is given. Vulkan stays out of this
// header, so the app compiles without it.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "anatomy/geometry.hpp"
#include "anatomy/model.hpp"
#include "anatomy/state.hpp"

namespace calfpump::render {

/// A Vulkan failure or a missing capability, with the call, its VkResult name, file and line.
class RenderError : public std::runtime_error {
 public:
  explicit RenderError(const std::string& message) : std::runtime_error(message) {}
};

/// How to create the renderer.
struct RenderOptions {
  int width = 1280;
  int height = 720;
  std::string device;       ///< part of a device name to force ("llvmpipe", "NVIDIA"); empty: prefer a discrete GPU
  bool validation = false;  ///< Khronos validation layers and a debug messenger that counts messages
};

/// A camera in leg coordinates (m).
struct Camera {
  // posteromedial view of the lower leg, knee to foot: the calf muscles, the deep and the great
  // saphenous veins in one picture
  std::array<float, 3> eye{-0.55f, -0.95f, 0.50f};
  std::array<float, 3> target{0.0f, -0.01f, 0.29f};
  std::array<float, 3> up{0.0f, 0.0f, 1.0f};
  float fov_deg = 35.0f;
};

/// An RGBA8 image, rows top to bottom.
struct Image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;
};

/// Appearance of one tissue kind.
struct TissueStyle {
  std::array<float, 4> color;  ///< rgb, alpha (alpha < 1: drawn translucent, after the opaque ones)
};

/// The default style of a kind: anatomy-atlas colours, translucent skin and veins.
TissueStyle default_style(anatomy::StructureKind kind);

/// The renderer.
class Renderer {
 public:
  explicit Renderer(const RenderOptions& options);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  /// Uploads the leg (rest geometry and its deformation attributes) and the model's constant
  /// deformation data, once; the model must outlive the renderer's use of it.
  void set_leg(const anatomy::Model& model, const anatomy::LegGeometry& rest);
  /// Deforms the leg on the GPU for a state (anatomy::deform_frame), draws it and reads the image back.
  Image render(const anatomy::State& state, const Camera& camera);
  /// Places `count` blood particles in proportion to a state's venous volumes (after set_leg).
  void set_particles(const anatomy::State& state, std::size_t count);
  /// Moves the particles on the GPU by the flows of a state over dt (s); render() then draws them.
  void advance_particles(const anatomy::State& state, double dt);
  /// Particle positions of the last advance (xyz, age per particle; waiting ones far below the floor).
  std::vector<float> particle_positions() const;

  /// The deformed vertex positions of the last frame (xyz per vertex, structures in order).
  std::vector<float> deformed_positions() const;

  /// The chosen device's name.
  const std::string& device_name() const;
  /// Validation messages seen so far (warnings and errors; 0 when validation is off).
  std::uint64_t validation_messages() const;
  /// The text of the first validation message, if any.
  const std::string& first_validation_message() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Writes an image as PNG; the file appears only when complete.
void write_png(const Image& image, const std::filesystem::path& file);

}  // namespace calfpump::render
