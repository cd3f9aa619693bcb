// Kernels of the project's own (names tfjs does not have), with their plain-JS arithmetic. The model calls them
// through tf.engine().runKernel when the active backend has them registered and falls back to tfjs ops
// otherwise (e.g. on tfjs-node): see hasKernel. Each backend registers its implementation (cpu-kernels/,
// wasm-kernels/, webgpu-kernels/); the JS functions here are the cpu and wasm implementations and the
// reference the webgpu programs are checked against.
import { getKernel, getBackend, type Tensor, type Variable } from '@tensorflow/tfjs-core'

/**
 * One RMSprop step of one parameter, torch.optim.RMSprop's arithmetic (momentum 0), in float32:
 *   g' = g + weightDecay·p;  v' = alpha·v + (1 - alpha)·g'²;  p' = p - lr·g' / (sqrt(v') + eps)
 * Inputs {param, grad, squareAvg}; attrs RmspropAttrs; outputs [param', squareAvg'].
 */
export const RMSPROP_UPDATE = 'PyraRmspropUpdate'

/**
 * RMSPROP_UPDATE for many parameters in one call (per-call cost dominates for the ~350 small tensors of a
 * PyraNet). Inputs {param0, grad0, squareAvg0, param1, …}; attrs RmspropAttrs & {count}; outputs
 * [param0', squareAvg0', param1', squareAvg1', …].
 */
export const RMSPROP_UPDATE_ALL = 'PyraRmspropUpdateAll'

export interface RmspropAttrs {
  lr: number
  alpha: number
  eps: number
  weightDecay: number
}

/**
 * im2col for a NHWC convolution (dilation 1): x [N, H, W, C] -> [N·OH·OW, KH·KW·C], row p = (b, oy, ox), column
 * (kh·KW + kw)·C + c holding x[b, oy·sh + kh - top, ox·sw + kw - left, c], zero where that falls in padding.
 * Inputs {x}; attrs Im2ColAttrs.
 */
export const IM2COL = 'PyraIm2Col'

export interface Im2ColAttrs {
  filterHeight: number
  filterWidth: number
  strideHeight: number
  strideWidth: number
  padTop: number
  padLeft: number
  outHeight: number
  outWidth: number
}

/** True when the active backend has `kernelName` registered. */
export function hasKernel(kernelName: string): boolean {
  return getKernel(kernelName, getBackend()) != null
}

/** In place: updates `param` and `squareAvg` from `grad` (all the same length), rounding as float32 ops do. */
export function rmspropUpdateInPlace(param: Float32Array, grad: Float32Array, squareAvg: Float32Array, attrs: RmspropAttrs): void {
  const f = Math.fround
  const alpha = f(attrs.alpha)
  const rest = f(1 - attrs.alpha)
  const lr = f(attrs.lr)
  const eps = f(attrs.eps)
  const decay = f(attrs.weightDecay)
  for (let i = 0; i < param.length; i++) {
    const g = decay ? f(grad[i] + f(param[i] * decay)) : grad[i]
    const v = f(f(squareAvg[i] * alpha) + f(f(g * g) * rest))
    squareAvg[i] = v
    param[i] = f(param[i] - f(f(g / f(f(Math.sqrt(v)) + eps)) * lr))
  }
}

export function im2colInto(out: Float32Array, x: Float32Array, shape: readonly number[], a: Im2ColAttrs): void {
  const [n, h, w, c] = shape
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, padTop, padLeft, outHeight: oh, outWidth: ow } = a
  const rowLength = kh * kw * c
  let at = 0
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        for (let i = 0; i < kh; i++) {
          const iy = oy * sh + i - padTop
          for (let j = 0; j < kw; j++) {
            const ix = ox * sw + j - padLeft
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
              out.fill(0, at, at + c)
            } else {
              const src = ((b * h + iy) * w + ix) * c
              out.set(x.subarray(src, src + c), at)
            }
            at += c
          }
        }
      }
    }
  }
  if (at !== n * oh * ow * rowLength) throw new Error('im2col: size mismatch')
}

/**
 * Batch statistics of a channels-last tensor viewed as [M, C] (M = N·H·W): stats [2, C], row 0 the mean,
 * row 1 the biased variance. Inputs {x}; output stats.
 */
export const BN_STATS = 'PyraBatchNormStats'

/**
 * Batch norm (then ReLU when `relu`) with given statistics: y = (x - mean)·scale + bias, scale = weight / sqrt(variance + eps).
 * Inputs {x, stats, weight, bias} (stats as BN_STATS gives them) or {x, mean, variance, weight, bias} (each [C]);
 * attrs BatchNormAttrs; output like x.
 */
export const BN_APPLY = 'PyraBatchNormApply'

