// Conv2DBackpropFilter for wasm (tfjs-backend-wasm has none) through the backend's fast (XNNPACK) GEMM.
// dw[kh, kw, i, o] = sum over every output pixel p = (b, oy, ox) of x[b, oy*sh + kh - top, ox*sw + kw - left, i]
// * dy[p, o]: a GEMM [KH*KW*Cin, P] x [P, Cout], P = batch * OH * OW. XNNPACK does not block the contraction
// dimension, so one GEMM over all of P would stream a right-hand matrix far larger than the cache: P is cut
// into chunks of about CHUNK_BYTES of dy, each chunk's im2col rows are built from a channels-first
// copy of x, multiplied by the chunk of dy (BatchMatMul, not transposed: the wasm backend's transposed
// matmuls are scalar loops), and the partial products are added up.
// (A 1x1 Conv2D with dy as its filter computes the same GEMM, but the wasm Conv2D re-lays-out a new filter
// element by element on every call, which for a filter of P x Cout costs more than the multiplication.)
import type { Conv2DBackpropFilterAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { callWasmKernel, float32View, freeAll, zerosOutput } from './backend-calls'
import { assertShape, convGeometry, type ConvGeometry } from '../conv-geometry'
import { heapOffset, simdKernels, type SimdKernels } from './simd'

const KERNEL = 'Conv2DBackpropFilter'
/**
 * Output pixels per partial GEMM: enough that the chunk of dy (pixels x Cout floats) fills about 1 MiB,
 * i.e. stays in cache while XNNPACK streams it once per block of output rows (measured in bench/engine.bench.ts).
 */
export const DEFAULT_CHUNK_BYTES = 1 << 20
let CHUNK_BYTES = DEFAULT_CHUNK_BYTES
const MIN_CHUNK_PIXELS = 512
const MAX_CHUNK_PIXELS = 16384
/** Upper bound on the im2col block of one chunk, in floats (64 MiB). */
const MAX_IM2COL_FLOATS = 16 * 1024 * 1024

/** For tuning runs and tests. */
export function setChunkBytes(bytes: number): void {
  CHUNK_BYTES = bytes
}

function chunkRows(g: ConvGeometry): number {
  const taps = g.filterHeight * g.filterWidth
  const byPixels = Math.floor(chunkPixels(g.outChannels) / g.outWidth)
  const byMemory = Math.floor(MAX_IM2COL_FLOATS / (taps * g.inChannels * g.outWidth))
  return Math.max(1, Math.min(g.batch * g.outHeight, byPixels, byMemory))
}

/**
 * Rows [t*Cin + i] of the block hold, for the output rows r0 .. r0+rows-1 (r = b*OH + oy) and every ox, the
 * input value that filter tap t = kh*KW + kw multiplies at that output pixel; zero where the tap reads padding.
 */
function fillIm2col(block: Float32Array, xT: Float32Array, g: ConvGeometry, r0: number, rows: number): void {
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW, strideHeight: sh, strideWidth: sw } = g
  const pixels = rows * OW
  for (let kh = 0; kh < g.filterHeight; kh++) {
    for (let kw = 0; kw < g.filterWidth; kw++) {
      const shift = kw - g.padLeft
      // the ox for which ix = ox*sw + shift lies inside [0, W)
      const oxLo = Math.min(OW, Math.max(0, Math.ceil(-shift / sw)))
      const oxHi = Math.max(oxLo, Math.min(OW, Math.floor((W - 1 - shift) / sw) + 1))
      // stride 1 with the input's width (a 'same' convolution): a run of output rows is one shifted run of input
      const runs = sh === 1 && sw === 1 && OW === W && Math.abs(shift) < W
      const tap = kh * g.filterWidth + kw
      for (let c = 0; c < C; c++) {
        const rowStart = (tap * C + c) * pixels
        for (let r = r0; r < r0 + rows; ) {
          const b = Math.floor(r / OH)
          const segmentEnd = Math.min(r0 + rows, (b + 1) * OH) // the chunk's rows of image b
          const plane = (b * C + c) * H * W
          for (; r < segmentEnd; r++) {
            const oy = r % OH
            const iy = oy * sh + kh - g.padTop
            const at = rowStart + (r - r0) * OW
            if (iy < 0 || iy >= H) {
              block.fill(0, at, at + OW)
              continue
            }
            if (runs) {
              // every following row of this image up to the last one inside the input, in one copy
              const last = Math.min(segmentEnd, r + (H - iy))
              const n = (last - r) * W
              const src = plane + iy * W
              if (shift >= 0) block.set(xT.subarray(src + shift, src + n), at)
              else block.set(xT.subarray(src, src + n + shift), at - shift)
              if (shift !== 0) {
                for (let row = at; row < at + n; row += W) {
                  if (shift > 0) block.fill(0, row + W - shift, row + W)
                  else block.fill(0, row, row - shift)
                }
              }
              r = last - 1
              continue
            }
            const src = plane + iy * W + shift
            if (oxLo > 0) block.fill(0, at, at + oxLo)
            if (oxHi < OW) block.fill(0, at + oxHi, at + OW)
            if (sw === 1) {
              block.set(xT.subarray(src + oxLo, src + oxHi), at + oxLo)
            } else {
              for (let ox = oxLo; ox < oxHi; ox++) block[at + ox] = xT[src + ox * sw]
            }
          }
        }
      }
    }
  }
}

