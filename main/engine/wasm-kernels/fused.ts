// The project's batch-norm and fractional-pooling kernels (custom-kernels.ts) for wasm. Batch norm: statistics,
// normalisation and gradient each one kernel whose passes over the data run in wasm SIMD (simd/kernels.wat;
// plain JS over the wasm heap where the runtime lacks SIMD), instead of ~10 small backend ops forward and ~30
// backward. Pooling: one wasm kernel each way instead of gathers, transposes and scatters. Nearest x2
// upsampling: one SIMD kernel each way instead of stack and reshape (and unstack and add).
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { float32View } from './backend-calls'
import { channelPeriod, fillPeriodTable, heapOffset, simdKernels, type SimdKernels } from './simd'
import { upsampleNearest2xGradInto, upsampleNearest2xInto, batchNormApplyInto, batchNormGradInto, batchNormRunningInPlace, batchNormScale, batchNormStats, fractionalPoolGradInto, fractionalPoolInto, splitStats, type BatchNormAttrs, type BatchNormRunningAttrs, type FractionalPoolAttrs } from '../custom-kernels'

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
  const a = attrs as unknown as BatchNormAttrs
  const simd = simdKernels(wasm)
  if (simd) return batchNormGradSimd(wasm, simd, { x, dy, weight, bias }, mean, variance, w, b, a)
  const dx = wasm.makeOutput(x.shape, 'float32')
  const dweight = wasm.makeOutput(weight.shape, 'float32')
  const dbias = wasm.makeOutput(bias.shape, 'float32')
  const [gw, gb] = batchNormGradInto(float32View(wasm, dx), float32View(wasm, x), float32View(wasm, dy), mean, variance, w, b, a)
  float32View(wasm, dweight).set(gw)
  float32View(wasm, dbias).set(gb)
  return [dx, dweight, dbias]
}

/**
 * BN_GRAD's arithmetic with the two passes over x and dy in wasm SIMD (simd/kernels.wat): float32 elementwise
 * in the forward ops' order (so the ReLU mask is the forward's), per-channel sums in float64; the remainder
 * past the last whole period, and the per-channel coefficients, in JS.
 */
function batchNormGradSimd(
  wasm: BackendWasm, simd: SimdKernels, t: Inputs, mean: Float32Array, variance: Float32Array, weight: Float32Array, bias: Float32Array, attrs: BatchNormAttrs
): TensorInfo[] {
  const f = Math.fround
  const { x, dy } = t
  const channels = mean.length
  const total = x.shape.reduce((p, d) => p * d, 1)
  const period = channelPeriod(channels)
  const periods = Math.floor(total / period)
  const relu = attrs.relu ? 1 : 0
  const dx = wasm.makeOutput(x.shape, 'float32')
  const dweight = wasm.makeOutput(t.weight.shape, 'float32')
  const dbias = wasm.makeOutput(t.bias.shape, 'float32')
  // tables: 5 float32 rows of one period (mean, scale, bias, a, b), then 2 float64 rows (the sums)
  const scratch = wasm.makeOutput([9 * period], 'float32')
  const tables = heapOffset(wasm, scratch)
  const acc = tables + 5 * period * 4
  const heap = new Float32Array(wasm.wasm.HEAPU8.buffer)
  const at = tables / 4
  const scale = batchNormScale(variance, weight, attrs.eps)
  fillPeriodTable(heap, at, mean, period)
  fillPeriodTable(heap, at + period, scale, period)
  fillPeriodTable(heap, at + 2 * period, bias, period)
  new Float64Array(heap.buffer, acc, 2 * period).fill(0)
  const xAt = heapOffset(wasm, x)
  const dyAt = heapOffset(wasm, dy)
  simd.bn_grad_sums(xAt, dyAt, tables, acc, periods, period / 4, relu)
  const sums = new Float64Array(heap.buffer, acc, 2 * period)
  const sumG = new Float64Array(channels)
  const sumGd = new Float64Array(channels)
  for (let k = 0; k < period; k++) {
    sumG[k % channels] += sums[k]
    sumGd[k % channels] += sums[period + k]
  }
  const xs = float32View(wasm, x)
  const dys = float32View(wasm, dy)
  const masked = (c: number, d: number) => relu && !(f(f(d * scale[c]) + bias[c]) > 0)
  for (let i = periods * period; i < total; i++) {
    const c = i % channels
    const d = f(xs[i] - mean[c])
    const g = masked(c, d) ? 0 : dys[i]
    sumG[c] += g
    sumGd[c] += f(g * d)
  }
  // dx = scale·(g - dbias/M - x̂·dweight/M) = scale·g + a·(x - mean) + b, as batchNormGradInto
  const rows = total / channels
  const coefA = new Float32Array(channels)
  const coefB = new Float32Array(channels)
  const dw = float32View(wasm, dweight)
  const db = float32View(wasm, dbias)
  for (let c = 0; c < channels; c++) {
    const invStd = 1 / Math.sqrt(f(variance[c] + f(attrs.eps)))
    const sumGx = sumGd[c] * invStd
    coefA[c] = (-scale[c] * invStd * sumGx) / rows
    coefB[c] = (-scale[c] * sumG[c]) / rows
    dw[c] = sumGx
    db[c] = sumG[c]
  }
  fillPeriodTable(heap, at + 3 * period, coefA, period)
  fillPeriodTable(heap, at + 4 * period, coefB, period)
  simd.bn_grad_dx(xAt, dyAt, heapOffset(wasm, dx), tables, periods, period / 4, relu)
  const dxs = float32View(wasm, dx)
  for (let i = periods * period; i < total; i++) {
    const c = i % channels
    const d = f(xs[i] - mean[c])
    const g = masked(c, d) ? 0 : dys[i]
    dxs[i] = f(f(f(scale[c] * g) + f(coefA[c] * d)) + coefB[c])
  }
  wasm.disposeData(scratch.dataId)
  return [dx, dweight, dbias]
}