/**
 * The gradient of BN_APPLY in training mode (mean and variance are the batch's own, so they depend on x):
 * with x̂ = (x - mean)/sqrt(variance + eps), g = dy (masked by y > 0 when `relu`), M = N·H·W:
 *   dbias = Σ g,  dweight = Σ g·x̂,  dx = scale·(g - dbias/M - x̂·dweight/M)
 * Inputs {x, dy, stats, weight, bias}; attrs BatchNormAttrs; outputs [dx, dweight, dbias].
 */
export const BN_GRAD = 'PyraBatchNormGrad'

export interface BatchNormAttrs {
  eps: number
  relu: boolean
}

/**
 * BN_STATS: [mean; biased variance] per channel of x viewed as [M, C]: one pass accumulating in float64 around
 * each channel's first value (a shift that keeps the sum of squares free of cancellation for channels whose
 * mean is large next to their spread).
 */
export function batchNormStats(x: Float32Array, channels: number): Float32Array {
  const rows = x.length / channels
  const shift = new Float64Array(channels)
  for (let c = 0; c < channels; c++) shift[c] = x[c]
  const sums = new Float64Array(channels)
  const squares = new Float64Array(channels)
  for (let at = 0; at < x.length; ) {
    for (let c = 0; c < channels; c++, at++) {
      const d = x[at] - shift[c]
      sums[c] += d
      squares[c] += d * d
    }
  }
  const stats = new Float32Array(2 * channels)
  for (let c = 0; c < channels; c++) {
    const m = sums[c] / rows
    stats[c] = shift[c] + m
    stats[channels + c] = Math.max(0, squares[c] / rows - m * m)
  }
  return stats
}

/** The mean and variance rows of a stats tensor's values. */
export function splitStats(stats: Float32Array): { mean: Float32Array; variance: Float32Array } {
  const channels = stats.length / 2
  return { mean: stats.subarray(0, channels), variance: stats.subarray(channels) }
}

/** weight / sqrt(variance + eps) per channel, rounded as the tfjs ops add, rsqrt, mul would. */
export function batchNormScale(variance: Float32Array, weight: Float32Array, eps: number): Float32Array {
  const f = Math.fround
  return variance.map((v, c) => f(weight[c] * f(1 / Math.sqrt(f(v + f(eps))))))
}

/** y = (x - mean)·scale + bias (then ReLU), in float64, rounded once. */
export function batchNormApplyInto(out: Float32Array, x: Float32Array, mean: Float32Array, scale: Float32Array, bias: Float32Array, relu: boolean): void {
  const channels = mean.length
  for (let at = 0; at < x.length; ) {
    for (let c = 0; c < channels; c++, at++) {
      const y = (x[at] - mean[c]) * scale[c] + bias[c]
      out[at] = relu && !(y > 0) ? 0 : y
    }
  }
}

/** Fills dx and returns [dweight, dbias] (see BN_GRAD); sums in float64. The ReLU mask is BN_APPLY's test. */
export function batchNormGradInto(
  dx: Float32Array, x: Float32Array, dy: Float32Array, mean: Float32Array, variance: Float32Array, weight: Float32Array, bias: Float32Array, attrs: BatchNormAttrs
): [Float32Array, Float32Array] {
  const f = Math.fround
  const channels = mean.length
  const rows = x.length / channels
  const scale = batchNormScale(variance, weight, attrs.eps)
  const invStd = Float64Array.from(variance, (v) => 1 / Math.sqrt(f(v + f(attrs.eps))))
  const relu = attrs.relu
  const sumG = new Float64Array(channels)
  const sumGx = new Float64Array(channels)
  for (let at = 0; at < x.length; ) {
    for (let c = 0; c < channels; c++, at++) {
      const centered = x[at] - mean[c]
      if (relu && !(centered * scale[c] + bias[c] > 0)) continue
      const g = dy[at]
      sumG[c] += g
      sumGx[c] += g * centered
    }
  }
  // dx = scale·(g - dbias/M - x̂·dweight/M) = scale·g + a·(x - mean) + b per channel
  const a = new Float64Array(channels)
  const b = new Float64Array(channels)
  for (let c = 0; c < channels; c++) {
    sumGx[c] *= invStd[c] // Σ g·x̂
    a[c] = (-scale[c] * invStd[c] * sumGx[c]) / rows
    b[c] = (-scale[c] * sumG[c]) / rows
  }
  for (let at = 0; at < x.length; ) {
    for (let c = 0; c < channels; c++, at++) {
      const centered = x[at] - mean[c]
      const g = relu && !(centered * scale[c] + bias[c] > 0) ? 0 : dy[at]
      dx[at] = scale[c] * g + a[c] * centered + b[c]
    }
  }
  return [Float32Array.from(sumGx), Float32Array.from(sumG)]
}

