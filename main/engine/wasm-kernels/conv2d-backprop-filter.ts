// Conv2DBackpropFilter for wasm (tfjs-backend-wasm has none) through the backend's fast Conv2D.
// dw[kh, kw, i, o] = sum over every output pixel p = (b, oy, ox) of x[b, oy*sh + kh - top, ox*sw + kw - left, i]
// * dy[p, o]: a GEMM [KH*KW*Cin, P] x [P, Cout], P = batch * OH * OW. XNNPACK runs a 1x1 convolution as a
// GEMM (input rows = M, input channels = K, filter = the packed right-hand matrix) but does not block the
// K dimension, so one GEMM over all of P streams a right-hand matrix far larger than the cache. We cut P into
// chunks of about CHUNK_PIXELS output pixels, build the chunk's im2col rows from a channels-first copy of x
// and use the chunk of dy as the filter, and add up the partial products.
import type { Conv2DBackpropFilterAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { callWasmKernel, float32View, freeAll, zerosOutput } from './backend-calls'
import { assertShape, convGeometry, type ConvGeometry } from './conv-geometry'

const KERNEL = 'Conv2DBackpropFilter'
/** Output pixels per partial GEMM; picked on the bench shapes (bench/engine.bench.ts). */
export const CHUNK_PIXELS = 4096
/** Upper bound on the im2col block of one chunk, in floats (64 MiB). */
const MAX_IM2COL_FLOATS = 16 * 1024 * 1024

function chunkRows(g: ConvGeometry): number {
  const taps = g.filterHeight * g.filterWidth
  const byPixels = Math.floor(CHUNK_PIXELS / g.outWidth)
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
      const tap = kh * g.filterWidth + kw
      for (let c = 0; c < C; c++) {
        const rowStart = (tap * C + c) * pixels
        for (let r = 0; r < rows; r++) {
          const b = Math.floor((r0 + r) / OH)
          const oy = (r0 + r) % OH
          const iy = oy * sh + kh - g.padTop
          const at = rowStart + r * OW
          if (iy < 0 || iy >= H) {
            block.fill(0, at, at + OW)
            continue
          }
          const src = ((b * C + c) * H + iy) * W + shift
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

export const conv2DBackpropFilterWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
  const settings = attrs as unknown as Conv2DBackpropFilterAttrs
  const g = convGeometry(x.shape as [number, number, number, number], settings.filterShape, settings, KERNEL)
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
    const block = wasm.makeOutput([1, taps * g.inChannels, 1, pixels], 'float32')
    const dyChunk = wasm.makeOutput([1, 1, pixels, g.outChannels], 'float32')
    fillIm2col(float32View(wasm, block), float32View(wasm, xT), g, r0, rows)
    float32View(wasm, dyChunk).set(float32View(wasm, dy).subarray(r0 * rowFloats, (r0 + rows) * rowFloats))
    const part = callWasmKernel(wasm, 'Conv2D', { x: block, filter: dyChunk }, { strides: 1, pad: 'valid', dataFormat: 'NHWC', dilations: 1 })
    const sum = float32View(wasm, dw)
    const add = float32View(wasm, part)
    for (let i = 0; i < sum.length; i++) sum[i] += add[i]
    freeAll(wasm, block, dyChunk, part)
  }
  freeAll(wasm, xT)
  return dw
}
