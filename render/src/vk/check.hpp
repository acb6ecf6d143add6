#pragma once
// The one place that checks a VkResult (STYLE: Granite returns, tutorial code exits; a kiosk must
// never exit): CP_VK throws VulkanError with the call, the result's name, file and line. The
// frame path catches it and turns it into a FrameStatus.

#include <string>

#include <vulkan/vulkan.h>

#include "render/renderer.hpp"

namespace calfpump::render::vk {

/// A failed Vulkan call; `result` tells a lost device from other failures.
class VulkanError : public RenderError {
 public:
  VulkanError(const std::string& message, VkResult r) : RenderError(message), result(r) {}
  VkResult result;
};

/// The name of a VkResult ("VK_ERROR_DEVICE_LOST").
const char* result_name(VkResult r);

/// Throws VulkanError for a failed call.
[[noreturn]] void throw_vk(const char* call, VkResult r, const char* file, int line);

}  // namespace calfpump::render::vk

#define CP_VK(call)                                                                                   \
  do {                                                                                                \
    const VkResult cp_vk_result = (call);                                                             \
    if (cp_vk_result != VK_SUCCESS) ::calfpump::render::vk::throw_vk(#call, cp_vk_result, __FILE__, __LINE__); \
  } while (0)
