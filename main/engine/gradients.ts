// Importing this module registers tfjs-core's gradient functions (tf.grad, tf.grads, optimizers need them).
// @tensorflow/tfjs-core's CommonJS build has none; see vendor/generate-gradients.ts for where they come from.
import { getGradient } from '@tensorflow/tfjs-core'
import './vendor/tfjs-core-gradients'

/** Throws if the gradient registry is empty (e.g. a bundler dropped the side-effect import above). */
export function assertGradientsRegistered(): void {
  for (const kernelName of ['Conv2D', 'Sum', 'Relu', 'GatherV2', 'ResizeBilinear', 'MaxPool', 'FusedBatchNorm']) {
    if (!getGradient(kernelName)) throw new Error(`no gradient registered for ${kernelName}: tfjs-core's gradients were not loaded`)
  }
}
