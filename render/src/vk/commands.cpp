// Frames in flight, one-shot submissions, staging copies, timestamps.

#include "vk/commands.hpp"

#include <cstring>

#include "vk/check.hpp"

namespace calfpump::render::vk {

Commands::Commands(Context& ctx) : ctx_(ctx) {
  VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool_info.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pool_info.queueFamilyIndex = ctx.queue_family;
  CP_VK(vkCreateCommandPool(ctx.device, &pool_info, nullptr, &pool_));
  std::array<VkCommandBuffer, kFramesInFlight + 1> buffers{};
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = pool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = static_cast<std::uint32_t>(buffers.size());
  CP_VK(vkAllocateCommandBuffers(ctx.device, &alloc, buffers.data()));
  VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  for (std::size_t i = 0; i < kFramesInFlight; ++i) {
    slots[i].cmd = buffers[i];
    CP_VK(vkCreateFence(ctx.device, &fi, nullptr, &slots[i].fence));
    if (ctx.timestamp_ns > 0) {
      VkQueryPoolCreateInfo qi{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
      qi.queryType = VK_QUERY_TYPE_TIMESTAMP;
      qi.queryCount = kStamps;
      CP_VK(vkCreateQueryPool(ctx.device, &qi, nullptr, &slots[i].stamps));
    }
  }
  once_ = buffers[kFramesInFlight];
  CP_VK(vkCreateFence(ctx.device, &fi, nullptr, &once_fence_));
}

Commands::~Commands() {
  for (FrameSlot& s : slots) {
    if (s.stamps) vkDestroyQueryPool(ctx_.device, s.stamps, nullptr);
    if (s.fence) vkDestroyFence(ctx_.device, s.fence, nullptr);
  }
  if (once_fence_) vkDestroyFence(ctx_.device, once_fence_, nullptr);
  if (pool_) vkDestroyCommandPool(ctx_.device, pool_, nullptr);
}

void Commands::wait(FrameSlot& slot) {
  if (!slot.pending) return;
  CP_VK(vkWaitForFences(ctx_.device, 1, &slot.fence, VK_TRUE, UINT64_MAX));
  slot.pending = false;
}

void Commands::wait_all() {
  for (FrameSlot& s : slots) wait(s);
}

void Commands::begin(FrameSlot& slot) {
  CP_VK(vkResetCommandBuffer(slot.cmd, 0));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  CP_VK(vkBeginCommandBuffer(slot.cmd, &begin));
}

void Commands::submit(FrameSlot& slot, VkSemaphore wait, VkPipelineStageFlags wait_stage, VkSemaphore signal) {
  CP_VK(vkEndCommandBuffer(slot.cmd));
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &slot.cmd;
  if (wait) {
    submit.waitSemaphoreCount = 1;
    submit.pWaitSemaphores = &wait;
    submit.pWaitDstStageMask = &wait_stage;
  }
  if (signal) {
    submit.signalSemaphoreCount = 1;
    submit.pSignalSemaphores = &signal;
  }
  CP_VK(vkResetFences(ctx_.device, 1, &slot.fence));
  CP_VK(vkQueueSubmit(ctx_.queue, 1, &submit, slot.fence));
  slot.pending = true;
}

FrameTimings Commands::timings(const FrameSlot& slot) const {
  FrameTimings t;
  if (!slot.stamps || slot.frame == 0) return t;
  std::array<std::uint64_t, kStamps> v{};
  CP_VK(vkGetQueryPoolResults(ctx_.device, slot.stamps, 0, kStamps, sizeof(v), v.data(), sizeof(std::uint64_t),
                              VK_QUERY_RESULT_64_BIT | VK_QUERY_RESULT_WAIT_BIT));
  auto ms = [&](std::size_t a, std::size_t b) { return static_cast<double>(v[b] - v[a]) * ctx_.timestamp_ns * 1e-6; };
  t.particles_ms = ms(0, 1);
  t.deform_ms = ms(1, 2);
  t.draw_ms = ms(2, 3);
  t.readback_ms = ms(3, 4);
  return t;
}

VkCommandBuffer Commands::begin_once() {
  wait_all();
  CP_VK(vkResetCommandBuffer(once_, 0));
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  CP_VK(vkBeginCommandBuffer(once_, &begin));
  return once_;
}

void Commands::submit_once() {
  CP_VK(vkEndCommandBuffer(once_));
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &once_;
  CP_VK(vkResetFences(ctx_.device, 1, &once_fence_));
  CP_VK(vkQueueSubmit(ctx_.queue, 1, &submit, once_fence_));
  CP_VK(vkWaitForFences(ctx_.device, 1, &once_fence_, VK_TRUE, UINT64_MAX));
}

void Commands::copy_into(Buffer& b, const void* data, VkDeviceSize size) {
  if (b.mapped) {
    wait_all();  // no frame in flight still reads it
    std::memcpy(b.mapped, data, size);
    return;
  }
  Buffer staging(ctx_, size, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, BufferDomain::Host);
  std::memcpy(staging.mapped, data, size);
  VkCommandBuffer cmd = begin_once();
  const VkBufferCopy region{0, 0, size};
  vkCmdCopyBuffer(cmd, staging.buffer, b.buffer, 1, &region);
  submit_once();
}

std::vector<std::uint8_t> Commands::read_back(const Buffer& b, VkDeviceSize size) {
  std::vector<std::uint8_t> out(size);
  if (b.mapped) {
    wait_all();
    std::memcpy(out.data(), b.mapped, size);
    return out;
  }
  Buffer staging(ctx_, size, VK_BUFFER_USAGE_TRANSFER_DST_BIT, BufferDomain::Readback);
  VkCommandBuffer cmd = begin_once();
  const VkBufferCopy region{0, 0, size};
  vkCmdCopyBuffer(cmd, b.buffer, staging.buffer, 1, &region);
  barrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_HOST_BIT, VK_ACCESS_HOST_READ_BIT);
  submit_once();
  std::memcpy(out.data(), staging.mapped, size);
  return out;
}

void barrier(VkCommandBuffer cmd, VkPipelineStageFlags src_stage, VkAccessFlags src, VkPipelineStageFlags dst_stage, VkAccessFlags dst) {
  VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  mb.srcAccessMask = src;
  mb.dstAccessMask = dst;
  vkCmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 1, &mb, 0, nullptr, 0, nullptr);
}

void image_barrier(VkCommandBuffer cmd, VkImage image, VkImageLayout from, VkImageLayout to, VkAccessFlags src, VkAccessFlags dst,
                   VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage) {
  VkImageMemoryBarrier b{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
  b.srcAccessMask = src;
  b.dstAccessMask = dst;
  b.oldLayout = from;
  b.newLayout = to;
  b.srcQueueFamilyIndex = b.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  b.image = image;
  b.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  vkCmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 0, nullptr, 0, nullptr, 1, &b);
}

void stamp(VkCommandBuffer cmd, const FrameSlot& slot, std::uint32_t i) {
  if (!slot.stamps) return;
  if (i == 0) vkCmdResetQueryPool(cmd, slot.stamps, 0, kStamps);
  vkCmdWriteTimestamp(cmd, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, slot.stamps, i);
}

}  // namespace calfpump::render::vk
