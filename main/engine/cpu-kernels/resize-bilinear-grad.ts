// ResizeBilinearGrad for cpu: the built-in one (tfjs-backend-cpu 4.22) computes the right values in NHWC
// order but labels them with height and width swapped, so any non-square input fails the gradient's shape
// check. This wrapper keeps its values and gives them the input's shape.
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'

export function fixedResizeBilinearGrad(builtin: KernelConfig): KernelFunc {
  return (args) => {
    const { images } = args.inputs as { images: TensorInfo }
    const result = builtin.kernelFunc(args) as TensorInfo
    return { ...result, shape: images.shape.slice() }
  }
}