/** Rows [from, to) of a row-major [rows, width] tensor: the tensor itself, reshaped, when that is all of it. */
function rowRange(backend: BackendWasm, t: TensorInfo, width: number, from: number, to: number): { info: TensorInfo; owned: boolean } {
  if (from === 0 && to * width === sizeOf(t)) return { info: { dataId: t.dataId, shape: [to, width], dtype: t.dtype }, owned: false }
  const info = backend.makeOutput([to - from, width], 'float32')
  float32View(backend, info).set(float32View(backend, t).subarray(from * width, to * width))
  return { info, owned: true }
}

/** Columns [from, to) of a row-major [rows, width] tensor (the tensor itself when that is all of it). */
function columnRange(backend: BackendWasm, t: TensorInfo, rows: number, width: number, from: number, to: number): { info: TensorInfo; owned: boolean } {
  if (from === 0 && to === width) return { info: { dataId: t.dataId, shape: [rows, width], dtype: t.dtype }, owned: false }
  const info = backend.makeOutput([rows, to - from], 'float32')
  const target = float32View(backend, info)
  const source = float32View(backend, t)
  for (let r = 0; r < rows; r++) target.set(source.subarray(r * width + from, r * width + to), r * (to - from))
  return { info, owned: true }
}

const sizeOf = (t: TensorInfo) => t.shape.reduce((a, d) => a * d, 1)

function chunkPixels(columns: number): number {
  return Math.min(MAX_CHUNK_PIXELS, Math.max(MIN_CHUNK_PIXELS, Math.floor(CHUNK_BYTES / (4 * columns))))
}

/**
 * 1x1, stride 1, no padding: x and dy share their pixels, so dw = xᵀ·dy needs no im2col. Most layers take the
 * SIMD kernel that reads both in place; the others a GEMM, for which one of the two is transposed to
 * channels-first. The wider one is (dw = xᵀ·dy, or dwᵀ = dyᵀ·x): XNNPACK re-packs the right-hand matrix on
 * every call, and that pass over a wide right-hand side cost more than the transpose (measured).
 */
