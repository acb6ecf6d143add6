// The swapchain target: each frame's scene image blitted into the acquired swapchain image (the
// blit turns RGBA into the surface's BGRA) and presented. The submission waits for the image to be
// acquired and signals, per swapchain image, that it may be presented.

#include <algorithm>
#include <vector>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_impl_vulkan.h>

#include "renderer_impl.hpp"

namespace calfpump::render {

namespace {

struct Swapchain final : Target::Impl {
  Swapchain(Renderer::Impl& r, VkSurfaceKHR s, int w, int h, bool v) : Target::Impl(r, w, h), surface(s), vsync_on(v), window_w(w), window_h(h) {
    const vk::Context& c = *r.ctx;
    if (!c.presentation) throw RenderError("a window needs a renderer made with the window system's surface extensions");
    VkBool32 supported = VK_FALSE;
    CP_VK(vkGetPhysicalDeviceSurfaceSupportKHR(c.physical, c.queue_family, surface, &supported));
    if (!supported) throw RenderError(fmt::format("{} cannot present to this window from its graphics queue", c.device_name));
    VkSemaphoreCreateInfo si{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    for (VkSemaphore& a : acquired) CP_VK(vkCreateSemaphore(c.device, &si, nullptr, &a));
    create();
  }

  ~Swapchain() override {
    VkDevice device = renderer->device;
    vkDeviceWaitIdle(device);
    if (ui_pass) {
      ImGui_ImplVulkan_Shutdown();
      vkDestroyRenderPass(device, ui_pass, nullptr);
      vkDestroyDescriptorPool(device, ui_pool, nullptr);
    }
    release();
    for (VkSemaphore a : acquired)
      if (a) vkDestroySemaphore(device, a, nullptr);
    vkDestroySurfaceKHR(renderer->ctx->instance, surface, nullptr);
  }

  // the frames' size: the window's at the render scale (at least 16 pixels a side)
  void apply_scale() {
    width = std::max(16, static_cast<int>(std::lround(static_cast<double>(window_w) * scale)));
    height = std::max(16, static_cast<int>(std::lround(static_cast<double>(window_h) * scale)));
  }

  void release() {
    VkDevice device = renderer->device;
    // the presentation engine may still wait on a present semaphore: the queue finishes first
    vkQueueWaitIdle(renderer->ctx->queue);
    for (VkSemaphore p : presentable)
      if (p) vkDestroySemaphore(device, p, nullptr);
    presentable.clear();
    for (VkFramebuffer f : framebuffers) vkDestroyFramebuffer(device, f, nullptr);
    framebuffers.clear();
    for (VkImageView v : views) vkDestroyImageView(device, v, nullptr);
    views.clear();
    images.clear();
    if (swapchain) vkDestroySwapchainKHR(device, swapchain, nullptr);
    swapchain = VK_NULL_HANDLE;
  }

  void create() {
    const vk::Context& c = *renderer->ctx;
    VkSurfaceCapabilitiesKHR caps;
    CP_VK(vkGetPhysicalDeviceSurfaceCapabilitiesKHR(c.physical, surface, &caps));
    if (window_w <= 0 || window_h <= 0 || caps.maxImageExtent.width == 0) {
      out_of_date = true;  // minimised: nothing to present to
      return;
    }
    std::uint32_t n = 0;
    CP_VK(vkGetPhysicalDeviceSurfaceFormatsKHR(c.physical, surface, &n, nullptr));
    std::vector<VkSurfaceFormatKHR> formats(n);
    CP_VK(vkGetPhysicalDeviceSurfaceFormatsKHR(c.physical, surface, &n, formats.data()));
    // the scene image holds display-ready (sRGB-encoded) values, as the PNGs do: a UNORM surface
    // shows them unchanged
    VkSurfaceFormatKHR format = formats.empty() ? VkSurfaceFormatKHR{VK_FORMAT_B8G8R8A8_UNORM, VK_COLOR_SPACE_SRGB_NONLINEAR_KHR} : formats[0];
    for (const auto& f : formats)
      if ((f.format == VK_FORMAT_B8G8R8A8_UNORM || f.format == VK_FORMAT_R8G8B8A8_UNORM) && f.colorSpace == VK_COLOR_SPACE_SRGB_NONLINEAR_KHR) format = f;
    CP_VK(vkGetPhysicalDeviceSurfacePresentModesKHR(c.physical, surface, &n, nullptr));
    std::vector<VkPresentModeKHR> modes(n);
    CP_VK(vkGetPhysicalDeviceSurfacePresentModesKHR(c.physical, surface, &n, modes.data()));
    VkPresentModeKHR mode = VK_PRESENT_MODE_FIFO_KHR;  // always offered
    if (!vsync_on)
      for (VkPresentModeKHR m : {VK_PRESENT_MODE_IMMEDIATE_KHR, VK_PRESENT_MODE_MAILBOX_KHR})
        if (std::find(modes.begin(), modes.end(), m) != modes.end()) mode = m;
    VkExtent2D extent{static_cast<std::uint32_t>(window_w), static_cast<std::uint32_t>(window_h)};
    if (caps.currentExtent.width != 0xffffffffu) extent = caps.currentExtent;
    extent.width = std::clamp(extent.width, caps.minImageExtent.width, caps.maxImageExtent.width);
    extent.height = std::clamp(extent.height, caps.minImageExtent.height, caps.maxImageExtent.height);
    window_w = static_cast<int>(extent.width);
    window_h = static_cast<int>(extent.height);
    apply_scale();
    if (!(caps.supportedUsageFlags & VK_IMAGE_USAGE_TRANSFER_DST_BIT)) throw RenderError("the window's surface cannot be written by a transfer");
    std::uint32_t count = std::max(caps.minImageCount + 1, 2u);
    if (caps.maxImageCount > 0) count = std::min(count, caps.maxImageCount);
    VkSwapchainCreateInfoKHR ci{VK_STRUCTURE_TYPE_SWAPCHAIN_CREATE_INFO_KHR};
    ci.surface = surface;
    ci.minImageCount = count;
    ci.imageFormat = format.format;
    ci.imageColorSpace = format.colorSpace;
    ci.imageExtent = extent;
    ci.imageArrayLayers = 1;
    ci.imageUsage = VK_IMAGE_USAGE_TRANSFER_DST_BIT | (caps.supportedUsageFlags & VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT);
    surface_format = format.format;
    ci.imageSharingMode = VK_SHARING_MODE_EXCLUSIVE;
    ci.preTransform = caps.currentTransform;
    ci.compositeAlpha = (caps.supportedCompositeAlpha & VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR) ? VK_COMPOSITE_ALPHA_OPAQUE_BIT_KHR
                                                                                        : VK_COMPOSITE_ALPHA_INHERIT_BIT_KHR;
    ci.presentMode = mode;
    ci.clipped = VK_TRUE;
    CP_VK(vkCreateSwapchainKHR(c.device, &ci, nullptr, &swapchain));
    CP_VK(vkGetSwapchainImagesKHR(c.device, swapchain, &n, nullptr));
    images.resize(n);
    CP_VK(vkGetSwapchainImagesKHR(c.device, swapchain, &n, images.data()));
    VkSemaphoreCreateInfo si{VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO};
    presentable.assign(n, VK_NULL_HANDLE);
    for (VkSemaphore& p : presentable) CP_VK(vkCreateSemaphore(c.device, &si, nullptr, &p));
    if (ui_pass) create_framebuffers();
    out_of_date = false;
  }

  // the panel's pass over a presented image: after the blit (TRANSFER_DST), ending ready to present
  void create_ui_pass() {
    VkAttachmentDescription a{};
    a.format = surface_format;
    a.samples = VK_SAMPLE_COUNT_1_BIT;
    a.loadOp = VK_ATTACHMENT_LOAD_OP_LOAD;
    a.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
    a.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
    a.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
    a.initialLayout = VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL;
    a.finalLayout = VK_IMAGE_LAYOUT_PRESENT_SRC_KHR;
    VkAttachmentReference ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
    VkSubpassDescription sub{};
    sub.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
    sub.colorAttachmentCount = 1;
    sub.pColorAttachments = &ref;
    VkSubpassDependency dep[2]{};
    dep[0].srcSubpass = VK_SUBPASS_EXTERNAL;
    dep[0].dstSubpass = 0;
    dep[0].srcStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
    dep[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    dep[0].srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    dep[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_READ_BIT | VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    dep[1].srcSubpass = 0;
    dep[1].dstSubpass = VK_SUBPASS_EXTERNAL;
    dep[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
    dep[1].dstStageMask = VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT;
    dep[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
    VkRenderPassCreateInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
    rp.attachmentCount = 1;
    rp.pAttachments = &a;
    rp.subpassCount = 1;
    rp.pSubpasses = &sub;
    rp.dependencyCount = 2;
    rp.pDependencies = dep;
    CP_VK(vkCreateRenderPass(renderer->device, &rp, nullptr, &ui_pass));
  }

  void create_framebuffers() {
    VkDevice device = renderer->device;
    for (VkImage image : images) {
      VkImageViewCreateInfo vi{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
      vi.image = image;
      vi.viewType = VK_IMAGE_VIEW_TYPE_2D;
      vi.format = surface_format;
      vi.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
      VkImageView view = VK_NULL_HANDLE;
      CP_VK(vkCreateImageView(device, &vi, nullptr, &view));
      views.push_back(view);
      VkFramebufferCreateInfo fi{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
      fi.renderPass = ui_pass;
      fi.attachmentCount = 1;
      fi.pAttachments = &view;
      fi.width = static_cast<std::uint32_t>(window_w);
      fi.height = static_cast<std::uint32_t>(window_h);
      fi.layers = 1;
      VkFramebuffer fb = VK_NULL_HANDLE;
      CP_VK(vkCreateFramebuffer(device, &fi, nullptr, &fb));
      framebuffers.push_back(fb);
    }
  }

  static void check_imgui(VkResult r) {
    if (r != VK_SUCCESS) fmt::print(stderr, "calfpump: the control panel's Vulkan call failed with {}\n", vk::result_name(r));
  }

  void enable_ui() {
    if (ui_pass) return;
    const vk::Context& c = *renderer->ctx;
    renderer->commands->wait_all();
    create_ui_pass();
    // Dear ImGui's own descriptors (its font texture)
    const VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 16};
    VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    pi.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
    pi.maxSets = 16;
    pi.poolSizeCount = 1;
    pi.pPoolSizes = &size;
    CP_VK(vkCreateDescriptorPool(c.device, &pi, nullptr, &ui_pool));
    ImGui_ImplVulkan_InitInfo info{};
    info.Instance = c.instance;
    info.PhysicalDevice = c.physical;
    info.Device = c.device;
    info.QueueFamily = c.queue_family;
    info.Queue = c.queue;
    info.DescriptorPool = ui_pool;
    info.MinImageCount = 2;
    info.ImageCount = static_cast<std::uint32_t>(std::max<std::size_t>(images.size(), 2));
    info.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
    info.CheckVkResultFn = check_imgui;
    if (!ImGui_ImplVulkan_Init(&info, ui_pass)) throw RenderError("the control panel could not start (Dear ImGui's Vulkan backend)");
    VkCommandBuffer cmd = renderer->commands->begin_once();
    ImGui_ImplVulkan_CreateFontsTexture(cmd);
    renderer->commands->submit_once();
    ImGui_ImplVulkan_DestroyFontUploadObjects();
    if (swapchain) create_framebuffers();
  }

  FrameStatus begin(std::size_t slot) override {
    if (out_of_date || !swapchain) return {FrameStatus::Code::OutOfDate, "the window's swapchain is out of date (resize it)", 0};
    const VkResult r = vkAcquireNextImageKHR(renderer->device, swapchain, UINT64_MAX, acquired[slot], VK_NULL_HANDLE, &image_index);
    if (r == VK_ERROR_OUT_OF_DATE_KHR || r == VK_ERROR_SURFACE_LOST_KHR) {
      out_of_date = true;
      return {FrameStatus::Code::OutOfDate, fmt::format("acquiring a swapchain image: {}", vk::result_name(r)), 0};
    }
    if (r != VK_SUCCESS && r != VK_SUBOPTIMAL_KHR) vk::throw_vk("vkAcquireNextImageKHR", r, __FILE__, __LINE__);
    return {};
  }

  void record_output(VkCommandBuffer cmd, VkImage scene, std::size_t slot) override {
    (void)slot;
    const VkImage image = images[image_index];
    vk::image_barrier(cmd, image, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0, VK_ACCESS_TRANSFER_WRITE_BIT,
                      VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    VkImageBlit blit{};
    blit.srcSubresource = blit.dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    // the frame drawn at the render scale, stretched to the window (1: pixel for pixel)
    blit.srcOffsets[1] = {width, height, 1};
    blit.dstOffsets[1] = {window_w, window_h, 1};
    const bool scaled = width != window_w || height != window_h;
    vkCmdBlitImage(cmd, scene, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &blit,
                   scaled ? VK_FILTER_LINEAR : VK_FILTER_NEAREST);
    if (ui_pass && ui && ui->CmdListsCount > 0 && image_index < framebuffers.size()) {
      // the panel over the frame, in the window only
      VkRenderPassBeginInfo rp{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
      rp.renderPass = ui_pass;
      rp.framebuffer = framebuffers[image_index];
      rp.renderArea = {{0, 0}, {static_cast<std::uint32_t>(window_w), static_cast<std::uint32_t>(window_h)}};
      vkCmdBeginRenderPass(cmd, &rp, VK_SUBPASS_CONTENTS_INLINE);
      ImGui_ImplVulkan_RenderDrawData(ui, cmd);
      vkCmdEndRenderPass(cmd);
      return;
    }
    vk::image_barrier(cmd, image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, VK_IMAGE_LAYOUT_PRESENT_SRC_KHR, VK_ACCESS_TRANSFER_WRITE_BIT, 0,
                      VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT);
  }

  Sync sync(std::size_t slot) override { return {acquired[slot], VK_PIPELINE_STAGE_TRANSFER_BIT, presentable[image_index]}; }

  void submitted(std::size_t slot, std::uint64_t frame) override {
    (void)slot;
    (void)frame;
    VkPresentInfoKHR pi{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
    pi.waitSemaphoreCount = 1;
    pi.pWaitSemaphores = &presentable[image_index];
    pi.swapchainCount = 1;
    pi.pSwapchains = &swapchain;
    pi.pImageIndices = &image_index;
    const VkResult r = vkQueuePresentKHR(renderer->ctx->queue, &pi);
    if (r == VK_ERROR_OUT_OF_DATE_KHR || r == VK_SUBOPTIMAL_KHR || r == VK_ERROR_SURFACE_LOST_KHR) out_of_date = true;
    else if (r != VK_SUCCESS) vk::throw_vk("vkQueuePresentKHR", r, __FILE__, __LINE__);
  }

  VkSurfaceKHR surface;
  bool vsync_on;
  int window_w, window_h;  // the swapchain's extent
  float scale = 1.0f;      // frames drawn at this share of the window's size
  VkSwapchainKHR swapchain = VK_NULL_HANDLE;
  std::vector<VkImage> images;
  std::vector<VkSemaphore> presentable;  // per swapchain image: rendered, may be presented
  std::array<VkSemaphore, kFramesInFlight> acquired{};
  std::uint32_t image_index = 0;
  bool out_of_date = false;
  VkFormat surface_format = VK_FORMAT_B8G8R8A8_UNORM;
  // the control panel (Dear ImGui)
  VkRenderPass ui_pass = VK_NULL_HANDLE;
  VkDescriptorPool ui_pool = VK_NULL_HANDLE;
  std::vector<VkImageView> views;
  std::vector<VkFramebuffer> framebuffers;
  ImDrawData* ui = nullptr;
};

}  // namespace

SwapchainTarget::SwapchainTarget(Renderer& renderer, std::uint64_t surface, int width, int height, bool vsync)
    : Target(std::make_unique<Swapchain>(renderer.impl(), reinterpret_cast<VkSurfaceKHR>(surface), width, height, vsync)) {}

SwapchainTarget::~SwapchainTarget() = default;

void SwapchainTarget::resize(int width, int height) {
  auto& s = static_cast<Swapchain&>(*impl_);
  s.renderer->commands->wait_all();
  s.release();
  s.window_w = width;
  s.window_h = height;
  s.apply_scale();
  s.create();
}

int SwapchainTarget::image_count() const { return static_cast<int>(static_cast<const Swapchain&>(*impl_).images.size()); }
bool SwapchainTarget::vsync() const { return static_cast<const Swapchain&>(*impl_).vsync_on; }
void SwapchainTarget::set_render_scale(float scale) {
  auto& s = static_cast<Swapchain&>(*impl_);
  s.scale = std::clamp(scale, 0.25f, 1.0f);
  s.apply_scale();
}
float SwapchainTarget::render_scale() const { return static_cast<const Swapchain&>(*impl_).scale; }
int SwapchainTarget::window_width() const { return static_cast<const Swapchain&>(*impl_).window_w; }
int SwapchainTarget::window_height() const { return static_cast<const Swapchain&>(*impl_).window_h; }
void SwapchainTarget::enable_ui() { static_cast<Swapchain&>(*impl_).enable_ui(); }
void SwapchainTarget::set_ui(ImDrawData* draw_data) { static_cast<Swapchain&>(*impl_).ui = draw_data; }

}  // namespace calfpump::render