/**
 * The running statistics after one training batch, as nn.BatchNorm2d moves them:
 *   runningMean' = (1 - momentum)·runningMean + momentum·mean
 *   runningVar'  = (1 - momentum)·runningVar + momentum·variance·count/(count - 1)
 * Inputs {runningMean, runningVar, stats}; attrs BatchNormRunningAttrs; outputs [runningMean', runningVar'].
 */
export const BN_RUNNING = 'PyraBatchNormRunning'

export interface BatchNormRunningAttrs {
  momentum: number
  /** N·H·W of the batch */
  count: number
}

/** In place, rounding as the tfjs ops mul, add would. */
export function batchNormRunningInPlace(runningMean: Float32Array, runningVar: Float32Array, mean: Float32Array, variance: Float32Array, a: BatchNormRunningAttrs): void {
  const f = Math.fround
  const keep = f(1 - a.momentum)
  const take = f(a.momentum)
  const unbias = f(a.count / Math.max(a.count - 1, 1))
  for (let c = 0; c < runningMean.length; c++) {
    runningMean[c] = f(f(runningMean[c] * keep) + f(mean[c] * take))
    runningVar[c] = f(f(runningVar[c] * keep) + f(f(variance[c] * unbias) * take))
  }
}

/**
 * Fractional max-pooling with 2x2 windows at given starts (main/model/fractional-max-pool.ts computes them):
 * out[b, i, j, c] = max of x[b, r..r+1, q..q+1, c], r = rows[p·outHeight + i], q = cols[p·outWidth + j],
 * p = b·C + c (or p = 0 for every plane when `shared`). Inputs {x, rows, cols} (int32); attrs
 * FractionalPoolAttrs; output [N, outHeight, outWidth, C].
 */
export const FRACTIONAL_POOL = 'PyraFractionalMaxPool'

/**
 * Its gradient: each window's dy goes to the first maximum of its window in row-major order (as torch's
 * fractional_max_pool2d and tfjs' MaxPoolGrad route it), summed where windows overlap. Inputs {x, dy, rows,
 * cols, rowFirst, colFirst}: rowFirst[p·H + y] is the first window i of plane p whose start is at least y - 1
 * (likewise colFirst over columns); backends that scatter instead of gather ignore them. Output like x.
 */
export const FRACTIONAL_POOL_GRAD = 'PyraFractionalMaxPoolGrad'

export interface FractionalPoolAttrs {
  outHeight: number
  outWidth: number
  /** one table for every plane (the deterministic pooling mode) */
  shared: boolean
}

/** For each plane and input index y: the first window whose start is >= y - 1 (starts ascend within a plane). */
export function firstWindows(starts: Int32Array, planes: number, outSize: number, inSize: number): Int32Array {
  const first = new Int32Array(planes * inSize)
  for (let p = 0; p < planes; p++) {
    let i = 0
    for (let y = 0; y < inSize; y++) {
      while (i < outSize && starts[p * outSize + i] < y - 1) i++
      first[p * inSize + y] = i
    }
  }
  return first
}

interface PoolGeometry {
  n: number
  h: number
  w: number
  c: number
  rowStride: number
  colStride: number
}

function poolGeometry(shape: readonly number[], a: FractionalPoolAttrs): PoolGeometry {
  const [n, h, w, c] = shape
  return { n, h, w, c, rowStride: a.shared ? 0 : a.outHeight, colStride: a.shared ? 0 : a.outWidth }
}

export function fractionalPoolInto(out: Float32Array, x: Float32Array, shape: readonly number[], rows: Int32Array, cols: Int32Array, a: FractionalPoolAttrs): void {
  const { n, h, w, c, rowStride, colStride } = poolGeometry(shape, a)
  let at = 0
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < a.outHeight; i++) {
      for (let j = 0; j < a.outWidth; j++) {
        for (let ch = 0; ch < c; ch++, at++) {
          const p = b * c + ch
          const top = ((b * h + rows[p * rowStride + i]) * w + cols[p * colStride + j]) * c + ch
          const below = top + w * c
          out[at] = Math.max(x[top], x[top + c], x[below], x[below + c])
        }
      }
    }
  }
}

