// The project's kernels for tfjs-backend-webgpu 4.22, which as shipped trains PyraNet ~95x slower than PyTorch
// on the same GPU (measured on an H200): its Conv2DBackpropFilter gives each filter element one thread that
// loops over every output pixel, its Conv2DBackpropInput is an untiled direct convolution, and the model's
// batch norm and optimizer ran as thousands of small elementwise dispatches. Here: both convolution gradients
// as matmuls, fused batch-norm and RMSprop kernels (custom-kernels.ts). Registered by initEngine('webgpu');
// the tfjs kernels they replace are kept for comparison (scripts/gpu/profile.ts).
import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core'
import {
  BN_APPLY,
  BN_GRAD,
  BN_RUNNING,
  BN_STATS,
  FLIP_FILTER,
  FRACTIONAL_POOL,
  FRACTIONAL_POOL_GRAD,
  IM2COL,
  registerInPlaceUpdates,
  RMSPROP_UPDATE,
  SUM_ROWS,
  type BatchNormAttrs,
  type BatchNormRunningAttrs,
  type FractionalPoolAttrs,
  type Im2ColAttrs,
  type RmspropAttrs
} from '../custom-kernels'
import { runBatchNormApply, runBatchNormGrad, runBatchNormRunning, runBatchNormStats } from './batch-norm'
import { makeConv2DBackpropFilterGemm } from './conv2d-backprop-filter'
import { makeConv2DBackpropInputGemm } from './conv2d-backprop-input'
import { runFractionalPool, runFractionalPoolGrad } from './fractional-pool'
import { runFlipFilter, runIm2col, runRmspropUpdate, runSumRows, type WebgpuBackendLike } from './programs'
import { webgpuInPlaceUpdates } from './in-place-updates'

const BACKEND = 'webgpu'

const im2colWebgpu: KernelFunc = ({ inputs, attrs, backend }) =>
  runIm2col(backend as unknown as WebgpuBackendLike, (inputs as { x: TensorInfo }).x, attrs as unknown as Im2ColAttrs)

const rmspropUpdateWebgpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const { param, grad, squareAvg } = inputs as { param: TensorInfo; grad: TensorInfo; squareAvg: TensorInfo }
  return runRmspropUpdate(backend as unknown as WebgpuBackendLike, param, grad, squareAvg, attrs as unknown as RmspropAttrs)
}

type Inputs = Record<string, TensorInfo>
const gpu = (backend: unknown) => backend as WebgpuBackendLike

const batchNormStatsWebgpu: KernelFunc = ({ inputs, backend }) => runBatchNormStats(gpu(backend), (inputs as Inputs).x)

const batchNormApplyWebgpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, stats, mean, variance, weight, bias } = inputs as Inputs
  return runBatchNormApply(gpu(backend), x, { stats, mean, variance }, weight, bias, attrs as unknown as BatchNormAttrs)
}

const batchNormGradWebgpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, dy, stats, weight, bias } = inputs as Inputs
  return runBatchNormGrad(gpu(backend), x, dy, stats, weight, bias, attrs as unknown as BatchNormAttrs)
}

const batchNormRunningWebgpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const { runningMean, runningVar, stats } = inputs as Inputs
  return runBatchNormRunning(gpu(backend), runningMean, runningVar, stats, attrs as unknown as BatchNormRunningAttrs)
}

const fractionalPoolWebgpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, rows, cols } = inputs as Inputs
  return runFractionalPool(gpu(backend), x, rows, cols, attrs as unknown as FractionalPoolAttrs)
}

const fractionalPoolGradWebgpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, dy, rows, cols, rowFirst, colFirst } = inputs as Inputs
  return runFractionalPoolGrad(gpu(backend), x, dy, rows, cols, rowFirst, colFirst, attrs as unknown as FractionalPoolAttrs)
}

/** Every kernel this module registers for 'webgpu', by name. */
const KERNELS: Record<string, (builtin: KernelConfig | undefined) => KernelFunc> = {
  Conv2DBackpropFilter: () => makeConv2DBackpropFilterGemm(BACKEND),
  Conv2DBackpropInput: (builtin) => makeConv2DBackpropInputGemm(BACKEND, builtin),
  [IM2COL]: () => im2colWebgpu,
  [RMSPROP_UPDATE]: () => rmspropUpdateWebgpu,
  [BN_STATS]: () => batchNormStatsWebgpu,
  [BN_APPLY]: () => batchNormApplyWebgpu,
  [BN_GRAD]: () => batchNormGradWebgpu,
  [BN_RUNNING]: () => batchNormRunningWebgpu,
  [FRACTIONAL_POOL]: () => fractionalPoolWebgpu,
  [FRACTIONAL_POOL_GRAD]: () => fractionalPoolGradWebgpu,
  [FLIP_FILTER]: () => ({ inputs, backend }) => runFlipFilter(gpu(backend), (inputs as Inputs).filter),
  [SUM_ROWS]: () => ({ inputs, backend }) => runSumRows(gpu(backend), (inputs as Inputs).x)
}

export const WEBGPU_TRAINING_KERNELS = Object.keys(KERNELS)

const builtins = new Map<string, KernelConfig>()
const ours = new Map<string, KernelFunc>()

/** Registers the project's webgpu kernels. Safe to call any number of times, before or after setBackend('webgpu'). */
export function registerWebgpuTrainingKernels(): void {
  for (const [kernelName, make] of Object.entries(KERNELS)) {
    const current = getKernel(kernelName, BACKEND)
    if (current && ours.get(kernelName) === current.kernelFunc) continue
    if (current) {
      builtins.set(kernelName, current)
      unregisterKernel(kernelName, BACKEND)
    }
    const kernelFunc = ours.get(kernelName) ?? make(builtins.get(kernelName))
    ours.set(kernelName, kernelFunc)
    registerKernel({ kernelName, backendName: BACKEND, kernelFunc })
  }
  registerInPlaceUpdates(BACKEND, webgpuInPlaceUpdates)
}

/** Puts tfjs' own kernels back (and removes the project's custom ones); for comparisons. */
export function unregisterWebgpuTrainingKernels(): void {
  registerInPlaceUpdates(BACKEND, null)
  for (const kernelName of Object.keys(KERNELS)) {
    const current = getKernel(kernelName, BACKEND)
    if (!current || ours.get(kernelName) !== current.kernelFunc) continue
    unregisterKernel(kernelName, BACKEND)
    const builtin = builtins.get(kernelName)
    if (builtin) registerKernel(builtin)
  }
}

/** tfjs-backend-webgpu's implementation of a kernel that ours replaced (undefined if it had none). */
export function builtinWebgpuKernel(kernelName: string): KernelConfig | undefined {
  return builtins.get(kernelName)
}
