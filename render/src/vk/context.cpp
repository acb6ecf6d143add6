// Instance, validation, device choice and the logical device.

#include "vk/context.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "vk/check.hpp"

namespace calfpump::render::vk {

namespace {

VKAPI_ATTR VkBool32 VKAPI_CALL on_validation(VkDebugUtilsMessageSeverityFlagBitsEXT, VkDebugUtilsMessageTypeFlagsEXT,
                                             const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
  auto* log = static_cast<ValidationLog*>(user);
  if (log->count++ == 0 && data && data->pMessage) log->first = data->pMessage;
  return VK_FALSE;
}

}  // namespace

Context::Context(const RenderOptions& options) {
  try {
    create_instance(options);
    pick_device(options);
    create_device();
  } catch (...) {
    release();  // what was created so far
    throw;
  }
}

Context::~Context() { release(); }

void Context::release() {
  if (device) vkDestroyDevice(device, nullptr);
  device = VK_NULL_HANDLE;
  if (messenger) {
    auto destroy_fn = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(vkGetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy_fn) destroy_fn(instance, messenger, nullptr);
    messenger = VK_NULL_HANDLE;
  }
  if (instance) vkDestroyInstance(instance, nullptr);
  instance = VK_NULL_HANDLE;
}

int Context::memory_type(std::uint32_t bits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) const {
  VkPhysicalDeviceMemoryProperties props;
  vkGetPhysicalDeviceMemoryProperties(physical, &props);
  for (VkMemoryPropertyFlags want : {required | preferred, required})
    for (std::uint32_t i = 0; i < props.memoryTypeCount; ++i)
      if ((bits & (1u << i)) && (props.memoryTypes[i].propertyFlags & want) == want) return static_cast<int>(i);
  return -1;
}

void Context::create_instance(const RenderOptions& options) {
  std::uint32_t count = 0;
  CP_VK(vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr));
  std::vector<VkExtensionProperties> available(count);
  CP_VK(vkEnumerateInstanceExtensionProperties(nullptr, &count, available.data()));
  auto has_ext = [&](const char* n) {
    return std::any_of(available.begin(), available.end(), [&](const VkExtensionProperties& e) { return std::strcmp(e.extensionName, n) == 0; });
  };
  std::vector<const char*> extensions, layers;
  VkInstanceCreateFlags flags = 0;
  // MoltenVK and other portability drivers are listed only when asked for
  if (has_ext(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME)) {
    extensions.push_back(VK_KHR_PORTABILITY_ENUMERATION_EXTENSION_NAME);
    flags |= VK_INSTANCE_CREATE_ENUMERATE_PORTABILITY_BIT_KHR;
  }
  for (const std::string& e : options.surface_extensions) {
    if (!has_ext(e.c_str())) throw RenderError(fmt::format("the Vulkan loader lacks the window system's extension {}", e));
    extensions.push_back(e.c_str());
  }
  presentation = !options.surface_extensions.empty();
  if (options.validation) {
    std::uint32_t lc = 0;
    CP_VK(vkEnumerateInstanceLayerProperties(&lc, nullptr));
    std::vector<VkLayerProperties> ls(lc);
    CP_VK(vkEnumerateInstanceLayerProperties(&lc, ls.data()));
    const bool found = std::any_of(ls.begin(), ls.end(), [](const VkLayerProperties& l) { return std::strcmp(l.layerName, "VK_LAYER_KHRONOS_validation") == 0; });
    if (!found) throw RenderError("validation was asked for but VK_LAYER_KHRONOS_validation is not installed (Debian: vulkan-validationlayers)");
    layers.push_back("VK_LAYER_KHRONOS_validation");
    if (!has_ext(VK_EXT_DEBUG_UTILS_EXTENSION_NAME)) throw RenderError("validation needs VK_EXT_debug_utils, which this Vulkan loader lacks");
    extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  }
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "CalfPump";
  app.apiVersion = VK_API_VERSION_1_2;
  VkInstanceCreateInfo info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  info.flags = flags;
  info.pApplicationInfo = &app;
  info.enabledExtensionCount = static_cast<std::uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  info.enabledLayerCount = static_cast<std::uint32_t>(layers.size());
  info.ppEnabledLayerNames = layers.data();
  // synchronization validation on, when validating
  VkValidationFeatureEnableEXT enables[] = {VK_VALIDATION_FEATURE_ENABLE_SYNCHRONIZATION_VALIDATION_EXT};
  VkValidationFeaturesEXT features{VK_STRUCTURE_TYPE_VALIDATION_FEATURES_EXT};
  features.enabledValidationFeatureCount = 1;
  features.pEnabledValidationFeatures = enables;
  if (options.validation) info.pNext = &features;
  const VkResult r = vkCreateInstance(&info, nullptr, &instance);
  if (r == VK_ERROR_INCOMPATIBLE_DRIVER) throw RenderError("no Vulkan driver is installed (Debian: mesa-vulkan-drivers)");
  CP_VK(r);
  if (options.validation) {
    VkDebugUtilsMessengerCreateInfoEXT m{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    m.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    m.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                    VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    m.pfnUserCallback = on_validation;
    m.pUserData = &validation;
    auto create_fn = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(vkGetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT"));
    if (!create_fn) throw RenderError("vkCreateDebugUtilsMessengerEXT is not available");
    CP_VK(create_fn(instance, &m, nullptr, &messenger));
  }
}

void Context::pick_device(const RenderOptions& options) {
  std::uint32_t count = 0;
  CP_VK(vkEnumeratePhysicalDevices(instance, &count, nullptr));
  if (count == 0) throw RenderError("no Vulkan device found (Debian: mesa-vulkan-drivers provides the lavapipe CPU device)");
  std::vector<VkPhysicalDevice> devices(count);
  CP_VK(vkEnumeratePhysicalDevices(instance, &count, devices.data()));
  auto rank = [](VkPhysicalDeviceType t) {
    switch (t) {
      case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
      case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
      case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
      case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
      default: return 4;
    }
  };
  int best_rank = 99;
  std::string names;
  for (VkPhysicalDevice d : devices) {
    VkPhysicalDeviceProperties p;
    vkGetPhysicalDeviceProperties(d, &p);
    names += (names.empty() ? "" : ", ") + std::string(p.deviceName);
    if (VK_API_VERSION_MINOR(p.apiVersion) < 2 && VK_API_VERSION_MAJOR(p.apiVersion) == 1) continue;
    std::uint32_t qc = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(d, &qc, nullptr);
    std::vector<VkQueueFamilyProperties> qs(qc);
    vkGetPhysicalDeviceQueueFamilyProperties(d, &qc, qs.data());
    int family = -1;
    for (std::uint32_t i = 0; i < qc && family < 0; ++i)
      if (qs[i].queueFlags & VK_QUEUE_GRAPHICS_BIT) family = static_cast<int>(i);
    if (family < 0) continue;
    if (!options.device.empty() && std::string(p.deviceName).find(options.device) == std::string::npos) continue;
    if (rank(p.deviceType) < best_rank) {
      best_rank = rank(p.deviceType);
      physical = d;
      queue_family = static_cast<std::uint32_t>(family);
      device_name = p.deviceName;
      max_texel_elements = p.limits.maxTexelBufferElements;
      const VkSampleCountFlags ok = p.limits.framebufferColorSampleCounts & p.limits.framebufferDepthSampleCounts;
      // how edges are smoothed: a CPU device pays for every sample's depth test and blend
      // (4x multisampling took about 30 of 63 ms of the comparison frame's drawing on lavapipe),
      // so it draws one sample and filters the edges; GPUs multisample
      const bool cpu = p.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
      const bool multisample = options.antialiasing == Antialiasing::Multisample || (options.antialiasing == Antialiasing::Automatic && !cpu);
      samples = multisample && (ok & VK_SAMPLE_COUNT_4_BIT) ? VK_SAMPLE_COUNT_4_BIT : VK_SAMPLE_COUNT_1_BIT;
      edge_filter = samples == VK_SAMPLE_COUNT_1_BIT && options.antialiasing != Antialiasing::None;
    }
  }
  if (!physical)
    throw RenderError(options.device.empty() ? fmt::format("no Vulkan 1.2 device with graphics found (devices: {})", names)
                                             : fmt::format("no Vulkan 1.2 device named like '{}' (devices: {})", options.device, names));
}

void Context::create_device() {
  const float priority = 1.0f;
  VkDeviceQueueCreateInfo q{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  q.queueFamilyIndex = queue_family;
  q.queueCount = 1;
  q.pQueuePriorities = &priority;
  std::vector<const char*> extensions;
  std::uint32_t ec = 0;
  CP_VK(vkEnumerateDeviceExtensionProperties(physical, nullptr, &ec, nullptr));
  std::vector<VkExtensionProperties> exts(ec);
  CP_VK(vkEnumerateDeviceExtensionProperties(physical, nullptr, &ec, exts.data()));
  for (const auto& e : exts)
    if (std::strcmp(e.extensionName, "VK_KHR_portability_subset") == 0) extensions.push_back("VK_KHR_portability_subset");
  if (presentation) {
    const bool has = std::any_of(exts.begin(), exts.end(), [](const VkExtensionProperties& e) { return std::strcmp(e.extensionName, VK_KHR_SWAPCHAIN_EXTENSION_NAME) == 0; });
    if (!has) throw RenderError(fmt::format("{} cannot present to a window (no {})", device_name, VK_KHR_SWAPCHAIN_EXTENSION_NAME));
    extensions.push_back(VK_KHR_SWAPCHAIN_EXTENSION_NAME);
  }
  // the particle shader sums its waiting count per subgroup
  VkPhysicalDeviceSubgroupProperties subgroup{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceProperties2 props2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  props2.pNext = &subgroup;
  vkGetPhysicalDeviceProperties2(physical, &props2);
  if (!(subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) || !(subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT))
    throw RenderError(fmt::format("{} lacks subgroup arithmetic in compute shaders, which the particle system needs", device_name));
  // the texel formats the tables are read (and the particles written) as: Vulkan requires these,
  // a portability driver might still lack one
  struct TexelFormat {
    VkFormat format;
    const char* name;
    VkFormatFeatureFlags needed;
  };
  constexpr VkFormatFeatureFlags kRead = VK_FORMAT_FEATURE_UNIFORM_TEXEL_BUFFER_BIT;
  const TexelFormat texel_formats[] = {{VK_FORMAT_R32G32B32A32_SFLOAT, "R32G32B32A32_SFLOAT", kRead},
                                       {VK_FORMAT_R32G32B32A32_UINT, "R32G32B32A32_UINT", kRead | VK_FORMAT_FEATURE_STORAGE_TEXEL_BUFFER_BIT},
                                       {VK_FORMAT_R32G32B32A32_SINT, "R32G32B32A32_SINT", kRead},
                                       {VK_FORMAT_R32G32_UINT, "R32G32_UINT", kRead},
                                       {VK_FORMAT_R32G32_SFLOAT, "R32G32_SFLOAT", kRead},
                                       {VK_FORMAT_R32_UINT, "R32_UINT", kRead},
                                       {VK_FORMAT_R32_SFLOAT, "R32_SFLOAT", kRead}};
  for (const TexelFormat& f : texel_formats) {
    VkFormatProperties fp;
    vkGetPhysicalDeviceFormatProperties(physical, f.format, &fp);
    if ((fp.bufferFeatures & f.needed) != f.needed)
      throw RenderError(fmt::format("{} cannot use texel buffers of format {}, which the deformation and particles use", device_name, f.name));
  }
  // one optional feature: clip distances, for the cross-section's cut (the rasterizer clips at the
  // plane, where a fragment shader's discard would cost every tissue its early depth test)
  VkPhysicalDeviceFeatures offered{};
  vkGetPhysicalDeviceFeatures(physical, &offered);
  if (!offered.shaderClipDistance)
    throw RenderError(fmt::format("{} does not offer shaderClipDistance, which the tissue shaders use for the cross-section's cut", device_name));
  VkPhysicalDeviceFeatures enabled{};
  enabled.shaderClipDistance = VK_TRUE;
  VkDeviceCreateInfo info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  info.pEnabledFeatures = &enabled;
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &q;
  info.enabledExtensionCount = static_cast<std::uint32_t>(extensions.size());
  info.ppEnabledExtensionNames = extensions.data();
  CP_VK(vkCreateDevice(physical, &info, nullptr, &device));
  vkGetDeviceQueue(device, queue_family, 0, &queue);
  std::uint32_t qc = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &qc, nullptr);
  std::vector<VkQueueFamilyProperties> qs(qc);
  vkGetPhysicalDeviceQueueFamilyProperties(physical, &qc, qs.data());
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(physical, &props);
  if (qs[queue_family].timestampValidBits > 0 && props.limits.timestampPeriod > 0) {
    timestamp_ns = props.limits.timestampPeriod;
  }
}


}  // namespace calfpump::render::vk