export function fractionalPoolGradInto(dx: Float32Array, x: Float32Array, dy: Float32Array, shape: readonly number[], rows: Int32Array, cols: Int32Array, a: FractionalPoolAttrs): void {
  const { n, h, w, c, rowStride, colStride } = poolGeometry(shape, a)
  dx.fill(0)
  let at = 0
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < a.outHeight; i++) {
      for (let j = 0; j < a.outWidth; j++) {
        for (let ch = 0; ch < c; ch++, at++) {
          const p = b * c + ch
          const top = ((b * h + rows[p * rowStride + i]) * w + cols[p * colStride + j]) * c + ch
          const below = top + w * c
          let best = top
          if (x[top + c] > x[best]) best = top + c
          if (x[below] > x[best]) best = below
          if (x[below + c] > x[best]) best = below + c
          dx[best] += dy[at]
        }
      }
    }
  }
}

/**
 * A filter for the transposed convolution: w [KH, KW, Cin, Cout] -> [KH, KW, Cout, Cin] with
 * out[kh, kw, o, i] = w[KH-1-kh, KW-1-kw, i, o] (flipped in space, channels swapped). Inputs {filter}.
 */
export const FLIP_FILTER = 'PyraFlipFilter'

export function flipFilterInto(out: Float32Array, w: Float32Array, shape: readonly number[]): void {
  const [kh, kw, ci, co] = shape
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const from = ((kh - 1 - a) * kw + (kw - 1 - b)) * ci * co
      const to = (a * kw + b) * co * ci
      for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) out[to + o * ci + i] = w[from + i * co + o]
    }
  }
}

/** One parameter's RMSprop step, for an in-place updater. */
export interface RmspropItem {
  param: Variable
  grad: Tensor
  squareAvg: Variable
}

/**
 * Updates that a backend can do in place (writing the variables' own memory, no new tensors). Each returns,
 * per item, whether it did; the caller does the rest through the kernels above. Registered per backend name.
 */
export interface InPlaceUpdates {
  /** RMSPROP_UPDATE's arithmetic, in place */
  rmsprop(items: RmspropItem[], attrs: RmspropAttrs): boolean[]
  /** BN_RUNNING's arithmetic, in place */
  batchNormRunning(runningMean: Variable, runningVar: Variable, stats: Tensor, attrs: BatchNormRunningAttrs): boolean
}

const inPlaceUpdaters = new Map<string, InPlaceUpdates>()

export function registerInPlaceUpdates(backendName: string, updates: InPlaceUpdates | null): void {
  if (updates) inPlaceUpdaters.set(backendName, updates)
  else inPlaceUpdaters.delete(backendName)
}

/** The in-place updates of the active backend, if it has them. */
export function inPlaceUpdates(): InPlaceUpdates | undefined {
  return inPlaceUpdaters.get(getBackend())
}

/**
 * Nearest-neighbour x2 upsampling, [N, h, w, C] -> [N, 2h, 2w, C] (each value repeated in a 2x2 block). Inputs {x}.
 * Its gradient UPSAMPLE_NEAREST_2X_GRAD, inputs {dy} -> [N, h, w, C]: each block's four values added as
 * (top-left + top-right) + (bottom-left + bottom-right).
 */
export const UPSAMPLE_NEAREST_2X = 'PyraUpsampleNearest2x'
export const UPSAMPLE_NEAREST_2X_GRAD = 'PyraUpsampleNearest2xGrad'

export function upsampleNearest2xInto(out: Float32Array, x: Float32Array, shape: readonly number[]): void {
  const [n, h, w, c] = shape
  for (let r = 0; r < n * h; r++) {
    for (let j = 0; j < w; j++) {
      const from = (r * w + j) * c
      const to = (2 * r * 2 * w + 2 * j) * c
      for (let k = 0; k < c; k++) out[to + k] = out[to + c + k] = x[from + k]
    }
    out.copyWithin((2 * r + 1) * 2 * w * c, 2 * r * 2 * w * c, (2 * r + 1) * 2 * w * c)
  }
}

/** `shape` is dx's, [N, h, w, C]. */
export function upsampleNearest2xGradInto(dx: Float32Array, dy: Float32Array, shape: readonly number[]): void {
  const [n, h, w, c] = shape
  const f = Math.fround
  const row = 2 * w * c
  for (let r = 0; r < n * h; r++) {
    for (let j = 0; j < w; j++) {
      const at = (r * w + j) * c
      const top = (2 * r * 2 * w + 2 * j) * c
      for (let k = 0; k < c; k++) {
        const a = top + k
        dx[at + k] = f(f(dy[a] + dy[a + c]) + f(dy[a + row] + dy[a + row + c]))
      }
    }
  }
}

/** Sums the rows of a matrix: x [S, M] -> [M] (the split-K partial products of the filter gradient). Inputs {x}. */
export const SUM_ROWS = 'PyraSumRows'

export function sumRowsInto(out: Float32Array, x: Float32Array, rows: number): void {
  const width = out.length
  out.fill(0)
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) out[j] += x[r * width + j]
}