function pointwiseFilterGradient(backend: BackendWasm, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const { inChannels: Ci, outChannels: Co } = g
  const pixels = g.batch * g.outHeight * g.outWidth
  const direct = simdKernels(backend)
  if (direct && Co % 4 === 0 && (Co >= Ci || Ci * Co <= 16384)) {
    // straight from NHWC in SIMD: measured 18-27 GFLOP/s where the GEMM below gets 3-23 (it is worst with few
    // outputs and many pixels, the K-heavy shape XNNPACK does not block for), except wide-in narrow-out layers
    // such as 256 -> 128 (17.6 vs 22 GFLOP/s), which keep the GEMM
    const dw = zerosOutput(backend, [1, 1, Ci, Co])
    direct.pointwise_filter_grad(heapOffset(backend, x), heapOffset(backend, dy), heapOffset(backend, dw), pixels, Ci, Co)
    return dw
  }
  const xFirst = Ci >= Co
  const [transposed, right, rows, columns] = xFirst ? [x, dy, Ci, Co] : [dy, x, Co, Ci]
  const simd = simdKernels(backend)
  const chunk = chunkPixels(columns) & ~3
  // several chunks: each chunk's pixel rows transposed straight into the chunk's left-hand matrix (SIMD),
  // instead of the whole tensor first and then a copy of each chunk's columns
  const chunkwise = simd !== null && pixels > chunk && pixels % 4 === 0 && rows % 4 === 0
  const left = chunkwise ? null : channelsFirst(backend, transposed, 1, pixels, rows) // [rows, pixels]
  const dw = zerosOutput(backend, [1, 1, Ci, Co])
  for (let p0 = 0; p0 < pixels; p0 += chunk) {
    const p1 = Math.min(pixels, p0 + chunk)
    const a = left ? columnRange(backend, left, rows, pixels, p0, p1) : { info: chunkChannelsFirst(backend, transposed, rows, p0, p1), owned: true }
    const b = rowRange(backend, right, columns, p0, p1)
    const part = callWasmKernel(backend, 'BatchMatMul', { a: a.info, b: b.info }, { transposeA: false, transposeB: false })
    const sum = float32View(backend, dw)
    const add = float32View(backend, part)
    if (xFirst) {
      for (let i = 0; i < sum.length; i++) sum[i] += add[i]
    } else {
      for (let o = 0; o < Co; o++) for (let i = 0; i < Ci; i++) sum[i * Co + o] += add[o * Ci + i]
    }
    freeAll(backend, a.owned ? a.info : null, b.owned ? b.info : null, part)
  }
  freeAll(backend, left)
  return dw
}

/** Pixel rows [p0, p1) of a [pixels, channels] tensor as a new [channels, p1 - p0] one (SIMD transpose; multiples of 4). */
function chunkChannelsFirst(wasm: BackendWasm, t: TensorInfo, channels: number, p0: number, p1: number): TensorInfo {
  const simd = simdKernels(wasm)
  if (!simd) throw new Error(`${KERNEL}: chunked transposes need the SIMD kernels`)
  const out = wasm.makeOutput([channels, p1 - p0], 'float32')
  simd.transpose_2d(heapOffset(wasm, t) + p0 * channels * 4, heapOffset(wasm, out), p1 - p0, channels, 1)
  return out
}

export const conv2DBackpropFilterWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
  const settings = attrs as unknown as Conv2DBackpropFilterAttrs
  const g = convGeometry(x.shape as [number, number, number, number], settings.filterShape, settings, KERNEL, 'wasm')
  assertShape(KERNEL, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels])
  const pointwise = g.filterHeight === 1 && g.filterWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 &&
    g.padTop === 0 && g.padLeft === 0 && g.padBottom === 0 && g.padRight === 0
  if (pointwise) return pointwiseFilterGradient(wasm, x, dy, g)
  const simd = simdKernels(wasm)
  // where the tapwise SIMD kernel beat im2col + GEMM (measured: 3x3 16->16 at 32x32, batch 8: 19 -> 32 GFLOP/s;
  // 28->28: 16 -> 18; it lost at 128->128, 27 -> 17, and with 8 outputs from 8 inputs)
  const tapwise = g.strideHeight === 1 && g.strideWidth === 1 && g.outChannels % 4 === 0 &&
    g.inChannels * g.outChannels <= 4096 && (g.outChannels >= 16 || g.inChannels < 8)
  if (simd && tapwise) {
    return tapwiseFilterGradient(wasm, simd, x, dy, g)
  }

  const taps = g.filterHeight * g.filterWidth
  const rowsTotal = g.batch * g.outHeight
  const rowsPerChunk = chunkRows(g)
  const xT = channelsFirst(wasm, x, g.batch, g.inHeight * g.inWidth, g.inChannels) // [b, Cin, H, W]
  let dw: TensorInfo | null = null
  for (let r0 = 0; r0 < rowsTotal; r0 += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, rowsTotal - r0)
    const pixels = rows * g.outWidth
    const block = wasm.makeOutput([taps * g.inChannels, pixels], 'float32')
    if (simd) {
      simd.im2col(heapOffset(wasm, xT), heapOffset(wasm, block), g.inChannels, g.inHeight, g.inWidth, g.outHeight, g.outWidth,
        g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.padTop, g.padLeft, r0, rows)
    } else {
      fillIm2col(float32View(wasm, block), float32View(wasm, xT), g, r0, rows)
    }
    const dyRows = rowRange(wasm, dy, g.outChannels, r0 * g.outWidth, r0 * g.outWidth + pixels)
    const part = callWasmKernel(wasm, 'BatchMatMul', { a: block, b: dyRows.info }, { transposeA: false, transposeB: false })
    freeAll(wasm, block, dyRows.owned ? dyRows.info : null)
    if (dw) {
      addInto(wasm, simd, dw, part)
      freeAll(wasm, part)
    } else {
      dw = part // the first chunk's product is the sum so far (the only one for most layers)
    }
  }
  freeAll(wasm, xT)
  if (!dw) throw new Error(`${KERNEL}: empty output`)
  return { dataId: dw.dataId, shape: [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels], dtype: 'float32' }
}

