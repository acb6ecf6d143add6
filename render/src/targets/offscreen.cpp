// The offscreen target: each frame's picture copied into a host-visible buffer of its frame slot,
// read when asked (tests, stills, recording). A recorder reads frame N while frame N + 1 draws.

#include <cstring>

#include <fmt/format.h>

#include "renderer_impl.hpp"

namespace calfpump::render {

namespace {

void check_size(int width, int height) {
  if (width < 16 || height < 16 || width > 8192 || height > 8192)
    throw RenderError(fmt::format("image size {}x{} is out of range; expected 16 to 8192 pixels a side", width, height));
}

struct Offscreen final : Target::Impl {
  Offscreen(Renderer::Impl& r, int w, int h) : Target::Impl(r, w, h) { allocate(); }

  void allocate() {
    check_size(width, height);
    const VkDeviceSize bytes = static_cast<VkDeviceSize>(width) * static_cast<VkDeviceSize>(height) * 4;
    for (std::size_t i = 0; i < kFramesInFlight; ++i) {
      readback[i] = vk::Buffer(*renderer->ctx, bytes, VK_BUFFER_USAGE_TRANSFER_DST_BIT, vk::BufferDomain::Readback);
      frames[i] = 0;
      sizes[i] = {width, height};
    }
  }

  void record_output(VkCommandBuffer cmd, VkImage scene, std::size_t slot) override {
    VkBufferImageCopy copy{};
    copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    copy.imageExtent = {static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height), 1};
    vkCmdCopyImageToBuffer(cmd, scene, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, readback[slot].buffer, 1, &copy);
  }

  void submitted(std::size_t slot, std::uint64_t frame) override {
    frames[slot] = frame;
    sizes[slot] = {width, height};
  }

  std::array<vk::Buffer, kFramesInFlight> readback;
  std::array<std::uint64_t, kFramesInFlight> frames{};
  std::array<std::array<int, 2>, kFramesInFlight> sizes{};
};

}  // namespace

Target::Target(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Target::~Target() = default;
int Target::width() const { return impl_->width; }
int Target::height() const { return impl_->height; }

OffscreenTarget::OffscreenTarget(Renderer& renderer, int width, int height)
    : Target([&] {
        check_size(width, height);
        return std::make_unique<Offscreen>(renderer.impl(), width, height);
      }()) {}

OffscreenTarget::~OffscreenTarget() {
  // frames that still write into this target's buffers finish first
  try {
    impl_->renderer->commands->wait_all();
  } catch (const std::exception&) {
    // a lost device: nothing more will be written
  }
}

void OffscreenTarget::resize(int width, int height) {
  check_size(width, height);
  auto& o = static_cast<Offscreen&>(*impl_);
  o.renderer->commands->wait_all();
  o.width = width;
  o.height = height;
  o.allocate();
}

FrameStatus OffscreenTarget::read(std::uint64_t frame, Image& out) {
  using Code = FrameStatus::Code;
  auto& o = static_cast<Offscreen&>(*impl_);
  Renderer::Impl& r = *o.renderer;
  std::size_t slot = kFramesInFlight;
  for (std::size_t i = 0; i < kFramesInFlight; ++i)
    if (frame != 0 && o.frames[i] == frame) slot = i;
  if (slot == kFramesInFlight)
    return {Code::InvalidFrame, fmt::format("read: frame {} is not one of the last {} rendered into this target", frame, kFramesInFlight), frame};
  if (r.lost) return {Code::DeviceLost, "the Vulkan device was lost; the renderer must be recreated", frame};
  try {
    // the slot holds this frame until the renderer reuses it (its fence then guards the next one)
    vk::FrameSlot& fs = r.commands->slots[slot];
    if (fs.frame != frame) return {Code::InvalidFrame, fmt::format("read: frame {} has been overwritten", frame), frame};
    r.finish(fs);
    const auto [w, h] = o.sizes[slot];
    out.width = w;
    out.height = h;
    out.rgba.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    std::memcpy(out.rgba.data(), o.readback[slot].mapped, out.rgba.size());
    return {Code::Ok, {}, frame};
  } catch (const vk::VulkanError& e) {
    if (e.result == VK_ERROR_DEVICE_LOST) {
      r.lost = true;
      return {Code::DeviceLost, e.what(), frame};
    }
    return {Code::Failed, e.what(), frame};
  } catch (const std::exception& e) {
    return {Code::Failed, e.what(), frame};
  }
}

FrameStatus render_image(Renderer& renderer, OffscreenTarget& target, const FrameDesc& frame, Image& out) {
  const FrameStatus st = renderer.render(frame, target);
  if (!st) return st;
  return target.read(st.frame, out);
}

}  // namespace calfpump::render
