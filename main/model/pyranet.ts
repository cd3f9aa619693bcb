// PyraNet: stacked hourglasses built from Pyramid Residual Modules.
//   Yang, Li, Ouyang, Li, Wang. "Learning Feature Pyramids for Human Pose Estimation", ICCV 2017.
//   The authors' code is the authority: bearpaw/PyraNet models/hg-prm.lua, models/layers/PRM.lua
//   (summarised with sources in shared/docs/pyranet-reference.md §1.2). reference/pyranet.py is the same
//   network in PyTorch; the tests compare the two on committed fixtures.
//
// Layouts (NHWC throughout):
//   input   [N, inputRes, inputRes, 3]   float32, normalised by the caller (the authors: RGB / 255 minus the
//                                         training-set mean; no std)
//   output  nStack x [N, inputRes/4, inputRes/4, nJoints]   heatmaps, one tensor per stack (intermediate
//                                         supervision); the last is the prediction
// Parameters are tf.Variables named as PyTorch's state_dict names them (`stem.conv.weight`,
// `hg.0.up1.0.pyramid.levels.2.conv.bias`, `heads.1.score.weight`), so checkpoints map 1:1.
import * as tf from '@tensorflow/tfjs-core'
import { badInput } from '../errors'
import { validateConfig, type PyraNetConfig } from './config'
import { fixedPoolSampler, randomPoolSampler, type PoolSampler } from './fractional-max-pool'
import { HOURGLASS_DEPTH, Hourglass } from './hourglass'
import { BatchNorm2d, bnRelu, Conv2d, ParamRegistry, Scope, type BnWeightInit } from './layers'
import { createModule, type ApplyContext, type PoseModule } from './prm'
import { createRng, type Rng } from './random'

/** conv7x7/2 + BN-ReLU (inputRes/2), module to 2·stemWidth, maxpool (inputRes/4), two modules to nFeats. */
class Stem {
  readonly conv: Conv2d
  readonly bn: BatchNorm2d
  readonly res1: PoseModule
  readonly res2: PoseModule
  readonly res3: PoseModule

  constructor(scope: Scope, config: PyraNetConfig) {
    const w = config.stemWidth
    this.conv = new Conv2d(scope.child('conv'), 3, w, 7, 2, 3)
    this.bn = new BatchNorm2d(scope.child('bn'), w)
    this.res1 = createModule(scope.child('res1'), config, w, 2 * w, config.inputRes / 2, { preact: false })
    this.res2 = createModule(scope.child('res2'), config, 2 * w, 2 * w, config.inputRes / 4)
    this.res3 = createModule(scope.child('res3'), config, 2 * w, config.nFeats, config.inputRes / 4)
  }

  /** [N, R, R, 3] -> [N, R/4, R/4, nFeats] */
  apply(x: tf.Tensor4D, ctx: ApplyContext): tf.Tensor4D {
    const y = this.res1.apply(bnRelu(this.bn, this.conv.apply(x, false), ctx.training), ctx) // [N, R/2, R/2, 2w]
    const pooled = tf.maxPool(y, 2, 2, 'valid') // [N, R/4, R/4, 2w]
    return this.res3.apply(this.res2.apply(pooled, ctx), ctx)
  }
}

/** After each hourglass: BN-ReLU, 1x1 + BN-ReLU ("lin"), 1x1 to heatmaps; all but the last stack also map both back. */
class Head {
  readonly pre_bn: BatchNorm2d
  readonly fc: Conv2d
  readonly fc_bn: BatchNorm2d
  readonly score: Conv2d
  /** Re-injection into the next stack's input (the Lua's ll_ and tmpOut_); null on the last stack. */
  readonly fc_: Conv2d | null
  readonly score_: Conv2d | null

  constructor(scope: Scope, config: PyraNetConfig, last: boolean) {
    const f = config.nFeats
    this.pre_bn = new BatchNorm2d(scope.child('pre_bn'), f)
    this.fc = new Conv2d(scope.child('fc'), f, f, 1)
    this.fc_bn = new BatchNorm2d(scope.child('fc_bn'), f)
    this.score = new Conv2d(scope.child('score'), f, config.nJoints, 1)
    this.fc_ = last ? null : new Conv2d(scope.child('fc_'), f, f, 1)
    this.score_ = last ? null : new Conv2d(scope.child('score_'), config.nJoints, f, 1)
  }

  /** hourglass output [N, r, r, F] -> features [N, r, r, F] and heatmaps [N, r, r, J] */
  apply(x: tf.Tensor4D, ctx: ApplyContext): { features: tf.Tensor4D; heatmaps: tf.Tensor4D } {
    const features = bnRelu(this.fc_bn, this.fc.apply(bnRelu(this.pre_bn, x, ctx.training)), ctx.training)
    return { features, heatmaps: this.score.apply(features) }
  }
}

export interface CreateOptions {
  /** Seeds weight init and the training-time pooling samples (default 1). */
  seed?: number
  /**
   * BN weight init (default 'uniform'): Torch7's U(0, 1), which the authors trained with (their code does no
   * init of its own, opts.lua `-init none`). 'ones' is PyTorch >= 1.2's default.
   */
  bnWeightInit?: BnWeightInit
}

