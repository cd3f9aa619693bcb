// Fixes for tfjs-backend-cpu 4.22 kernels that compute wrong gradients or are far too slow to train with
// (see each kernel's file).
import '@tensorflow/tfjs-backend-cpu'
import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core'
import { conv2DBackpropFilterCpu } from './conv2d-backprop-filter'
import { fixedResizeBilinearGrad } from './resize-bilinear-grad'
import { resizeNearestNeighborGradCpu } from './resize-nearest-grad'

const ours = new Map<string, KernelFunc>()
const builtins = new Map<string, KernelConfig>()

function install(kernelName: string, make: (builtin: KernelConfig) => KernelFunc): void {
  const current = getKernel(kernelName, 'cpu')
  if (!current) throw new Error(`tfjs-backend-cpu has no ${kernelName} kernel`)
  if (ours.get(kernelName) === current.kernelFunc) return
  builtins.set(kernelName, current)
  unregisterKernel(kernelName, 'cpu')
  const kernelFunc = make(current)
  ours.set(kernelName, kernelFunc)
  registerKernel({ kernelName, backendName: 'cpu', kernelFunc })
}

/** Replaces the broken cpu kernels with the project's. Safe to call any number of times. */
export function registerCpuKernelFixes(): void {
  install('Conv2DBackpropFilter', () => conv2DBackpropFilterCpu)
  install('ResizeNearestNeighborGrad', () => resizeNearestNeighborGradCpu)
  install('ResizeBilinearGrad', (builtin) => fixedResizeBilinearGrad(builtin))
}

/** tfjs-backend-cpu's original implementation of a kernel that ours replaced (for tests and the bench). */
export function builtinCpuKernel(kernelName: string): KernelConfig | undefined {
  return builtins.get(kernelName)
}
