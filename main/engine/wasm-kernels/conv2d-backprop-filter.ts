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
  const pixels = Math.min(MAX_CHUNK_PIXELS, Math.max(MIN_CHUNK_PIXELS, Math.floor(CHUNK_BYTES / (4 * g.outChannels))))
  const byPixels = Math.floor(pixels / g.outWidth)
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

export const conv2DBackpropFilterWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
  const settings = attrs as unknown as Conv2DBackpropFilterAttrs
  const g = convGeometry(x.shape as [number, number, number, number], settings.filterShape, settings, KERNEL, 'wasm')
  assertShape(KERNEL, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels])
  const taps = g.filterHeight * g.filterWidth
  const rowsTotal = g.batch * g.outHeight
  const rowsPerChunk = chunkRows(g)
  const rowFloats = g.outWidth * g.outChannels

  const xT = callWasmKernel(wasm, 'Transpose', { x }, { perm: [0, 3, 1, 2] }) // [b, Cin, H, W]
  const dw = zerosOutput(wasm, [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels])
  for (let r0 = 0; r0 < rowsTotal; r0 += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, rowsTotal - r0)
    const pixels = rows * g.outWidth
    const block = wasm.makeOutput([taps * g.inChannels, pixels], 'float32')
    const dyChunk = wasm.makeOutput([pixels, g.outChannels], 'float32')
    fillIm2col(float32View(wasm, block), float32View(wasm, xT), g, r0, rows)
    float32View(wasm, dyChunk).set(float32View(wasm, dy).subarray(r0 * rowFloats, (r0 + rows) * rowFloats))
    const part = callWasmKernel(wasm, 'BatchMatMul', { a: block, b: dyChunk }, { transposeA: false, transposeB: false })
    const sum = float32View(wasm, dw)
    const add = float32View(wasm, part)
    for (let i = 0; i < sum.length; i++) sum[i] += add[i]
    freeAll(wasm, block, dyChunk, part)
  }
  freeAll(wasm, xT)
  return dw
}
