// MaxPoolGrad for wasm. The built-in one (tfjs-backend-wasm 4.22) is wrong whenever a pooling window holds
// only negative values: it sends the whole gradient to element 0. Pre-activation maps (residual sums,
// PyraNet's pools) are often negative, so training through it diverges from every other backend.
// Like the cpu backend, the gradient goes to the first maximum of each window in row-major order.
import { backend_util, type KernelFunc, type MaxPoolGradAttrs, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { float32View, zerosOutput } from './backend-calls'
import { heapOffset, simdKernels } from './simd'

export const maxPoolGradWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo }
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs
  const info = backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode)
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = info
  const simd = simdKernels(wasm)
  const pairs = info.filterHeight === 2 && info.filterWidth === 2 && info.strideHeight === 2 && info.strideWidth === 2 &&
    info.padInfo.top === 0 && info.padInfo.left === 0 && OH === H >> 1 && OW === W >> 1 && C % 4 === 0
  if (simd && pairs) {
    // the hourglass' 2x2/2 pooling: windows tile the input, one SIMD pass writes every covered pixel
    const dx = (H | W) & 1 ? zerosOutput(wasm, input.shape as number[], 'float32') : wasm.makeOutput(input.shape as number[], 'float32')
    simd.max_pool_grad_2x2(heapOffset(wasm, input), heapOffset(wasm, dy), heapOffset(wasm, dx), batchSize, H, W, C)
    return dx
  }
  const dx = zerosOutput(wasm, input.shape as number[], 'float32')
  const x = float32View(wasm, input)
  const grad = float32View(wasm, dy)
  const out = float32View(wasm, dx)
  const window = new Int32Array(info.effectiveFilterHeight * info.effectiveFilterWidth) // offsets of the window's pixels
  for (let b = 0; b < batchSize; b++) {
    for (let oy = 0; oy < OH; oy++) {
      const y0 = oy * info.strideHeight - info.padInfo.top
      const yFrom = Math.max(0, y0)
      const yTo = Math.min(H, y0 + info.effectiveFilterHeight)
      for (let ox = 0; ox < OW; ox++) {
        const x0 = ox * info.strideWidth - info.padInfo.left
        const xFrom = Math.max(0, x0)
        const xTo = Math.min(W, x0 + info.effectiveFilterWidth)
        let n = 0
        for (let iy = yFrom; iy < yTo; iy++) {
          for (let ix = xFrom; ix < xTo; ix++) window[n++] = ((b * H + iy) * W + ix) * C
        }
        const from = ((b * OH + oy) * OW + ox) * C
        for (let c = 0; c < C; c++) {
          let best = Number.NEGATIVE_INFINITY
          let bestAt = -1
          for (let k = 0; k < n; k++) {
            const v = x[window[k] + c]
            if (v > best) {
              best = v
              bestAt = window[k] + c
            }
          }
          if (bestAt >= 0) out[bestAt] += grad[from + c]
        }
      }
    }
  }
  return dx
}
