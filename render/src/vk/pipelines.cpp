// Shader modules, pipelines and descriptor sets.

#include "vk/pipelines.hpp"

#include <fstream>

#include <fmt/format.h>

#ifndef CALFPUMP_SHADER_DIR
#error "CALFPUMP_SHADER_DIR must be defined by the build"
#endif

namespace calfpump::render::vk {

Owner::~Owner() {
  for (auto it = objects_.rbegin(); it != objects_.rend(); ++it) {
    switch (it->type) {
      case VK_OBJECT_TYPE_PIPELINE: vkDestroyPipeline(device_, reinterpret_cast<VkPipeline>(it->handle), nullptr); break;
      case VK_OBJECT_TYPE_PIPELINE_LAYOUT: vkDestroyPipelineLayout(device_, reinterpret_cast<VkPipelineLayout>(it->handle), nullptr); break;
      case VK_OBJECT_TYPE_DESCRIPTOR_SET_LAYOUT:
        vkDestroyDescriptorSetLayout(device_, reinterpret_cast<VkDescriptorSetLayout>(it->handle), nullptr);
        break;
      case VK_OBJECT_TYPE_SAMPLER: vkDestroySampler(device_, reinterpret_cast<VkSampler>(it->handle), nullptr); break;
      case VK_OBJECT_TYPE_DESCRIPTOR_POOL: vkDestroyDescriptorPool(device_, reinterpret_cast<VkDescriptorPool>(it->handle), nullptr); break;
      case VK_OBJECT_TYPE_RENDER_PASS: vkDestroyRenderPass(device_, reinterpret_cast<VkRenderPass>(it->handle), nullptr); break;
      default: break;
    }
  }
}

VkShaderModule shader_module(VkDevice device, const std::string& name) {
  const std::string path = std::string(CALFPUMP_SHADER_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw RenderError(fmt::format("{}: cannot read the compiled shader", path));
  const auto size = static_cast<std::size_t>(in.tellg());
  if (size == 0 || size % 4 != 0) throw RenderError(fmt::format("{}: not a SPIR-V module", path));
  std::vector<std::uint32_t> words(size / 4);
  in.seekg(0);
  in.read(reinterpret_cast<char*>(words.data()), static_cast<std::streamsize>(size));
  VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  info.codeSize = words.size() * 4;
  info.pCode = words.data();
  VkShaderModule m;
  CP_VK(vkCreateShaderModule(device, &info, nullptr, &m));
  return m;
}

VkPipeline graphics_pipeline(VkDevice device, const GraphicsPipelineDesc& d) {
  VkShaderModule vs = shader_module(device, d.vert), fs = shader_module(device, d.frag);
  VkPipelineShaderStageCreateInfo stages[2]{};
  stages[0].sType = stages[1].sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  stages[0].pSpecializationInfo = stages[1].pSpecializationInfo = d.specialization;
  stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
  stages[0].module = vs;
  stages[0].pName = "main";
  stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
  stages[1].module = fs;
  stages[1].pName = "main";
  VkPipelineInputAssemblyStateCreateInfo ia{VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
  ia.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
  // viewport and scissor are set per view while recording
  VkPipelineViewportStateCreateInfo vps{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
  vps.viewportCount = 1;
  vps.scissorCount = 1;
  const VkDynamicState dynamic[2] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
  VkPipelineDynamicStateCreateInfo dyn{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
  dyn.dynamicStateCount = 2;
  dyn.pDynamicStates = dynamic;
  VkPipelineRasterizationStateCreateInfo rs{VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
  rs.polygonMode = VK_POLYGON_MODE_FILL;
  rs.cullMode = d.cull;
  rs.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
  rs.lineWidth = 1.0f;
  VkPipelineMultisampleStateCreateInfo ms{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  ms.rasterizationSamples = d.samples;
  VkPipelineDepthStencilStateCreateInfo ds{VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
  ds.depthTestEnable = d.depth_test ? VK_TRUE : VK_FALSE;
  ds.depthWriteEnable = d.depth_write ? VK_TRUE : VK_FALSE;
  ds.depthCompareOp = VK_COMPARE_OP_LESS_OR_EQUAL;
  VkPipelineColorBlendAttachmentState blend{};
  blend.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT | VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
  if (d.blended) {
    blend.blendEnable = VK_TRUE;
    blend.srcColorBlendFactor = VK_BLEND_FACTOR_SRC_ALPHA;
    blend.dstColorBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
    blend.colorBlendOp = VK_BLEND_OP_ADD;
    blend.srcAlphaBlendFactor = VK_BLEND_FACTOR_ONE;
    blend.dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
    blend.alphaBlendOp = VK_BLEND_OP_ADD;
  }
  VkPipelineColorBlendStateCreateInfo cb{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
  cb.attachmentCount = 1;
  cb.pAttachments = &blend;
  const VkPipelineVertexInputStateCreateInfo none{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  VkGraphicsPipelineCreateInfo info{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
  info.stageCount = 2;
  info.pStages = stages;
  info.pVertexInputState = d.vertex_input ? d.vertex_input : &none;
  info.pInputAssemblyState = &ia;
  info.pViewportState = &vps;
  info.pRasterizationState = &rs;
  info.pMultisampleState = &ms;
  info.pDepthStencilState = &ds;
  info.pColorBlendState = &cb;
  info.pDynamicState = &dyn;
  info.layout = d.layout;
  info.renderPass = d.pass;
  VkPipeline pipeline = VK_NULL_HANDLE;
  const VkResult r = vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &info, nullptr, &pipeline);
  vkDestroyShaderModule(device, vs, nullptr);
  vkDestroyShaderModule(device, fs, nullptr);
  CP_VK(r);
  return pipeline;
}

VkPipeline compute_pipeline(VkDevice device, const char* name, VkPipelineLayout layout, const VkSpecializationInfo* specialization) {
  VkShaderModule cs = shader_module(device, name);
  VkComputePipelineCreateInfo ci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  ci.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
  ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  ci.stage.module = cs;
  ci.stage.pName = "main";
  ci.stage.pSpecializationInfo = specialization;
  ci.layout = layout;
  VkPipeline pipeline = VK_NULL_HANDLE;
  const VkResult r = vkCreateComputePipelines(device, VK_NULL_HANDLE, 1, &ci, nullptr, &pipeline);
  vkDestroyShaderModule(device, cs, nullptr);
  CP_VK(r);
  return pipeline;
}

VkPipelineLayout pipeline_layout(VkDevice device, const VkDescriptorSetLayout* set, VkShaderStageFlags stages, std::uint32_t push_bytes) {
  VkPushConstantRange range{stages, 0, push_bytes};
  VkPipelineLayoutCreateInfo li{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  li.setLayoutCount = set ? 1u : 0u;
  li.pSetLayouts = set;
  li.pushConstantRangeCount = 1;
  li.pPushConstantRanges = &range;
  VkPipelineLayout l;
  CP_VK(vkCreatePipelineLayout(device, &li, nullptr, &l));
  return l;
}

VkDescriptorSet allocate_set(VkDevice device, VkDescriptorPool pool, VkDescriptorSetLayout layout) {
  VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  ai.descriptorPool = pool;
  ai.descriptorSetCount = 1;
  ai.pSetLayouts = &layout;
  VkDescriptorSet set;
  CP_VK(vkAllocateDescriptorSets(device, &ai, &set));
  return set;
}

void write_image(VkDevice device, VkDescriptorSet set, std::uint32_t binding, VkSampler sampler, VkImageView view) {
  const VkDescriptorImageInfo info{sampler, view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
  VkWriteDescriptorSet w{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
  w.dstSet = set;
  w.dstBinding = binding;
  w.descriptorCount = 1;
  w.descriptorType = kSampled;
  w.pImageInfo = &info;
  vkUpdateDescriptorSets(device, 1, &w, 0, nullptr);
}

}  // namespace calfpump::render::vk
