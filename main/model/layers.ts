// The two parameterised layers of PyraNet, with PyTorch's semantics and names, plus the registry that names
// every variable the way PyTorch's state_dict would (`stem.conv.weight`, `hg.0.up1.0.bn1.running_mean`).
// Tensors are NHWC; conv kernels are held HWIO ([k, k, in, out]) for tf.conv2d, and checkpoints store
// them OIHW, as PyTorch does (checkpoint.ts transposes).
import * as tf from '@tensorflow/tfjs-core'
import { BN_APPLY, BN_GRAD, BN_RUNNING, BN_STATS, hasKernel, inPlaceUpdates, type BatchNormAttrs, type BatchNormRunningAttrs } from '../engine/custom-kernels'
import type { Rng } from './random'

/** BN weight init. Torch7 (the authors' framework, and PyTorch < 1.2) drew U(0, 1); PyTorch >= 1.2 uses 1. */
export type BnWeightInit = 'uniform' | 'ones'

let registryCount = 0

/** Every variable of one network, by PyTorch name. Trainable ones are `params`, BN running stats `buffers`. */
export class ParamRegistry {
  readonly params = new Map<string, tf.Variable>()
  readonly buffers = new Map<string, tf.Variable>()
  /** tf variable names are global to the engine; this prefix keeps two networks in one process apart. */
  private readonly tfPrefix = `pyranet${++registryCount}/`

  constructor(
    readonly rng: Rng,
    readonly bnWeight: BnWeightInit
  ) {}

  add(name: string, shape: number[], values: Float32Array, trainable: boolean): tf.Variable {
    if (this.params.has(name) || this.buffers.has(name)) throw new Error(`duplicate parameter name ${name}`)
    const initial = tf.tensor(values, shape, 'float32')
    const variable = tf.variable(initial, trainable, this.tfPrefix + name)
    initial.dispose()
    ;(trainable ? this.params : this.buffers).set(name, variable)
    return variable
  }

  /** The PyTorch name of a variable this registry made (tf.variableGrads keys its result by tf names). */
  torchName(variable: tf.Variable): string {
    return variable.name.slice(this.tfPrefix.length)
  }

  dispose(): void {
    for (const v of [...this.params.values(), ...this.buffers.values()]) v.dispose()
    this.params.clear()
    this.buffers.clear()
  }
}

/** A dotted name prefix inside a registry, as nn.Module nesting produces. */
export class Scope {
  constructor(
    readonly registry: ParamRegistry,
    readonly prefix = ''
  ) {}

  child(name: string | number): Scope {
    return new Scope(this.registry, this.qualify(String(name)))
  }

  qualify(local: string): string {
    return this.prefix ? `${this.prefix}.${local}` : local
  }
}

/** nn.Conv2d with bias, square kernel, symmetric zero padding (default: "same" for odd kernels at stride 1). */
export class Conv2d {
  readonly weight: tf.Variable<tf.Rank.R4> // [k, k, in, out]
  readonly bias: tf.Variable<tf.Rank.R1> // [out]

  constructor(
    scope: Scope,
    readonly inChannels: number,
    readonly outChannels: number,
    readonly kernel: number,
    readonly stride = 1,
    readonly pad = (kernel - 1) / 2
  ) {
    // PyTorch's default and Torch7's reset(): weight and bias U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
    const bound = 1 / Math.sqrt(inChannels * kernel * kernel)
    const { registry } = scope
    const w = registry.rng.fillUniform(new Float32Array(kernel * kernel * inChannels * outChannels), -bound, bound)
    const b = registry.rng.fillUniform(new Float32Array(outChannels), -bound, bound)
    this.weight = registry.add(scope.qualify('weight'), [kernel, kernel, inChannels, outChannels], w, true) as tf.Variable<tf.Rank.R4>
    this.bias = registry.add(scope.qualify('bias'), [outChannels], b, true) as tf.Variable<tf.Rank.R1>
  }

  /**
   * [N, H, W, in] -> [N, H', W', out]. `inputGradient` false (a network's input image): the plain conv and bias
   * add, whose gradients tfjs computes only for what needs one; the fused op's gradient always computes the
   * input's as well (for the 7x7/2 stem, a strided transposed convolution thrown away).
   */
  apply(x: tf.Tensor4D, inputGradient = true): tf.Tensor4D {
    if (!inputGradient) return tf.add(tf.conv2d(x, this.weight, this.stride, this.pad), this.bias)
    return tf.fused.conv2d({ x, filter: this.weight, strides: this.stride, pad: this.pad, bias: this.bias })
  }
}

