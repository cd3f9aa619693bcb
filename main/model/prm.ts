// The building blocks of the hourglass: the plain pre-activation bottleneck (Residual.lua) and the Pyramid
// Residual Module (PRM.lua, Yang et al. ICCV 2017 §3.2), with the skip rules of the authors' code.
//
//   Residual(x) = conv3(BN-ReLU(conv2(BN-ReLU(conv1([BN-ReLU] x))))) + skip(x)
//   PRM(x)      = conv3(BN-ReLU(main(x) + pyramid(x))) + skip(x),  main = conv2(BN-ReLU(conv1([BN-ReLU] x)))
//   pyramid B   = conv_out(BN-ReLU(sum_c level_c(BN-ReLU(conv_in([BN-ReLU] x)))))   one shared 1x1 to D channels
//   pyramid C   = the same with the levels concatenated (C*D channels into conv_out)
//   pyramid A   = conv_out(BN-ReLU(sum_c level_c(x))), each level with its own [BN-ReLU]-1x1-BN-ReLU input
//   level_c     = upsample_bilinear(conv3x3(fractional_max_pool(., 2^(-c/C))))  back to the input size
//   skip        = identity when channels match, else BN-ReLU-1x1; always BN-ReLU-1x1 where `useConv` (low3)
//
// f0's last 1x1 and the paper's g are one shared conv3 after the sum, as in PRM.lua (the paper's figure draws
// two). D = floor(numOut / baseWidth); main-branch width numOut / 2. All tensors NHWC.
import * as tf from '@tensorflow/tfjs-core'
import { pyramidRatios, pyramidWidth, pooledSize, usesPrm, type PrmVariant, type PyraNetConfig } from './config'
import { fractionalMaxPool2d, type PoolSampler } from './fractional-max-pool'
import { BatchNorm2d, bnRelu, Conv2d, type Scope } from './layers'

export interface ApplyContext {
  training: boolean
  sampler: PoolSampler
}

export interface PoseModule {
  /** [N, H, W, in] -> [N, H, W, out] */
  apply(x: tf.Tensor4D, ctx: ApplyContext): tf.Tensor4D
}

export interface ModuleOptions {
  /** False only for the stem's first module, whose input is already BN-ReLU'd ('no_preact' in the Lua). */
  preact?: boolean
  /** A BN-ReLU-1x1 skip even when channels match (hourglass low3; the paper's §4.2 variance fix). */
  useConv?: boolean
}

class Skip {
  readonly bn: BatchNorm2d
  readonly conv: Conv2d

  constructor(scope: Scope, cin: number, cout: number) {
    this.bn = new BatchNorm2d(scope.child('bn'), cin)
    this.conv = new Conv2d(scope.child('conv'), cin, cout, 1)
  }

  apply(x: tf.Tensor4D, ctx: ApplyContext): tf.Tensor4D {
    return this.conv.apply(bnRelu(this.bn, x, ctx.training))
  }
}

function makeSkip(scope: Scope, cin: number, cout: number, useConv: boolean): Skip | null {
  return cin !== cout || useConv ? new Skip(scope.child('skip'), cin, cout) : null
}

/** The two branches every module starts with: optional pre-activation, 1x1 to numOut/2, BN-ReLU, 3x3. */
class MainBranch {
  readonly bn1: BatchNorm2d | null
  readonly conv1: Conv2d
  readonly bn2: BatchNorm2d
  readonly conv2: Conv2d

  constructor(scope: Scope, cin: number, half: number, preact: boolean) {
    this.bn1 = preact ? new BatchNorm2d(scope.child('bn1'), cin) : null
    this.conv1 = new Conv2d(scope.child('conv1'), cin, half, 1)
    this.bn2 = new BatchNorm2d(scope.child('bn2'), half)
    this.conv2 = new Conv2d(scope.child('conv2'), half, half, 3)
  }

  apply(x: tf.Tensor4D, ctx: ApplyContext): tf.Tensor4D {
    const input = this.bn1 ? bnRelu(this.bn1, x, ctx.training) : x
    return this.conv2.apply(bnRelu(this.bn2, this.conv1.apply(input), ctx.training)) // [N, H, W, half]
  }
}

export class Residual implements PoseModule {
  readonly main: MainBranch
  readonly bn3: BatchNorm2d
  readonly conv3: Conv2d
  readonly skip: Skip | null

  constructor(scope: Scope, cin: number, cout: number, { preact = true, useConv = false }: ModuleOptions = {}) {
    const half = cout / 2
    this.main = new MainBranch(scope, cin, half, preact)
    this.bn3 = new BatchNorm2d(scope.child('bn3'), half)
    this.conv3 = new Conv2d(scope.child('conv3'), half, cout, 1)
    this.skip = makeSkip(scope, cin, cout, useConv)
  }

  apply(x: tf.Tensor4D, ctx: ApplyContext): tf.Tensor4D {
    const y = this.conv3.apply(bnRelu(this.bn3, this.main.apply(x, ctx), ctx.training)) // [N, H, W, out]
    return tf.add(y, this.skip ? this.skip.apply(x, ctx) : x)
  }
}

/** The 1x1 that feeds pyramid levels: [BN-ReLU] conv to D, BN-ReLU. Shared by all levels (B, C) or one per level (A). */
class PyramidInput {
  readonly pre_bn: BatchNorm2d | null
  readonly conv_in: Conv2d
  readonly bn_in: BatchNorm2d

