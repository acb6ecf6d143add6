#pragma once
// Command submission: the frames in flight (each its own command buffer, fence and timestamp
// queries, so that recording frame N + 1 overlaps drawing frame N) and a one-shot command buffer
// for uploads and read-backs outside frames (submitted and waited on).

#include <array>
#include <cstdint>
#include <vector>

#include <vulkan/vulkan.h>

#include "render/renderer.hpp"
#include "vk/context.hpp"
#include "vk/memory.hpp"

namespace calfpump::render::vk {

/// Timestamps written per frame: before the particles, after them, after the deformation, after
/// drawing, after the target's copy.
inline constexpr std::uint32_t kStamps = 5;

/// One frame in flight.
struct FrameSlot {
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  VkFence fence = VK_NULL_HANDLE;  ///< signalled when the slot's last submission has finished
  VkQueryPool stamps = VK_NULL_HANDLE;
  std::uint64_t frame = 0;         ///< the frame last submitted from this slot (0: none)
  bool pending = false;            ///< submitted, not yet waited for
};

/// The command pool with the frame slots and the one-shot buffer.
class Commands {
 public:
  explicit Commands(Context& ctx);
  ~Commands();
  Commands(const Commands&) = delete;
  Commands& operator=(const Commands&) = delete;

  /// Waits for a slot's last submission (no-op when none is pending); VulkanError on failure.
  void wait(FrameSlot& slot);
  /// Waits for every slot.
  void wait_all();
  /// Begins recording a slot's command buffer (after wait).
  void begin(FrameSlot& slot);
  /// Ends and submits a slot's command buffer, signalling its fence; a target may have it wait
  /// for a semaphore first (a swapchain image acquired) and signal one (ready to present).
  void submit(FrameSlot& slot, VkSemaphore wait = VK_NULL_HANDLE, VkPipelineStageFlags wait_stage = 0, VkSemaphore signal = VK_NULL_HANDLE);
  /// The slot's GPU timings (after wait); zeros without timestamps.
  FrameTimings timings(const FrameSlot& slot) const;

  /// Begins the one-shot command buffer (every frame in flight has finished first).
  VkCommandBuffer begin_once();
  /// Submits the one-shot buffer and waits for it.
  void submit_once();

  /// Host data into a buffer: directly when it is mapped, else through a staging copy.
  void copy_into(Buffer& b, const void* data, VkDeviceSize size);
  /// A buffer's first `size` bytes back to the host (tests and exports; never per frame).
  std::vector<std::uint8_t> read_back(const Buffer& b, VkDeviceSize size);
  /// A device-local buffer with `data` in it.
  template <class T>
  Buffer upload(const std::vector<T>& data, VkBufferUsageFlags usage) {
    Buffer b(ctx_, data.size() * sizeof(T), usage, BufferDomain::Device);
    if (!data.empty()) copy_into(b, data.data(), data.size() * sizeof(T));
    return b;
  }

  std::array<FrameSlot, kFramesInFlight> slots;

 private:
  Context& ctx_;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  VkCommandBuffer once_ = VK_NULL_HANDLE;
  VkFence once_fence_ = VK_NULL_HANDLE;
};

/// One global memory barrier.
void barrier(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkAccessFlags src, VkPipelineStageFlags dst_stage, VkAccessFlags dst);

/// A layout change of a whole single-level colour image, with the accesses and stages it orders.
void image_barrier(VkCommandBuffer cmd, VkImage image, VkImageLayout from, VkImageLayout to, VkAccessFlags src, VkAccessFlags dst,
                   VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage);

/// Timestamp `i` of a frame (after all earlier work); the first resets the slot's queries.
void stamp(VkCommandBuffer cmd, const FrameSlot& slot, std::uint32_t i);

}  // namespace calfpump::render::vk
