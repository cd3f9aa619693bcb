// Conv2DBackpropInput for wasm through the backend's fast (XNNPACK) Conv2D: the built-in kernel is a
// scalar loop that runs about 10x slower than Conv2D on the same shapes. The geometry is in ../conv-geometry.ts.
import type { Conv2DBackpropInputAttrs, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { callWasmKernel, float32View, freeAll } from './backend-calls'
import { assertShape, convGeometry, inputGradientPlan, type InputGradientPlan } from '../conv-geometry'

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

/** dy with sh-1 zero rows between its rows (sw-1 zero columns between its columns), then padded or cropped. */
function dilateAndPad(backend: BackendWasm, dy: TensorInfo, strideHeight: number, strideWidth: number, plan: InputGradientPlan): TensorInfo {
  const [batch, outHeight, outWidth, channels] = dy.shape
  const height = plan.top + plan.dilatedHeight + plan.bottom
  const width = plan.left + plan.dilatedWidth + plan.right
  const result = backend.makeOutput([batch, height, width, channels], 'float32')
  const target = float32View(backend, result)
  const source = float32View(backend, dy)
  target.fill(0)
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const y = plan.top + oy * strideHeight
      if (y < 0 || y >= height) continue
      for (let ox = 0; ox < outWidth; ox++) {
        const x = plan.left + ox * strideWidth
        if (x < 0 || x >= width) continue
        const from = ((b * outHeight + oy) * outWidth + ox) * channels
        target.set(source.subarray(from, from + channels), ((b * height + y) * width + x) * channels)
      }
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
  const plan = inputGradientPlan(g)
  const strided = g.strideHeight > 1 || g.strideWidth > 1
  const cropped = plan.top < 0 || plan.bottom < 0 || plan.left < 0 || plan.right < 0
  const source = strided || cropped ? dilateAndPad(wasm, dy, g.strideHeight, g.strideWidth, plan) : dy
  const pad = source === dy ? [[0, 0], [plan.top, plan.bottom], [plan.left, plan.right], [0, 0]] : 'valid'
  const filterT = flippedSwappedFilter(wasm, filter)
  const dx = callWasmKernel(wasm, 'Conv2D', { x: source, filter: filterT }, { strides: 1, pad, dataFormat: 'NHWC', dilations: 1 })
  freeAll(wasm, filterT, source === dy ? null : source)
  return dx
}