  constructor(scope: Scope, cin: number, d: number, preact: boolean) {
    this.pre_bn = preact ? new BatchNorm2d(scope.child('pre_bn'), cin) : null
    this.conv_in = new Conv2d(scope.child('conv_in'), cin, d, 1)
    this.bn_in = new BatchNorm2d(scope.child('bn_in'), d)
  }

  apply(x: tf.Tensor4D, ctx: ApplyContext): tf.Tensor4D {
    const input = this.pre_bn ? bnRelu(this.pre_bn, x, ctx.training) : x
    return bnRelu(this.bn_in, this.conv_in.apply(input), ctx.training) // [N, H, W, D]
  }
}

class PyramidLevel {
  /** The pooling site's name, for the sampler: this level's PyTorch module path. */
  readonly site: string
  readonly input: PyramidInput | null
  readonly conv: Conv2d

  constructor(
    scope: Scope,
    readonly ratio: number,
    d: number,
    ownInput: { cin: number; preact: boolean } | null
  ) {
    this.site = scope.prefix
    this.input = ownInput ? new PyramidInput(scope, ownInput.cin, d, ownInput.preact) : null
    this.conv = new Conv2d(scope.child('conv'), d, d, 3)
  }

  apply(x: tf.Tensor4D, ctx: ApplyContext): tf.Tensor4D {
    const t = this.input ? this.input.apply(x, ctx) : x // [N, H, W, D]
    const [n, h, w, d] = t.shape
    const pooled = fractionalMaxPool2d(t, pooledSize(h, this.ratio), pooledSize(w, this.ratio), ctx.sampler(this.site, n, d))
    const y = this.conv.apply(pooled) // [N, h*r, w*r, D]
    return tf.image.resizeBilinear(y, [h, w], true) // [N, H, W, D]
  }
}

class Pyramid {
  readonly input: PyramidInput | null
  readonly levels: PyramidLevel[]
  readonly bn_out: BatchNorm2d
  readonly conv_out: Conv2d

  constructor(scope: Scope, cin: number, half: number, d: number, cardinality: number, readonly variant: PrmVariant, preact: boolean) {
    this.input = variant === 'A' ? null : new PyramidInput(scope, cin, d, preact)
    const levels = scope.child('levels')
    this.levels = pyramidRatios(cardinality).map(
      (ratio, c) => new PyramidLevel(levels.child(c), ratio, d, variant === 'A' ? { cin, preact } : null)
    )
    const width = variant === 'C' ? d * cardinality : d
    this.bn_out = new BatchNorm2d(scope.child('bn_out'), width)
    this.conv_out = new Conv2d(scope.child('conv_out'), width, half, 1)
  }

  apply(x: tf.Tensor4D, ctx: ApplyContext): tf.Tensor4D {
    const t = this.input ? this.input.apply(x, ctx) : x
    const ys = this.levels.map((level) => level.apply(t, ctx)) // C x [N, H, W, D]
    const merged = (this.variant === 'C' ? tf.concat(ys, 3) : tf.addN(ys)) as tf.Tensor4D // [N, H, W, C*D] or [N, H, W, D]
    return this.conv_out.apply(bnRelu(this.bn_out, merged, ctx.training)) // [N, H, W, half]
  }
}

export class Prm implements PoseModule {
  readonly main: MainBranch
  readonly pyramid: Pyramid
  readonly bn3: BatchNorm2d
  readonly conv3: Conv2d
  readonly skip: Skip | null

  constructor(
    scope: Scope,
    cin: number,
    cout: number,
    variant: Exclude<PrmVariant, 'residual'>,
    cardinality: number,
    baseWidth: number,
    { preact = true, useConv = false }: ModuleOptions = {}
  ) {
    const half = cout / 2
    this.main = new MainBranch(scope, cin, half, preact)
    this.pyramid = new Pyramid(scope.child('pyramid'), cin, half, pyramidWidth(cout, baseWidth), cardinality, variant, preact)
    this.bn3 = new BatchNorm2d(scope.child('bn3'), half)
    this.conv3 = new Conv2d(scope.child('conv3'), half, cout, 1)
    this.skip = makeSkip(scope, cin, cout, useConv)
  }

  apply(x: tf.Tensor4D, ctx: ApplyContext): tf.Tensor4D {
    const sum = tf.add(this.main.apply(x, ctx), this.pyramid.apply(x, ctx)) as tf.Tensor4D // [N, H, W, half]
    const y = this.conv3.apply(bnRelu(this.bn3, sum, ctx.training)) // [N, H, W, out]
    return tf.add(y, this.skip ? this.skip.apply(x, ctx) : x)
  }
}

/** A PRM where the map is wide enough (config.usesPrm), else a plain Residual, as hg-prm.lua places them. */
export function createModule(scope: Scope, config: PyraNetConfig, cin: number, cout: number, res: number, options: ModuleOptions = {}): PoseModule {
  if (config.variant !== 'residual' && usesPrm(config, res)) {
    return new Prm(scope, cin, cout, config.variant, config.cardinality, config.baseWidth, options)
  }
  return new Residual(scope, cin, cout, options)
}

/** nModules modules in a row at one location (nn.Sequential: children named 0, 1, …). */
export class ModuleChain implements PoseModule {
  readonly modules: PoseModule[]

  constructor(scope: Scope, config: PyraNetConfig, cin: number, cout: number, res: number, options: ModuleOptions = {}) {
    this.modules = Array.from({ length: config.nModules }, (_, i) =>
      createModule(scope.child(i), config, i === 0 ? cin : cout, cout, res, options)
    )
  }

  apply(x: tf.Tensor4D, ctx: ApplyContext): tf.Tensor4D {
    return this.modules.reduce((y, module) => module.apply(y, ctx), x)
  }
}
