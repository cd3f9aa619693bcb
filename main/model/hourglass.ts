// One hourglass (Newell et al. 2016) as hg-prm.lua builds it, recursion depth 4:
//   up1  = modules at res
//   low1 = maxpool 2x2, modules at res/2
//   low2 = hourglass(n - 1) at res/2, or modules at the bottom
//   low3 = modules at res/2 with a conv skip (useConv: the paper's §4.2 fix for variance piling up in sums)
//   out  = up1 + nearest-neighbour x2 upsampling of low3
// Modules are PRMs where the map is at least PRM_MIN_RES wide, plain residuals below (config.ts).
import * as tf from '@tensorflow/tfjs-core'
import { hasKernel, UPSAMPLE_NEAREST_2X, UPSAMPLE_NEAREST_2X_GRAD } from '../engine/custom-kernels'
import type { PyraNetConfig } from './config'
import type { Scope } from './layers'
import { ModuleChain, type ApplyContext, type PoseModule } from './prm'

export const HOURGLASS_DEPTH = 4

export class Hourglass implements PoseModule {
  readonly up1: ModuleChain
  readonly low1: ModuleChain
  readonly low2: Hourglass | ModuleChain
  readonly low3: ModuleChain

  /** `res`: the side of this level's input map. */
  constructor(scope: Scope, config: PyraNetConfig, depth: number, res: number) {
    const f = config.nFeats
    this.up1 = new ModuleChain(scope.child('up1'), config, f, f, res)
    this.low1 = new ModuleChain(scope.child('low1'), config, f, f, res / 2)
    this.low2 =
      depth > 1
        ? new Hourglass(scope.child('low2'), config, depth - 1, res / 2)
        : new ModuleChain(scope.child('low2'), config, f, f, res / 2)
    this.low3 = new ModuleChain(scope.child('low3'), config, f, f, res / 2, { useConv: true })
  }

  /** [N, res, res, F] -> [N, res, res, F] */
  apply(x: tf.Tensor4D, ctx: ApplyContext): tf.Tensor4D {
    const up1 = this.up1.apply(x, ctx)
    const pooled = tf.maxPool(x, 2, 2, 'valid') // [N, res/2, res/2, F]
    const low = this.low3.apply(this.low2.apply(this.low1.apply(pooled, ctx), ctx), ctx) // [N, res/2, res/2, F]
    return tf.add(up1, upsampleNearest2x(low)) // [N, res, res, F]
  }
}

/**
 * Nearest-neighbour x2 upsampling (SpatialUpSamplingNearest(2)) as stack + reshape. tf.image.resizeNearestNeighbor
 * would do, but its gradient on the cpu backend (tfjs 4.22) is wrong for batches of more than one image.
 * [N, h, w, C] -> [N, 2h, 2w, C]
 */
export function upsampleNearest2x(x: tf.Tensor4D): tf.Tensor4D {
  if (hasKernel(UPSAMPLE_NEAREST_2X) && hasKernel(UPSAMPLE_NEAREST_2X_GRAD)) {
    // one kernel each way where the engine has them (wasm): the same values, the gradient added in the same order
    const upsample = tf.customGrad((input) => ({
      value: tf.engine().runKernel(UPSAMPLE_NEAREST_2X, { x: input as tf.Tensor }) as tf.Tensor4D,
      gradFunc: (dy: tf.Tensor) => tf.engine().runKernel(UPSAMPLE_NEAREST_2X_GRAD, { dy }) as tf.Tensor
    }))
    return upsample(x) as tf.Tensor4D
  }
  const [n, h, w, c] = x.shape
  const rows = tf.reshape(tf.stack([x, x], 2), [n, 2 * h, w, c]) // [N, 2h, w, C]
  return tf.reshape(tf.stack([rows, rows], 3), [n, 2 * h, 2 * w, c])
}
