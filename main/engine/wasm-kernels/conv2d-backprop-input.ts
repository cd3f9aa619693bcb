// Conv2DBackpropInput for wasm through the backend's fast (XNNPACK) kernels: the built-in kernel is a
// scalar loop that runs about 10x slower than Conv2D on the same shapes.
// Stride 1: a convolution of dy with the flipped, in/out-swapped filter (../conv-geometry.ts has the pads).
// Strided: the same convolution would run over dy with stride-1 zeros inserted, mostly multiplying zeros,
// so instead every output pixel's contribution to each tap, dy · wᵀ, comes from one GEMM and is added into
// place (col2im).
import type { Conv2DBackpropInputAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { callWasmKernel, float32View, freeAll, zerosOutput } from './backend-calls'
import { assertShape, convGeometry, inputGradientPlan, type ConvGeometry, type InputGradientPlan } from '../conv-geometry'

const KERNEL = 'Conv2DBackpropInput'

/** w[kh, kw, i, o] -> w[KH-1-kh, KW-1-kw, o, i], in one pass (the wasm Reverse kernel is slow on filters). */
export function flippedSwappedFilter(backend: BackendWasm, filter: TensorInfo): TensorInfo {
  const [KH, KW, I, O] = filter.shape
  const result = backend.makeOutput([KH, KW, O, I], 'float32')
  const target = float32View(backend, result)
  const source = float32View(backend, filter)
  for (let kh = 0; kh < KH; kh++) {
    for (let kw = 0; kw < KW; kw++) {
      const from = ((KH - 1 - kh) * KW + (KW - 1 - kw)) * I * O
      const to = (kh * KW + kw) * O * I
      for (let i = 0; i < I; i++) {
        for (let o = 0; o < O; o++) target[to + o * I + i] = source[from + i * O + o]
      }
    }
  }
  return result
}

/** Floats of the per-chunk GEMM result (pixels x KH*KW*Cin) in the strided path: 16 MiB. */
const COL2IM_CHUNK_FLOATS = 4 * 1024 * 1024

/** dx = col2im(dy · wᵀ), in chunks of output pixels. */
function inputGradientByCol2im(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, g: ConvGeometry): TensorInfo {
  const { filterHeight: KH, filterWidth: KW, inChannels: Ci, outChannels: Co, inHeight: H, inWidth: W, outHeight: OH, outWidth: OW } = g
  const columns = KH * KW * Ci
  const filterT = backend.makeOutput([Co, columns], 'float32') // wᵀ: the filter is [KH*KW*Ci, Co] row-major
  {
    const target = float32View(backend, filterT)
    const source = float32View(backend, filter)
    for (let r = 0; r < columns; r++) for (let o = 0; o < Co; o++) target[o * columns + r] = source[r * Co + o]
  }
  const dx = zerosOutput(backend, [g.batch, H, W, Ci])
  const pixels = g.batch * OH * OW
  const chunk = Math.max(1, Math.floor(COL2IM_CHUNK_FLOATS / columns))
  for (let p0 = 0; p0 < pixels; p0 += chunk) {
    const rows = Math.min(chunk, pixels - p0)
    const dyRows = backend.makeOutput([rows, Co], 'float32')
    float32View(backend, dyRows).set(float32View(backend, dy).subarray(p0 * Co, (p0 + rows) * Co))
    const contributions = callWasmKernel(backend, 'BatchMatMul', { a: dyRows, b: filterT }, { transposeA: false, transposeB: false })
    const parts = float32View(backend, contributions)
    const out = float32View(backend, dx)
    for (let p = 0; p < rows; p++) {
      const pixel = p0 + p
      const ox = pixel % OW
      const oy = Math.floor(pixel / OW) % OH
      const b = Math.floor(pixel / (OW * OH))
      for (let kh = 0; kh < KH; kh++) {
        const iy = oy * g.strideHeight + kh - g.padTop
        if (iy < 0 || iy >= H) continue
        for (let kw = 0; kw < KW; kw++) {
          const ix = ox * g.strideWidth + kw - g.padLeft
          if (ix < 0 || ix >= W) continue
          const from = p * columns + (kh * KW + kw) * Ci
          const to = ((b * H + iy) * W + ix) * Ci
          for (let c = 0; c < Ci; c++) out[to + c] += parts[from + c]
        }
      }
    }
    freeAll(backend, dyRows, contributions)
  }
  freeAll(backend, filterT)
  return dx
}

/** dy padded, and cropped where a pad is negative (explicit pads wider than the kernel; Conv2D takes no negative pads). */
function padOrCrop(backend: BackendWasm, dy: TensorInfo, plan: InputGradientPlan): TensorInfo {
  const [batch, outHeight, outWidth, channels] = dy.shape
  const height = plan.top + plan.dilatedHeight + plan.bottom
  const width = plan.left + plan.dilatedWidth + plan.right
  const result = backend.makeOutput([batch, height, width, channels], 'float32')
  const target = float32View(backend, result)
  const source = float32View(backend, dy)
  target.fill(0)
  const xFrom = Math.max(0, -plan.left)
  const xTo = Math.min(outWidth, width - plan.left)
  if (xTo <= xFrom) return result
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const y = plan.top + oy
      if (y < 0 || y >= height) continue
      const from = ((b * outHeight + oy) * outWidth + xFrom) * channels
      target.set(source.subarray(from, from + (xTo - xFrom) * channels), ((b * height + y) * width + plan.left + xFrom) * channels)
    }
  }
  return result
}

export const conv2DBackpropInputWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo }
  const settings = attrs as unknown as Conv2DBackpropInputAttrs
  const g = convGeometry(settings.inputShape, filter.shape as [number, number, number, number], settings, KERNEL, 'wasm')
  assertShape(KERNEL, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels])
  if (g.strideHeight > 1 || g.strideWidth > 1) return inputGradientByCol2im(wasm, dy, filter, g)
  const plan = inputGradientPlan(g)
  const cropped = plan.top < 0 || plan.bottom < 0 || plan.left < 0 || plan.right < 0
  const source = cropped ? padOrCrop(wasm, dy, plan) : dy
  const pad = source === dy ? [[0, 0], [plan.top, plan.bottom], [plan.left, plan.right], [0, 0]] : 'valid'
  const filterT = flippedSwappedFilter(wasm, filter)
  const dx = callWasmKernel(wasm, 'Conv2D', { x: source, filter: filterT }, { strides: 1, pad, dataFormat: 'NHWC', dilations: 1 })
  freeAll(wasm, filterT, source === dy ? null : source)
  return dx
}
