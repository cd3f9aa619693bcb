// A Vulkan layer that reports shader{Sampled,Storage}ImageArrayDynamicIndexing as supported and strips them
// again at device creation. Debian 12's lavapipe (Mesa 22.3, a CPU Vulkan driver) lacks these two image
// features, and Dawn (npm `webgpu`) refuses an adapter without them; tfjs' compute shaders never index image
// arrays, so with this layer lavapipe runs the WebGPU engine on a machine without a GPU (slowly), which is
// enough to check WGSL kernels. Built and installed by setup.sh beside this file.
#include <vulkan/vulkan.h>
#include <vulkan/vk_layer.h>
#include <string.h>
#include <stdlib.h>

static PFN_vkGetInstanceProcAddr next_gipa;
static PFN_vkGetDeviceProcAddr next_gdpa;
static PFN_vkGetPhysicalDeviceFeatures next_feat;
static PFN_vkGetPhysicalDeviceFeatures2 next_feat2;
static PFN_vkGetPhysicalDeviceFeatures2 next_feat2khr;
static PFN_vkCreateDevice next_create_device;

#define EXPORT __attribute__((visibility("default")))
VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL fake_GetInstanceProcAddr(VkInstance instance, const char* name);
VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL fake_GetDeviceProcAddr(VkDevice device, const char* name);

static void patch(VkPhysicalDeviceFeatures* f) { f->shaderSampledImageArrayDynamicIndexing = VK_TRUE; f->shaderStorageImageArrayDynamicIndexing = VK_TRUE; }
static void unpatch(VkPhysicalDeviceFeatures* f) { f->shaderSampledImageArrayDynamicIndexing = VK_FALSE; f->shaderStorageImageArrayDynamicIndexing = VK_FALSE; }

static VKAPI_ATTR void VKAPI_CALL fake_GetPhysicalDeviceFeatures(VkPhysicalDevice pd, VkPhysicalDeviceFeatures* f) { next_feat(pd, f); patch(f); }
static VKAPI_ATTR void VKAPI_CALL fake_GetPhysicalDeviceFeatures2(VkPhysicalDevice pd, VkPhysicalDeviceFeatures2* f) { next_feat2(pd, f); patch(&f->features); }
static VKAPI_ATTR void VKAPI_CALL fake_GetPhysicalDeviceFeatures2KHR(VkPhysicalDevice pd, VkPhysicalDeviceFeatures2* f) { (next_feat2khr ? next_feat2khr : next_feat2)(pd, f); patch(&f->features); }

static VKAPI_ATTR VkResult VKAPI_CALL fake_CreateInstance(const VkInstanceCreateInfo* ci, const VkAllocationCallbacks* a, VkInstance* inst) {
  VkLayerInstanceCreateInfo* info = (VkLayerInstanceCreateInfo*)ci->pNext;
  while (info && !(info->sType == VK_STRUCTURE_TYPE_LOADER_INSTANCE_CREATE_INFO && info->function == VK_LAYER_LINK_INFO)) info = (VkLayerInstanceCreateInfo*)info->pNext;
  if (!info) return VK_ERROR_INITIALIZATION_FAILED;
  next_gipa = info->u.pLayerInfo->pfnNextGetInstanceProcAddr;
  info->u.pLayerInfo = info->u.pLayerInfo->pNext;
  PFN_vkCreateInstance create = (PFN_vkCreateInstance)next_gipa(VK_NULL_HANDLE, "vkCreateInstance");
  VkResult r = create(ci, a, inst);
  if (r != VK_SUCCESS) return r;
  next_feat = (PFN_vkGetPhysicalDeviceFeatures)next_gipa(*inst, "vkGetPhysicalDeviceFeatures");
  next_feat2 = (PFN_vkGetPhysicalDeviceFeatures2)next_gipa(*inst, "vkGetPhysicalDeviceFeatures2");
  next_feat2khr = (PFN_vkGetPhysicalDeviceFeatures2)next_gipa(*inst, "vkGetPhysicalDeviceFeatures2KHR");
  next_create_device = (PFN_vkCreateDevice)next_gipa(*inst, "vkCreateDevice");
  return r;
}

static VKAPI_ATTR VkResult VKAPI_CALL fake_CreateDevice(VkPhysicalDevice pd, const VkDeviceCreateInfo* ci, const VkAllocationCallbacks* a, VkDevice* dev) {
  VkLayerDeviceCreateInfo* info = (VkLayerDeviceCreateInfo*)ci->pNext;
  while (info && !(info->sType == VK_STRUCTURE_TYPE_LOADER_DEVICE_CREATE_INFO && info->function == VK_LAYER_LINK_INFO)) info = (VkLayerDeviceCreateInfo*)info->pNext;
  if (!info) return VK_ERROR_INITIALIZATION_FAILED;
  PFN_vkGetInstanceProcAddr gipa = info->u.pLayerInfo->pfnNextGetInstanceProcAddr;
  next_gdpa = info->u.pLayerInfo->pfnNextGetDeviceProcAddr;
  info->u.pLayerInfo = info->u.pLayerInfo->pNext;
  PFN_vkCreateDevice create = (PFN_vkCreateDevice)gipa(VK_NULL_HANDLE, "vkCreateDevice");
  if (ci->pEnabledFeatures) unpatch((VkPhysicalDeviceFeatures*)ci->pEnabledFeatures);
  for (VkBaseOutStructure* s = (VkBaseOutStructure*)ci->pNext; s; s = s->pNext)
    if (s->sType == VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2) unpatch(&((VkPhysicalDeviceFeatures2*)s)->features);
  return create(pd, ci, a, dev);
}

EXPORT VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL fake_GetDeviceProcAddr(VkDevice device, const char* name) {
  if (!strcmp(name, "vkGetDeviceProcAddr")) return (PFN_vkVoidFunction)fake_GetDeviceProcAddr;
  return next_gdpa(device, name);
}

EXPORT VKAPI_ATTR PFN_vkVoidFunction VKAPI_CALL fake_GetInstanceProcAddr(VkInstance instance, const char* name) {
  if (!strcmp(name, "vkGetInstanceProcAddr")) return (PFN_vkVoidFunction)fake_GetInstanceProcAddr;
  if (!strcmp(name, "vkCreateInstance")) return (PFN_vkVoidFunction)fake_CreateInstance;
  if (!strcmp(name, "vkCreateDevice")) return (PFN_vkVoidFunction)fake_CreateDevice;
  if (!strcmp(name, "vkGetDeviceProcAddr")) return (PFN_vkVoidFunction)fake_GetDeviceProcAddr;
  if (!strcmp(name, "vkGetPhysicalDeviceFeatures")) return (PFN_vkVoidFunction)fake_GetPhysicalDeviceFeatures;
  if (!strcmp(name, "vkGetPhysicalDeviceFeatures2")) return (PFN_vkVoidFunction)fake_GetPhysicalDeviceFeatures2;
  if (!strcmp(name, "vkGetPhysicalDeviceFeatures2KHR")) return (PFN_vkVoidFunction)fake_GetPhysicalDeviceFeatures2KHR;
  return next_gipa(instance, name);
}
