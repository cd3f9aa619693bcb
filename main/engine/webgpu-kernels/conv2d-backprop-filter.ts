// Conv2DBackpropFilter as one GEMM with the contraction split into slices (split-K), built from kernels the
// backend has: dw [KH·KW·Cin, Cout] = im2col(x)ᵀ [KH·KW·Cin, P] · dy [P, Cout], P = batch·OH·OW.
// tfjs-backend-webgpu 4.22's own kernel gives each filter element one thread that loops over all P pixels:
// a 1x1 256->128 filter gradient on a 8x64x64 batch is 32768 threads each summing 32768 products in sequence,
// far too little parallel work for a GPU. Here P is cut into S slices, multiplied as one batched matmul
// [S, K, Cout] (S times the work-groups), and the S partial products are summed. The composition runs on any
// backend that has the kernels it calls (cpu in the tests), with IM2COL and SUM_ROWS from custom-kernels.ts.
import type { Conv2DBackpropFilterAttrs, KernelBackend, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import { assertShape, convGeometry, type ConvGeometry } from '../conv-geometry'
import { IM2COL, SUM_ROWS, type Im2ColAttrs } from '../custom-kernels'
import { withKernelCalls } from '../kernel-calls'

const KERNEL = 'Conv2DBackpropFilter'

export interface SplitPlan {
  /** slices of the contraction (batched-matmul batch) */
  slices: number
  /** rows of one slice; slices·rows >= P, the excess rows zero-padded */
  rows: number
}

/** 32x32 output tiles wanted in flight (enough for ~8 work-groups per multiprocessor on a 132-SM GPU). */
const TARGET_TILES = 1024
/** Fewest contraction rows a slice keeps (shorter slices spend more on the final sum than they save). */
const MIN_ROWS = 256

/** How to split P for an output of k x n: a divisor of P near the target where there is one, else padding. */
export function planSplit(pixels: number, k: number, n: number): SplitPlan {
  const tiles = Math.ceil(k / 32) * Math.ceil(n / 32)
  const wanted = Math.max(1, Math.min(Math.ceil(TARGET_TILES / tiles), Math.floor(pixels / MIN_ROWS)))
  if (wanted <= 1) return { slices: 1, rows: pixels }
  let divisor = 1
  for (let s = wanted; s >= 1; s--) {
    if (pixels % s === 0) {
      divisor = s
      break
    }
  }
  if (divisor * 4 >= wanted) return { slices: divisor, rows: pixels / divisor }
  return { slices: wanted, rows: Math.ceil(pixels / wanted) }
}

export function isPointwise(g: ConvGeometry): boolean {
  return g.filterHeight === 1 && g.filterWidth === 1 && g.strideHeight === 1 && g.strideWidth === 1 &&
    g.padTop === 0 && g.padLeft === 0 && g.outHeight === g.inHeight && g.outWidth === g.inWidth
}

export function makeConv2DBackpropFilterGemm(backendName: string): KernelFunc {
  return ({ inputs, attrs, backend }) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo }
    const settings = attrs as unknown as Conv2DBackpropFilterAttrs
    const g = convGeometry(x.shape as [number, number, number, number], settings.filterShape, settings, KERNEL, backendName)
    assertShape(KERNEL, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels])
    return withKernelCalls(backend as KernelBackend, backendName, (calls) => {
      const pixels = g.batch * g.outHeight * g.outWidth
      const k = g.filterHeight * g.filterWidth * g.inChannels
      const n = g.outChannels
      let columns: TensorInfo // [P, K]
      if (isPointwise(g)) {
        columns = calls.reshape(x, [pixels, k])
      } else {
        const im2col: Im2ColAttrs = {
          filterHeight: g.filterHeight, filterWidth: g.filterWidth, strideHeight: g.strideHeight, strideWidth: g.strideWidth,
          padTop: g.padTop, padLeft: g.padLeft, outHeight: g.outHeight, outWidth: g.outWidth
        }
        columns = calls.run(IM2COL, { x }, im2col as unknown as Record<string, number>)
      }
      let gradient = calls.reshape(dy, [pixels, n])
      const { slices, rows } = planSplit(pixels, k, n)
      if (slices * rows > pixels) {
        const extra = slices * rows - pixels
        columns = calls.run('PadV2', { x: columns }, { paddings: [[0, extra], [0, 0]], constantValue: 0 })
        gradient = calls.run('PadV2', { x: gradient }, { paddings: [[0, extra], [0, 0]], constantValue: 0 })
      }
      const a = calls.reshape(columns, [slices, rows, k])
      const b = calls.reshape(gradient, [slices, rows, n])
      const partial = calls.run('BatchMatMul', { a, b }, { transposeA: true, transposeB: false }) // [S, K, Cout]
      const summed = slices > 1 ? calls.run(SUM_ROWS, { x: calls.reshape(partial, [slices, k * n]) }) : partial
      return calls.keep(calls.reshape(summed, [g.filterHeight, g.filterWidth, g.inChannels, g.outChannels]))
    })
  }
}
