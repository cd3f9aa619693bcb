// ResizeNearestNeighborGrad for cpu. The built-in one (tfjs-backend-cpu 4.22) reads dy at the *input's*
// batch offset, so with a batch of more than one image every image after the first gets a wrong gradient
// (the hourglass's x2 upsampling, for one). This one scatters dy back along the exact source index the
// cpu forward kernel uses, so the gradient is the forward's adjoint by construction.
import type { KernelFunc, ResizeNearestNeighborGradAttrs, TensorInfo } from '@tensorflow/tfjs-core'
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu'

/** The source index the cpu forward kernel reads for each output index along one axis. */
export function nearestSourceIndices(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Int32Array {
  const corners = alignCorners && outSize > 1
  const ratio = (corners ? inSize - 1 : inSize) / (corners ? outSize - 1 : outSize)
  const sources = new Int32Array(outSize)
  for (let o = 0; o < outSize; o++) {
    const frac = halfPixelCenters ? ratio * (o + 0.5) : ratio * o
    let source = Math.min(inSize - 1, alignCorners ? Math.round(frac) : Math.floor(frac))
    if (halfPixelCenters) source = Math.max(0, source)
    sources[o] = source
  }
  return sources
}

export const resizeNearestNeighborGradCpu: KernelFunc = ({ inputs, attrs, backend }) => {
  const cpu = backend as unknown as MathBackendCPU
  const { images, dy } = inputs as { images: TensorInfo; dy: TensorInfo }
  const { alignCorners, halfPixelCenters } = attrs as unknown as ResizeNearestNeighborGradAttrs
  const [batch, inHeight, inWidth, channels] = images.shape
  const [, outHeight, outWidth] = dy.shape
  const rows = nearestSourceIndices(inHeight, outHeight, alignCorners, halfPixelCenters)
  const cols = nearestSourceIndices(inWidth, outWidth, alignCorners, halfPixelCenters)
  const grad = cpu.data.get(dy.dataId).values as Float32Array
  const dx = new Float32Array(batch * inHeight * inWidth * channels)
  let from = 0
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      const rowBase = (b * inHeight + rows[oy]) * inWidth
      for (let ox = 0; ox < outWidth; ox++) {
        const to = (rowBase + cols[ox]) * channels
        for (let c = 0; c < channels; c++) dx[to + c] += grad[from++]
      }
    }
  }
  return cpu.makeTensorInfo(images.shape, 'float32', dx)
}
