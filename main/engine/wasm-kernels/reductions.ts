// Sum and Mean over leading axes for wasm (the bias and BatchNorm reductions of a conv net: NHWC over
// N, H, W). The built-in kernels first transpose the reduced axes to the end, a full copy of the activation
// that costs more than the reduction; here rows are added straight from the heap, in float64.
// Any other reduction (inner axes, non-float32) goes to the built-in kernel.
import { util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { float32View } from './backend-calls'
import { channelPeriod, heapOffset, simdKernels } from './simd'

/** The number of leading axes reduced, or 0 when `axes` are not exactly 0..k-1 (k < rank). */
function leadingAxes(axis: number | number[], shape: number[]): number {
  const axes = [...new Set(util.parseAxisParam(axis, shape))].sort((a, b) => a - b)
  const leading = axes.every((a, i) => a === i) ? axes.length : 0
  return leading < shape.length ? leading : 0
}

/** Column sums of a rows x inner matrix. Eight rows per pass: the plain loop is an order of magnitude slower in V8. */
export function sumRows(values: Float32Array, rows: number, inner: number): Float64Array {
  const sums = new Float64Array(inner)
  const C = inner
  let r = 0
  for (; r + 8 <= rows; r += 8) {
    const base = r * C
    for (let j = 0; j < C; j++) {
      const q = base + j
      sums[j] += values[q] + values[q + C] + (values[q + 2 * C] + values[q + 3 * C]) +
        (values[q + 4 * C] + values[q + 5 * C] + (values[q + 6 * C] + values[q + 7 * C]))
    }
  }
  for (; r < rows; r++) {
    const base = r * C
    for (let j = 0; j < C; j++) sums[j] += values[base + j]
  }
  return sums
}

/** sumRows of a tensor on the heap, its whole periods of lcm(inner, 4) floats in wasm SIMD where there is SIMD. */
function columnSums(wasm: BackendWasm, x: TensorInfo, rows: number, inner: number): Float64Array {
  const simd = simdKernels(wasm)
  if (!simd) return sumRows(float32View(wasm, x), rows, inner)
  const period = channelPeriod(inner)
  const total = rows * inner
  const periods = Math.floor(total / period)
  const scratch = wasm.makeOutput([2 * period], 'float32') // float64 sums per period position
  const acc = heapOffset(wasm, scratch)
  new Float64Array(wasm.wasm.HEAPU8.buffer, acc, period).fill(0)
  simd.column_sums(heapOffset(wasm, x), acc, periods, period / 4)
  const partial = new Float64Array(wasm.wasm.HEAPU8.buffer, acc, period)
  const sums = new Float64Array(inner)
  for (let k = 0; k < period; k++) sums[k % inner] += partial[k]
  const values = float32View(wasm, x)
  for (let i = periods * period; i < total; i++) sums[i % inner] += values[i]
  wasm.disposeData(scratch.dataId)
  return sums
}

function makeLeadingReduction(builtin: KernelConfig, mean: boolean): KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo
    const { axis, keepDims } = args.attrs as NamedAttrMap & { axis: number | number[]; keepDims: boolean }
    const count = x.dtype === 'float32' ? leadingAxes(axis, x.shape) : 0
    if (count === 0) return builtin.kernelFunc(args)
    const wasm = args.backend as unknown as BackendWasm
    const kept = x.shape.slice(count)
    const out = wasm.makeOutput(keepDims ? [...x.shape.slice(0, count).map(() => 1), ...kept] : kept, 'float32')
    const inner = util.sizeFromShape(kept)
    const rows = util.sizeFromShape(x.shape.slice(0, count))
    const sums = columnSums(wasm, x, rows, inner)
    const target = float32View(wasm, out)
    const scale = mean ? 1 / rows : 1
    for (let j = 0; j < inner; j++) target[j] = sums[j] * scale
    return out
  }
}

export const makeSumKernel = (builtin: KernelConfig) => makeLeadingReduction(builtin, false)
export const makeMeanKernel = (builtin: KernelConfig) => makeLeadingReduction(builtin, true)