/** nn.BatchNorm2d: eps 1e-5, momentum 0.1, running variance updated with the unbiased batch variance. */
export class BatchNorm2d {
  static readonly eps = 1e-5
  static readonly momentum = 0.1
  readonly weight: tf.Variable<tf.Rank.R1>
  readonly bias: tf.Variable<tf.Rank.R1>
  readonly runningMean: tf.Variable<tf.Rank.R1>
  readonly runningVar: tf.Variable<tf.Rank.R1>

  constructor(
    scope: Scope,
    readonly channels: number
  ) {
    const { registry } = scope
    const weight =
      registry.bnWeight === 'uniform' ? registry.rng.fillUniform(new Float32Array(channels), 0, 1) : new Float32Array(channels).fill(1)
    this.weight = registry.add(scope.qualify('weight'), [channels], weight, true) as tf.Variable<tf.Rank.R1>
    this.bias = registry.add(scope.qualify('bias'), [channels], new Float32Array(channels), true) as tf.Variable<tf.Rank.R1>
    this.runningMean = registry.add(scope.qualify('running_mean'), [channels], new Float32Array(channels), false) as tf.Variable<tf.Rank.R1>
    this.runningVar = registry.add(scope.qualify('running_var'), [channels], new Float32Array(channels).fill(1), false) as tf.Variable<tf.Rank.R1>
  }

  /**
   * [N, H, W, C] -> [N, H, W, C], then ReLU if `relu`. Training: normalise with the batch statistics (biased
   * variance) and move the running statistics toward them; eval: normalise with the running statistics.
   * Where the engine has the project's batch-norm gradient kernel (custom-kernels.ts BN_GRAD) the layer's
   * gradient is that one closed-form kernel instead of ~30 elementwise and reduction ops; the forward uses the
   * engine's BN_STATS, BN_APPLY and BN_RUNNING kernels where it has them (webgpu, cpu, wasm) and ops otherwise.
   */
  apply(x: tf.Tensor4D, training: boolean, relu = false): tf.Tensor4D {
    if (training && hasKernel(BN_GRAD)) return this.trainFused(x, relu)
    if (!training && hasKernel(BN_APPLY)) return this.evalFused(x, relu)
    const y = this.applyOps(x, training)
    return relu ? tf.relu(y) : y
  }

