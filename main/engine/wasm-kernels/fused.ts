// The project's batch-norm and fractional-pooling kernels (custom-kernels.ts) for wasm: the plain-JS
// arithmetic over the wasm heap. Each replaces a chain of small wasm kernels (batch norm: ~20 forward and ~30
// backward; pooling: gathers, transposes and scatters), whose per-call cost dominated the training step.
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { float32View } from './backend-calls'
import {
  batchNormApplyInto,
  batchNormGradInto,
  batchNormRunningInPlace,
  batchNormScale,
  batchNormStats,
  fractionalPoolGradInto,
  fractionalPoolInto,
  splitStats,
  type BatchNormAttrs,
  type BatchNormRunningAttrs,
  type FractionalPoolAttrs
} from '../custom-kernels'

type Inputs = Record<string, TensorInfo>

function int32View(backend: BackendWasm, info: TensorInfo): Int32Array {
  const view = backend.typedArrayFromHeap(info)
  if (!(view instanceof Int32Array)) throw new Error(`expected an int32 tensor, got ${info.dtype}`)
  return view
}

/** Copies of the inputs' values (a later allocation can move the heap under a view). */
const copy = (backend: BackendWasm, info: TensorInfo) => float32View(backend, info).slice()

/** The mean and variance given to a batch-norm kernel (copied: later allocations can move the heap). */
function statsOf(wasm: BackendWasm, inputs: Inputs): { mean: Float32Array; variance: Float32Array } {
  if (inputs.stats) return splitStats(copy(wasm, inputs.stats))
  return { mean: copy(wasm, inputs.mean), variance: copy(wasm, inputs.variance) }
}

export const batchNormStatsWasm: KernelFunc = ({ inputs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x } = inputs as Inputs
  const channels = x.shape[x.shape.length - 1]
  const stats = batchNormStats(float32View(wasm, x), channels)
  const out = wasm.makeOutput([2, channels], 'float32')
  float32View(wasm, out).set(stats)
  return out
}

export const batchNormApplyWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x, weight, bias } = inputs as Inputs
  const a = attrs as unknown as BatchNormAttrs
  const { mean, variance } = statsOf(wasm, inputs as Inputs)
  const scale = batchNormScale(variance, copy(wasm, weight), a.eps)
  const shift = copy(wasm, bias)
  const out = wasm.makeOutput(x.shape, 'float32')
  batchNormApplyInto(float32View(wasm, out), float32View(wasm, x), mean, scale, shift, a.relu)
  return out
}

export const batchNormGradWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x, dy, weight, bias } = inputs as Inputs
  const { mean, variance } = statsOf(wasm, inputs as Inputs)
  const w = copy(wasm, weight)
  const b = copy(wasm, bias)
  const dx = wasm.makeOutput(x.shape, 'float32')
  const dweight = wasm.makeOutput(weight.shape, 'float32')
  const dbias = wasm.makeOutput(bias.shape, 'float32')
  const [gw, gb] = batchNormGradInto(float32View(wasm, dx), float32View(wasm, x), float32View(wasm, dy), mean, variance, w, b, attrs as unknown as BatchNormAttrs)
  float32View(wasm, dweight).set(gw)
  float32View(wasm, dbias).set(gb)
  return [dx, dweight, dbias]
}

export const batchNormRunningWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { runningMean, runningVar } = inputs as Inputs
  const { mean, variance } = statsOf(wasm, inputs as Inputs)
  const m = copy(wasm, runningMean)
  const v = copy(wasm, runningVar)
  batchNormRunningInPlace(m, v, mean, variance, attrs as unknown as BatchNormRunningAttrs)
  const outs = [wasm.makeOutput(runningMean.shape, 'float32'), wasm.makeOutput(runningVar.shape, 'float32')]
  float32View(wasm, outs[0]).set(m)
  float32View(wasm, outs[1]).set(v)
  return outs
}

export const fractionalPoolWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x, rows, cols } = inputs as Inputs
  const a = attrs as unknown as FractionalPoolAttrs
  const out = wasm.makeOutput([x.shape[0], a.outHeight, a.outWidth, x.shape[3]], 'float32')
  fractionalPoolInto(float32View(wasm, out), float32View(wasm, x), x.shape, int32View(wasm, rows), int32View(wasm, cols), a)
  return out
}

export const fractionalPoolGradWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x, dy, rows, cols } = inputs as Inputs
  const dx = wasm.makeOutput(x.shape, 'float32')
  fractionalPoolGradInto(
    float32View(wasm, dx), float32View(wasm, x), float32View(wasm, dy), x.shape, int32View(wasm, rows), int32View(wasm, cols), attrs as unknown as FractionalPoolAttrs
  )
  return dx
}