/** A shape's element count and its split into whole periods of the SIMD kernels' channel tables. */
function periodsOf(shape: readonly number[], channels: number): { total: number; period: number; periods: number } {
  const total = shape.reduce((p, d) => p * d, 1)
  const period = channelPeriod(channels)
  return { total, period, periods: Math.floor(total / period) }
}

/** BN_STATS: the one-pass shifted float64 sums of custom-kernels.ts batchNormStats, the passes in SIMD. */
export const batchNormStatsWasm: KernelFunc = ({ inputs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x } = inputs as Inputs
  const channels = x.shape[x.shape.length - 1]
  const stats = wasm.makeOutput([2, channels], 'float32')
  const simd = simdKernels(wasm)
  if (!simd) {
    float32View(wasm, stats).set(batchNormStats(float32View(wasm, x), channels))
    return stats
  }
  const { total, period, periods } = periodsOf(x.shape, channels)
  const scratch = wasm.makeOutput([5 * period], 'float32') // shift (float32), then sums and squares (float64)
  const tables = heapOffset(wasm, scratch)
  const acc = tables + period * 4
  const heap = new Float32Array(wasm.wasm.HEAPU8.buffer)
  const xs = float32View(wasm, x)
  const shift = xs.slice(0, channels) // each channel's first value
  fillPeriodTable(heap, tables / 4, shift, period)
  new Float64Array(heap.buffer, acc, 2 * period).fill(0)
  simd.bn_stats(heapOffset(wasm, x), tables, acc, periods, period / 4)
  const partial = new Float64Array(heap.buffer, acc, 2 * period)
  const sums = new Float64Array(channels)
  const squares = new Float64Array(channels)
  for (let k = 0; k < period; k++) {
    sums[k % channels] += partial[k]
    squares[k % channels] += partial[period + k]
  }
  for (let i = periods * period; i < total; i++) {
    const c = i % channels
    const d = Math.fround(xs[i] - shift[c])
    sums[c] += d
    squares[c] += d * d
  }
  const rows = total / channels
  const out = float32View(wasm, stats)
  for (let c = 0; c < channels; c++) {
    const m = sums[c] / rows
    out[c] = shift[c] + m
    out[channels + c] = Math.max(0, squares[c] / rows - m * m)
  }
  wasm.disposeData(scratch.dataId)
  return stats
}

/** BN_APPLY in float32 in the tfjs ops' order (sub, mul, add, then the ReLU as `y > 0 ? y : 0`). */
export const batchNormApplyWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x, weight, bias } = inputs as Inputs
  const { mean, variance } = statsOf(wasm, inputs as Inputs)
  const a = attrs as unknown as BatchNormAttrs
  const scale = batchNormScale(variance, copy(wasm, weight), a.eps)
  const b = copy(wasm, bias)
  const y = wasm.makeOutput(x.shape, 'float32')
  const simd = simdKernels(wasm)
  if (!simd) {
    batchNormApplyInto(float32View(wasm, y), float32View(wasm, x), mean, scale, b, a.relu)
    return y
  }
  const channels = mean.length
  const { total, period, periods } = periodsOf(x.shape, channels)
  const scratch = wasm.makeOutput([3 * period], 'float32')
  const tables = heapOffset(wasm, scratch)
  const heap = new Float32Array(wasm.wasm.HEAPU8.buffer)
  fillPeriodTable(heap, tables / 4, mean, period)
  fillPeriodTable(heap, tables / 4 + period, scale, period)
  fillPeriodTable(heap, tables / 4 + 2 * period, b, period)
  simd.bn_apply(heapOffset(wasm, x), heapOffset(wasm, y), tables, periods, period / 4, a.relu ? 1 : 0)
  const f = Math.fround
  const xs = float32View(wasm, x)
  const ys = float32View(wasm, y)
  for (let i = periods * period; i < total; i++) {
    const c = i % channels
    const v = f(f(f(xs[i] - mean[c]) * scale[c]) + b[c])
    ys[i] = a.relu && !(v > 0) ? 0 : v
  }
  wasm.disposeData(scratch.dataId)
  return y
}