  private applyOps(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const { eps, momentum } = BatchNorm2d
    if (!training) {
      // Folded into one multiply-add, as torch's CPU inference kernel does.
      const scale = tf.mul(this.weight, tf.rsqrt(tf.add(this.runningVar, eps))) // [C]
      const shift = tf.sub(this.bias, tf.mul(this.runningMean, scale)) // [C]
      return tf.add(tf.mul(x, scale), shift)
    }
    const mean = channelMean(x) // [C]
    const centered = tf.sub(x, mean) // [N, H, W, C]
    const variance = channelMean(tf.square(centered) as tf.Tensor4D) // [C], biased
    const count = x.shape[0] * x.shape[1] * x.shape[2]
    tf.tidy(() => {
      const unbiased = tf.mul(variance, count / Math.max(count - 1, 1))
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - momentum), tf.mul(mean, momentum)))
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - momentum), tf.mul(unbiased, momentum)))
    })
    const scale = tf.mul(this.weight, tf.rsqrt(tf.add(variance, eps))) // [C]
    return tf.add(tf.mul(centered, scale), this.bias)
  }

  private trainFused(x: tf.Tensor4D, relu: boolean): tf.Tensor4D {
    const attrs: BatchNormAttrs = { eps: BatchNorm2d.eps, relu }
    const running: BatchNormRunningAttrs = { momentum: BatchNorm2d.momentum, count: x.shape[0] * x.shape[1] * x.shape[2] }
    const normalise = tf.customGrad((input, weight, bias, save) => {
      const x4 = input as tf.Tensor4D
      const stats = hasKernel(BN_STATS)
        ? (tf.engine().runKernel(BN_STATS, { x: x4 }) as tf.Tensor) // [2, C]: mean, variance
        : tf.tidy(() => {
          const mean = channelMean(x4)
          return tf.stack([mean, channelMean(tf.square(tf.sub(x4, mean)) as tf.Tensor4D)])
        })
      this.updateRunning(stats, running)
      const value = hasKernel(BN_APPLY)
        ? (tf.engine().runKernel(BN_APPLY, { x: x4, stats, weight: weight as tf.Tensor, bias: bias as tf.Tensor }, { ...attrs }) as tf.Tensor4D)
        : tf.tidy(() => {
          const [mean, variance] = tf.unstack(stats)
          const y = tf.add(tf.mul(tf.sub(x4, mean), tf.mul(weight as tf.Tensor, tf.rsqrt(tf.add(variance, attrs.eps)))), bias as tf.Tensor) as tf.Tensor4D
          return relu ? tf.relu(y) : y
        })
      // the parameters are variables and outlive the step: only what this forward made needs saving
      ;(save as tf.GradSaveFunc)([input as tf.Tensor, stats])
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, s] = saved
        return tf.engine().runKernel(BN_GRAD, { x: xs, dy, stats: s, weight: weight as tf.Tensor, bias: bias as tf.Tensor }, { ...attrs }) as tf.Tensor[]
      }
      return { value, gradFunc }
    })
    return normalise(x, this.weight, this.bias) as tf.Tensor4D
  }

  /** Moves the running statistics toward the batch's (stats [2, C]): in place, by kernel, or by ops. */
  private updateRunning(stats: tf.Tensor, running: BatchNormRunningAttrs): void {
    if (inPlaceUpdates()?.batchNormRunning(this.runningMean, this.runningVar, stats, running)) return
    if (hasKernel(BN_RUNNING)) {
      const [runningMean, runningVar] = tf.engine().runKernel(BN_RUNNING, { runningMean: this.runningMean, runningVar: this.runningVar, stats }, { ...running }) as tf.Tensor[]
      this.runningMean.assign(runningMean as tf.Tensor1D)
      this.runningVar.assign(runningVar as tf.Tensor1D)
      return
    }
    const { momentum, count } = running
    tf.tidy(() => {
      const [mean, variance] = tf.unstack(stats)
      const unbiased = tf.mul(variance, count / Math.max(count - 1, 1))
      this.runningMean.assign(tf.add(tf.mul(this.runningMean, 1 - momentum), tf.mul(mean, momentum)))
      this.runningVar.assign(tf.add(tf.mul(this.runningVar, 1 - momentum), tf.mul(unbiased, momentum)))
    })
  }

  private evalFused(x: tf.Tensor4D, relu: boolean): tf.Tensor4D {
    const { eps } = BatchNorm2d
    const normalise = tf.customGrad((input, weight, bias, save) => {
      const kernelInputs = { x: input as tf.Tensor, mean: this.runningMean, variance: this.runningVar, weight: weight as tf.Tensor, bias: bias as tf.Tensor }
      const value = tf.engine().runKernel(BN_APPLY, kernelInputs, { eps, relu }) as tf.Tensor4D
      ;(save as tf.GradSaveFunc)([kernelInputs.x, kernelInputs.weight, value])
      // Eval-mode gradients (statistics fixed) are rare (tests, saliency): plain ops.
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, w, y] = saved
        const g = relu ? tf.mul(dy, tf.step(y)) : dy
        const invStd = tf.rsqrt(tf.add(this.runningVar, eps))
        const normalised = tf.mul(tf.sub(xs, this.runningMean), invStd)
        return [tf.mul(g, tf.mul(w, invStd)), tf.sum(tf.mul(g, normalised), [0, 1, 2]), tf.sum(g, [0, 1, 2])]
      }
      return { value, gradFunc }
    })
    return normalise(x, this.weight, this.bias) as tf.Tensor4D
  }
}

/**
 * Mean over N, H and W in two stages (W, then N and H). Backends that reduce in float32 with a running sum
 * (wasm) lose ~1e-5 of a mean over 8k values in one pass, which a channel whose spread is a tenth of its
 * mean turns into 1e-4 errors once normalised. [N, H, W, C] -> [C]
 */
function channelMean(x: tf.Tensor4D): tf.Tensor1D {
  return tf.mean(tf.mean(x, 2), [0, 1])
}

/** BN then ReLU, the pre-activation every module uses. */
export function bnRelu(bn: BatchNorm2d, x: tf.Tensor4D, training: boolean): tf.Tensor4D {
  return bn.apply(x, training, true)
}
