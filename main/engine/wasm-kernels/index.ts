// The project's kernels for tfjs-backend-wasm 4.22, which cannot train a conv net as shipped: it has no
// Conv2DBackpropFilter nor UnsortedSegmentSum (gather's gradient), its MaxPoolGrad is wrong on negative
// inputs, its Conv2DBackpropInput is a scalar loop ~10x slower than its XNNPACK Conv2D, its Slice, SplitV and
// Unpack copy the whole input for every piece, Identity copies what it could share, and Sum/Mean over the
// leading (batch and spatial) axes transpose the whole input first. The project's own kernels (batch norm,
// fractional pooling, RMSprop, nearest upsampling) and the passes over the data of several of the above run in
// hand-written wasm SIMD (simd/kernels.wat) on the backend's own heap. Importing this module also registers
// tfjs-core's gradients.
import '@tensorflow/tfjs-backend-wasm'
import '../gradients'
import { getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc } from '@tensorflow/tfjs-core'
import { conv2DBackpropFilterWasm } from './conv2d-backprop-filter'
import { conv2DBackpropInputWasm } from './conv2d-backprop-input'
import { maxPoolGradWasm } from './max-pool-grad'
import { makeMeanKernel, makeSumKernel } from './reductions'
import { makeIdentityKernel, makeSliceKernel, makeSplitVKernel, makeUnpackKernel } from './slice'
import { unsortedSegmentSumWasm } from './unsorted-segment-sum'
import { rmspropUpdateAllWasm, rmspropUpdateWasm } from './rmsprop-update'
import { batchNormApplyWasm, batchNormGradWasm, batchNormRunningWasm, batchNormStatsWasm, fractionalPoolGradWasm, fractionalPoolWasm, upsampleNearest2xGradWasm, upsampleNearest2xWasm } from './fused'
import { BN_APPLY, BN_GRAD, BN_RUNNING, BN_STATS, FRACTIONAL_POOL, FRACTIONAL_POOL_GRAD, RMSPROP_UPDATE, RMSPROP_UPDATE_ALL, registerInPlaceUpdates, UPSAMPLE_NEAREST_2X, UPSAMPLE_NEAREST_2X_GRAD } from '../custom-kernels'
import { wasmInPlaceUpdates } from './in-place-updates'

const BACKEND = 'wasm'

/** tfjs-backend-wasm's own kernels that ours replace, kept for comparison (bench) and for string inputs. */
const builtins = new Map<string, KernelConfig>()
const ours = new Map<string, KernelFunc>()

function install(kernelName: string, make: (builtin: KernelConfig | undefined) => KernelFunc): void {
  const current = getKernel(kernelName, BACKEND)
  if (current && ours.get(kernelName) === current.kernelFunc) return
  if (current) {
    builtins.set(kernelName, current)
    unregisterKernel(kernelName, BACKEND)
  }
  const kernelFunc = make(current)
  ours.set(kernelName, kernelFunc)
  // the built-in's setup (binding its wasm function) runs when the backend initialises, for registered
  // kernels only: keep it, since ours may call the built-in and the bench calls it directly
  registerKernel({ kernelName, backendName: BACKEND, kernelFunc, setupFunc: current?.setupFunc })
}

function requireBuiltin(kernelName: string, builtin: KernelConfig | undefined): KernelConfig {
  if (!builtin) throw new Error(`tfjs-backend-wasm has no ${kernelName} kernel to wrap`)
  return builtin
}

/** The names of the kernels that `registerWasmTrainingKernels` installs for 'wasm'. */
export const WASM_TRAINING_KERNELS = [
  'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'MaxPoolGrad', 'UnsortedSegmentSum', 'Slice', 'SplitV', 'Unpack', 'Identity', 'Sum', 'Mean',
  RMSPROP_UPDATE, RMSPROP_UPDATE_ALL, BN_STATS, BN_APPLY, BN_GRAD, BN_RUNNING, FRACTIONAL_POOL, FRACTIONAL_POOL_GRAD,
  UPSAMPLE_NEAREST_2X, UPSAMPLE_NEAREST_2X_GRAD
] as const

/** Registers the project's wasm kernels. Safe to call any number of times, before or after setBackend('wasm'). */
export function registerWasmTrainingKernels(): void {
  install('Conv2DBackpropInput', () => conv2DBackpropInputWasm)
  install('Conv2DBackpropFilter', () => conv2DBackpropFilterWasm)
  install('MaxPoolGrad', () => maxPoolGradWasm)
  install('UnsortedSegmentSum', () => unsortedSegmentSumWasm)
  install('Slice', (builtin) => makeSliceKernel(requireBuiltin('Slice', builtin)))
  install('SplitV', (builtin) => makeSplitVKernel(requireBuiltin('SplitV', builtin)))
  install('Unpack', (builtin) => makeUnpackKernel(requireBuiltin('Unpack', builtin)))
  install('Identity', (builtin) => makeIdentityKernel(requireBuiltin('Identity', builtin)))
  install('Sum', (builtin) => makeSumKernel(requireBuiltin('Sum', builtin)))
  install('Mean', (builtin) => makeMeanKernel(requireBuiltin('Mean', builtin)))
  install(RMSPROP_UPDATE, () => rmspropUpdateWasm)
  install(RMSPROP_UPDATE_ALL, () => rmspropUpdateAllWasm)
  // batch norm: the passes over the data in wasm SIMD (simd/kernels.wat)
  install(BN_STATS, () => batchNormStatsWasm)
  install(BN_APPLY, () => batchNormApplyWasm)
  install(BN_GRAD, () => batchNormGradWasm)
  install(BN_RUNNING, () => batchNormRunningWasm)
  install(FRACTIONAL_POOL, () => fractionalPoolWasm)
  install(FRACTIONAL_POOL_GRAD, () => fractionalPoolGradWasm)
  install(UPSAMPLE_NEAREST_2X, () => upsampleNearest2xWasm)
  install(UPSAMPLE_NEAREST_2X_GRAD, () => upsampleNearest2xGradWasm)
  // the batch-norm running statistics written into the variables' own memory where nothing else shares it
  registerInPlaceUpdates(BACKEND, wasmInPlaceUpdates)
}

/** tfjs-backend-wasm's original implementation of a kernel that ours replaced (undefined if it had none). */
export function builtinWasmKernel(kernelName: string): KernelConfig | undefined {
  return builtins.get(kernelName)
}
