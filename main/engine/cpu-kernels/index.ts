// Fixes for tfjs-backend-cpu 4.22 kernels that compute wrong gradients or are far too slow to train with
// (see each kernel's file).
import '@tensorflow/tfjs-backend-cpu'
import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core'
import { BN_APPLY, BN_GRAD, BN_RUNNING, BN_STATS, FLIP_FILTER, FRACTIONAL_POOL, FRACTIONAL_POOL_GRAD, IM2COL, RMSPROP_UPDATE, SUM_ROWS } from '../custom-kernels'
import { conv2DBackpropFilterCpu } from './conv2d-backprop-filter'
import {
  batchNormApplyCpu,
  batchNormGradCpu,
  batchNormRunningCpu,
  batchNormStatsCpu,
  flipFilterCpu,
  fractionalPoolCpu,
  fractionalPoolGradCpu,
  im2colCpu,
  rmspropUpdateCpu,
  sumRowsCpu
} from './custom'
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

/** Registers one of the project's own kernels (custom-kernels.ts), which tfjs does not have. */
function add(kernelName: string, kernelFunc: KernelFunc): void {
  if (getKernel(kernelName, 'cpu')) return
  registerKernel({ kernelName, backendName: 'cpu', kernelFunc })
}

/** Replaces the broken cpu kernels with the project's and adds the project's own. Safe to call any number of times. */
export function registerCpuKernelFixes(): void {
  install('Conv2DBackpropFilter', () => conv2DBackpropFilterCpu)
  install('ResizeNearestNeighborGrad', () => resizeNearestNeighborGradCpu)
  install('ResizeBilinearGrad', (builtin) => fixedResizeBilinearGrad(builtin))
  add(RMSPROP_UPDATE, rmspropUpdateCpu)
  add(IM2COL, im2colCpu)
  add(BN_STATS, batchNormStatsCpu)
  add(BN_APPLY, batchNormApplyCpu)
  add(BN_GRAD, batchNormGradCpu)
  add(BN_RUNNING, batchNormRunningCpu)
  add(FRACTIONAL_POOL, fractionalPoolCpu)
  add(FRACTIONAL_POOL_GRAD, fractionalPoolGradCpu)
  add(FLIP_FILTER, flipFilterCpu)
  add(SUM_ROWS, sumRowsCpu)
}

/** tfjs-backend-cpu's original implementation of a kernel that ours replaced (for tests and the bench). */
export function builtinCpuKernel(kernelName: string): KernelConfig | undefined {
  return builtins.get(kernelName)
}