export interface ApplyOptions {
  /** Batch statistics (and running-statistics updates) instead of running statistics. Default false. */
  training?: boolean
  /**
   * Fractional-pooling samples. Default: random draws from the network's seeded generator when training,
   * the deterministic u = 0.5 mode otherwise (fractional-max-pool.ts).
   */
  poolSamples?: PoolSampler
}

export class PyraNet {
  readonly config: PyraNetConfig
  readonly stem: Stem
  readonly hg: Hourglass[]
  readonly heads: Head[]
  /** Training-mode forwards so far (PyTorch's BN `num_batches_tracked`; checkpoints carry it). */
  trainingForwards = 0
  private readonly registry: ParamRegistry
  private readonly rng: Rng

  constructor(config: PyraNetConfig, { seed = 1, bnWeightInit = 'uniform' }: CreateOptions = {}) {
    this.config = validateConfig(config)
    this.rng = createRng(seed)
    this.registry = new ParamRegistry(this.rng, bnWeightInit)
    const root = new Scope(this.registry)
    const res = this.config.inputRes / 4
    this.stem = new Stem(root.child('stem'), this.config)
    this.hg = Array.from({ length: this.config.nStack }, (_, s) => new Hourglass(root.child('hg').child(s), this.config, HOURGLASS_DEPTH, res))
    this.heads = Array.from({ length: this.config.nStack }, (_, s) => new Head(root.child('heads').child(s), this.config, s === this.config.nStack - 1))
  }

  /** Trainable variables (weights, biases, BN scales and shifts) by PyTorch name. */
  get params(): ReadonlyMap<string, tf.Variable> {
    return this.registry.params
  }

  /** BN running statistics by PyTorch name. */
  get buffers(): ReadonlyMap<string, tf.Variable> {
    return this.registry.buffers
  }

  get parameterCount(): number {
    let total = 0
    for (const v of this.params.values()) total += v.size
    return total
  }

  /** [N, R, R, 3] -> nStack x [N, R/4, R/4, nJoints]. Callers own the outputs (wrap in tf.tidy). */
  apply(input: tf.Tensor4D, { training = false, poolSamples }: ApplyOptions = {}): tf.Tensor4D[] {
    const { inputRes } = this.config
    const [, h, w, c] = input.shape
    if (h !== inputRes || w !== inputRes || c !== 3) {
      throw badInput(`input must be [N, ${inputRes}, ${inputRes}, 3] (NHWC), got [${input.shape.join(', ')}]`, 'input')
    }
    const ctx: ApplyContext = { training, sampler: poolSamples ?? (training ? randomPoolSampler(this.rng) : fixedPoolSampler()) }
    if (training) this.trainingForwards++
    let inter = this.stem.apply(input, ctx) // [N, R/4, R/4, F]
    const outputs: tf.Tensor4D[] = []
    this.hg.forEach((hourglass, s) => {
      const head = this.heads[s]
      const { features, heatmaps } = head.apply(hourglass.apply(inter, ctx), ctx)
      outputs.push(heatmaps) // [N, R/4, R/4, J]
      if (head.fc_ && head.score_) inter = tf.addN([inter, head.fc_.apply(features), head.score_.apply(heatmaps)])
    })
    return outputs
  }

  /** The official loss: MSE (mean) of every stack's heatmaps against the target, summed over stacks. */
  lossFn(outputs: tf.Tensor4D[], target: tf.Tensor4D, jointWeights?: tf.Tensor): tf.Scalar {
    return heatmapLoss(outputs, target, jointWeights)
  }

  /**
   * Runs `lossOf` recording gradients of every trainable variable; returns the loss and the gradients by
   * PyTorch name. Callers dispose both.
   */
  gradients(lossOf: () => tf.Scalar): { loss: tf.Scalar; grads: Map<string, tf.Tensor> } {
    const variables = [...this.params.values()]
    const { value, grads } = tf.variableGrads(lossOf, variables)
    return { loss: value, grads: new Map(variables.map((v) => [this.registry.torchName(v), grads[v.name]])) }
  }

  dispose(): void {
    this.registry.dispose()
  }
}

/**
 * Sum over stacks of mean((output - target)^2): nn.MSELoss per stack, as the authors' ParallelCriterion.
 * `jointWeights` ([N, 1, 1, J] or broadcastable) zeroes or weights joints; the mean still divides by every element.
 */
export function heatmapLoss(outputs: tf.Tensor4D[], target: tf.Tensor4D, jointWeights?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const perStack = outputs.map((output) => {
      const squared = tf.squaredDifference(output, target)
      return tf.mean(jointWeights ? tf.mul(squared, jointWeights) : squared)
    })
    return tf.addN(perStack) as tf.Scalar
  })
}

export function createPyraNet(config: Partial<PyraNetConfig> = {}, options: CreateOptions = {}): PyraNet {
  return new PyraNet(validateConfig(config), options)
}
