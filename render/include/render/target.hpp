#pragma once
// Where frames go. A target is what a frame is drawn for: its size, and what happens to the
// finished picture. The offscreen target reads it back into host memory (tests, stills,
// recording); a window adds a swapchain target (a later front end), not a second renderer. A
// target can be resized without recreating the renderer. Vulkan stays out of this header.

#include <cstdint>
#include <memory>

#include "render/renderer.hpp"

struct ImDrawData;  // Dear ImGui's draw lists (imgui.h)

namespace calfpump::render {

/// What every target is.
class Target {
 public:
  struct Impl;  ///< the Vulkan side (render/src/targets/target_impl.hpp)
  virtual ~Target();
  Target(const Target&) = delete;
  Target& operator=(const Target&) = delete;
  int width() const;
  int height() const;
  Impl& impl() { return *impl_; }

 protected:
  explicit Target(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Frames drawn into an image and read back into host memory. Each of the kFramesInFlight frame
/// slots has its own read-back buffer, so that a recorder reads (and encodes) frame N while frame
/// N + 1 draws.
class OffscreenTarget : public Target {
 public:
  /// A target of width x height pixels (16 to 8192 a side; RenderError otherwise) for `renderer`,
  /// which must outlive it.
  OffscreenTarget(Renderer& renderer, int width, int height);
  ~OffscreenTarget() override;
  /// A new size for the frames that follow (frames in flight finish first).
  void resize(int width, int height);
  /// Waits for frame `frame` (a number Renderer::render returned, one of the last kFramesInFlight
  /// rendered into this target) and copies its picture into `out` (whose storage is kept from call
  /// to call). Never throws.
  FrameStatus read(std::uint64_t frame, Image& out);
};

/// Frames presented to a window: a Vulkan swapchain on a surface the front end made (GLFW) on the
/// renderer's instance (Renderer::instance_handle; the renderer made with the window system's
/// RenderOptions::surface_extensions). When the window's size changed or its surface went out of
/// date, Renderer::render returns FrameStatus::Code::OutOfDate: resize() and compose again.
class SwapchainTarget : public Target {
 public:
  /// `surface` is the VkSurfaceKHR (as an integer); the target owns and destroys it. With vsync,
  /// FIFO presentation (every display refresh); without, MAILBOX or IMMEDIATE where offered.
  SwapchainTarget(Renderer& renderer, std::uint64_t surface, int width, int height, bool vsync = true);
  ~SwapchainTarget() override;
  /// A new size (the window's framebuffer in pixels): the swapchain is made again (frames in
  /// flight finish first). 0 x 0 (a minimised window) is allowed; frames are then refused as out of date.
  void resize(int width, int height);
  /// Frames drawn at this share (0.25 to 1) of the window's size and stretched to it, where a
  /// device cannot keep up at full size: width() and height() are then the frames' size, and
  /// window_width() and window_height() the window's. Takes effect with the next frame.
  void set_render_scale(float scale);
  float render_scale() const;
  int window_width() const;
  int window_height() const;
  /// The swapchain's images (2 or 3) and whether vsync is on, for the viewer's status line.
  int image_count() const;
  bool vsync() const;
  /// A control panel over the window's frames: Dear ImGui, drawn by its Vulkan backend into the
  /// presented image only (never into a frame's picture, a still or an F12 screenshot). Call once,
  /// after ImGui's context exists.
  void enable_ui();
  /// Dear ImGui's draw data for the next frame (ImGui::GetDrawData() after ImGui::Render), or null
  /// for none.
  void set_ui(ImDrawData* draw_data);
};

/// Renders a frame into an offscreen target and reads it back (a still: submit and wait).
FrameStatus render_image(Renderer& renderer, OffscreenTarget& target, const FrameDesc& frame, Image& out);

}  // namespace calfpump::render