/** BN_RUNNING: two small vectors, in JS (one kernel call instead of the ~10 small ops of the op form). */
export const batchNormRunningWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { runningMean, runningVar, stats } = inputs as Inputs
  const { mean, variance } = splitStats(copy(wasm, stats))
  const nextMean = wasm.makeOutput(runningMean.shape, 'float32')
  const nextVar = wasm.makeOutput(runningVar.shape, 'float32')
  const m = float32View(wasm, nextMean)
  const v = float32View(wasm, nextVar)
  m.set(float32View(wasm, runningMean))
  v.set(float32View(wasm, runningVar))
  batchNormRunningInPlace(m, v, mean, variance, attrs as unknown as BatchNormRunningAttrs)
  return [nextMean, nextVar]
}

export const fractionalPoolWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x, rows, cols } = inputs as Inputs
  const a = attrs as unknown as FractionalPoolAttrs
  const out = wasm.makeOutput([x.shape[0], a.outHeight, a.outWidth, x.shape[3]], 'float32')
  const simd = simdKernels(wasm)
  if (simd) runFractionalPool(wasm, simd, x, null, out, rows, cols, a)
  else fractionalPoolInto(float32View(wasm, out), float32View(wasm, x), x.shape, int32View(wasm, rows), int32View(wasm, cols), a)
  return out
}

export const fractionalPoolGradWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x, dy, rows, cols } = inputs as Inputs
  const a = attrs as unknown as FractionalPoolAttrs
  const dx = wasm.makeOutput(x.shape, 'float32')
  const simd = simdKernels(wasm)
  if (simd) runFractionalPool(wasm, simd, x, dy, dx, rows, cols, a)
  else fractionalPoolGradInto(float32View(wasm, dx), float32View(wasm, x), float32View(wasm, dy), x.shape, int32View(wasm, rows), int32View(wasm, cols), a)
  return dx
}

/** The pooling (dy null) or its gradient in wasm (simd/kernels.wat fractional_pool): the JS loops' arithmetic. */
function runFractionalPool(
  wasm: BackendWasm, simd: SimdKernels, x: TensorInfo, dy: TensorInfo | null, out: TensorInfo, rows: TensorInfo, cols: TensorInfo, a: FractionalPoolAttrs
): void {
  const [n, h, w, c] = x.shape
  simd.fractional_pool(
    heapOffset(wasm, x), dy ? heapOffset(wasm, dy) : 0, heapOffset(wasm, out), heapOffset(wasm, rows), heapOffset(wasm, cols),
    n, h, w, c, a.outHeight, a.outWidth, a.shared ? 0 : a.outHeight, a.shared ? 0 : a.outWidth, dy ? 1 : 0
  )
}

/** UPSAMPLE_NEAREST_2X: SIMD where the channels come in fours, JS otherwise. */
export const upsampleNearest2xWasm: KernelFunc = ({ inputs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x } = inputs as Inputs
  const [n, h, w, c] = x.shape
  const out = wasm.makeOutput([n, 2 * h, 2 * w, c], 'float32')
  const simd = simdKernels(wasm)
  if (simd && c % 4 === 0) simd.upsample_2x(heapOffset(wasm, x), heapOffset(wasm, out), n * h, w, c)
  else upsampleNearest2xInto(float32View(wasm, out), float32View(wasm, x), x.shape)
  return out
}

export const upsampleNearest2xGradWasm: KernelFunc = ({ inputs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { dy } = inputs as Inputs
  const [n, h2, w2, c] = dy.shape
  const shape = [n, h2 / 2, w2 / 2, c]
  const dx = wasm.makeOutput(shape, 'float32')
  const simd = simdKernels(wasm)
  if (simd && c % 4 === 0) simd.upsample_2x_grad(heapOffset(wasm, dy), heapOffset(wasm, dx), n * shape[1], shape[2], c)
  else upsampleNearest2xGradInto(float32View(wasm, dx), float32View(wasm, dy), shape)
  return dx
}
