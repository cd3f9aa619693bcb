// The project's batch-norm gradient and fractional-pooling kernels (custom-kernels.ts) for wasm: the plain-JS
// arithmetic over the wasm heap. Each replaces a chain of small wasm kernels (batch-norm gradient: ~30;
// pooling: gathers, transposes and scatters). The batch-norm forward stays on the backend's SIMD ops, which
// beat plain JS at it (measured: the paper model's training forward 1.0 s with a JS forward, 0.77 s without).
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { float32View } from './backend-calls'
import { batchNormGradInto, fractionalPoolGradInto, fractionalPoolInto, splitStats, type BatchNormAttrs, type FractionalPoolAttrs } from '../custom-kernels'

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