/**
 * [count, pixels, channels] -> [count, channels, pixels]: 4x4 blocks in wasm SIMD where both sides are multiples
 * of 4, the backend's Transpose otherwise. The result has the right memory layout; its shape is nominal.
 */
function channelsFirst(wasm: BackendWasm, t: TensorInfo, count: number, pixels: number, channels: number): TensorInfo {
  const simd = simdKernels(wasm)
  if (!simd || pixels % 4 !== 0 || channels % 4 !== 0) {
    const perm = count === 1 ? [3, 0, 1, 2] : [0, 3, 1, 2]
    return callWasmKernel(wasm, 'Transpose', { x: t }, { perm })
  }
  const out = wasm.makeOutput([count, channels, pixels], 'float32')
  simd.transpose_2d(heapOffset(wasm, t), heapOffset(wasm, out), pixels, channels, count)
  return out
}

/**
 * Stride 1 with few channels: each filter tap's gradient is a 1x1 one between dy and x shifted by the tap, over
 * the output rectangle whose shifted input lies inside x, one SIMD call per tap and image straight from NHWC
 * (no im2col, no transposes).
 */
function tapwiseFilterGradient(wasm: BackendWasm, simd: SimdKernels, x: TensorInfo, dy: TensorInfo, g: ConvGeometry): TensorInfo {
  const { inHeight: H, inWidth: W, inChannels: Ci, outHeight: OH, outWidth: OW, outChannels: Co } = g
  const dw = zerosOutput(wasm, [g.filterHeight, g.filterWidth, Ci, Co])
  const [xAt, dyAt, dwAt] = [heapOffset(wasm, x), heapOffset(wasm, dy), heapOffset(wasm, dw)]
  for (let kh = 0; kh < g.filterHeight; kh++) {
    const sy = kh - g.padTop
    const oyLo = Math.max(0, -sy)
    const oyHi = Math.min(OH, H - sy)
    for (let kw = 0; kw < g.filterWidth; kw++) {
      const sx = kw - g.padLeft
      const oxLo = Math.max(0, -sx)
      const oxHi = Math.min(OW, W - sx)
      if (oyLo >= oyHi || oxLo >= oxHi) continue
      const tapAt = dwAt + (kh * g.filterWidth + kw) * Ci * Co * 4
      for (let b = 0; b < g.batch; b++) {
        const xRun = xAt + ((b * H + oyLo + sy) * W + oxLo + sx) * Ci * 4
        const dyRun = dyAt + ((b * OH + oyLo) * OW + oxLo) * Co * 4
        simd.tap_filter_grad(xRun, dyRun, tapAt, oyHi - oyLo, oxHi - oxLo, W * Ci * 4, OW * Co * 4, Ci, Co)
      }
    }
  }
  return dw
}

/** sum += add, both float32 tensors of one size on the heap. */
function addInto(wasm: BackendWasm, simd: SimdKernels | null, sum: TensorInfo, add: TensorInfo): void {
  const n = sizeOf(sum)
  const whole = simd ? n - (n % 4) : 0
  if (simd) simd.add_into(heapOffset(wasm, sum), heapOffset(wasm, add), whole)
  const s = float32View(wasm, sum)
  const a = float32View(wasm, add)
  for (let i = whole; i < n; i++) s[i] += a[i]
}
