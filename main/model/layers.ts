// The two parameterised layers of PyraNet, with PyTorch's semantics and names, plus the registry that names
// every variable the way PyTorch's state_dict would (`stem.conv.weight`, `hg.0.up1.0.bn1.running_mean`).
// Tensors are NHWC; conv kernels are held HWIO ([k, k, in, out]) for tf.conv2d, and checkpoints store
// them OIHW, as PyTorch does (checkpoint.ts transposes).
import * as tf from '@tensorflow/tfjs-core'
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

  /** [N, H, W, in] -> [N, H', W', out] */
  apply(x: tf.Tensor4D): tf.Tensor4D {
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
   * [N, H, W, C] -> [N, H, W, C]. Training: normalise with the batch statistics (biased variance) and move the
   * running statistics toward them; eval: normalise with the running statistics.
   */
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
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
  return tf.relu(bn.apply(x, training))
}
