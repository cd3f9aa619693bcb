// Conv2DBackpropInput through the backend's fast kernels. tfjs-backend-webgpu 4.22 uses a direct (untiled)
// transposed convolution by default (WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE): every dx element reads its whole
// filter column from memory. Here, stride 1:
//   1x1 (no padding): dx [P, Cin] = dy [P, Cout] · wᵀ, one matmul;
//   k x k:            dx = conv2d(dy, flip(w)ᵀ) with the pads of conv-geometry.ts, i.e. the forward
//                     convolution (tiled matmul) on a flipped, in/out-swapped filter (FLIP_FILTER).
// Strided convolutions (and crops) go to tfjs' own kernel. Runs on any backend with the kernels it calls
// (cpu in the tests).
import type { Conv2DBackpropInputAttrs, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import { assertShape, convGeometry, inputGradientPlan } from '../conv-geometry'
import { FLIP_FILTER } from '../custom-kernels'
import { withKernelCalls } from '../kernel-calls'
import { isPointwise } from './conv2d-backprop-filter'

const KERNEL = 'Conv2DBackpropInput'

export function makeConv2DBackpropInputGemm(backendName: string, fallback: KernelConfig | undefined): KernelFunc {
  return (args) => {
    const { inputs, attrs, backend } = args
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo }
    const settings = attrs as unknown as Conv2DBackpropInputAttrs
    const g = convGeometry(settings.inputShape, filter.shape as [number, number, number, number], settings, KERNEL, backendName)
    assertShape(KERNEL, 'dy', dy.shape, [g.batch, g.outHeight, g.outWidth, g.outChannels])
    const plan = inputGradientPlan(g)
    const strided = g.strideHeight !== 1 || g.strideWidth !== 1
    const crops = plan.top < 0 || plan.bottom < 0 || plan.left < 0 || plan.right < 0
    if (strided || crops) {
      if (!fallback) throw new Error(`${KERNEL} on ${backendName}: no built-in kernel for strides or crops`)
      return fallback.kernelFunc(args)
    }
    return withKernelCalls(backend as KernelBackend, backendName, (calls) => {
      if (isPointwise(g)) {
        const pixels = g.batch * g.outHeight * g.outWidth
        const a = calls.reshape(dy, [1, pixels, g.outChannels])
        const b = calls.reshape(filter, [1, g.inChannels, g.outChannels])
        const dx = calls.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: true })
        return calls.keep(calls.reshape(dx, [g.batch, g.inHeight, g.inWidth, g.inChannels]))
      }
      const swapped = calls.run(FLIP_FILTER, { filter }) // [KH, KW, Cout, Cin], flipped in space
      const pad = [[0, 0], [plan.top, plan.bottom], [plan.left, plan.right], [0, 0]]
      return calls.keep(calls.run('Conv2D', { x: dy, filter: swapped }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] }))
    })
  }
}
