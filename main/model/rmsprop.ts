// RMSprop as torch.optim.RMSprop (and Torch7's optim.rmsprop, which the authors trained with) computes it:
//   g  <- g + weightDecay·p
//   v  <- alpha·v + (1 - alpha)·g²
//   p  <- p - lr·g / (sqrt(v) + eps)                    (momentum 0)
//   b  <- momentum·b + g / (sqrt(v) + eps);  p <- p - lr·b   (momentum > 0)
// tf.train.rmsprop differs: epsilon inside the square root, decay 0.9 by default. Defaults here are the
// authors' (opts.lua): alpha 0.99, eps 1e-8, no momentum, no weight decay; lr 2.5e-4 (hg-prm-stack2.sh).
// State is held per parameter under PyTorch-style names (`<param>.square_avg`, `<param>.momentum_buffer`).
import * as tf from '@tensorflow/tfjs-core'
import { hasKernel, inPlaceUpdates, RMSPROP_UPDATE, RMSPROP_UPDATE_ALL, type RmspropAttrs } from '../engine/custom-kernels'

export interface RmspropOptions {
  lr: number
  alpha: number
  eps: number
  momentum: number
  weightDecay: number
}

export const authorsRmsprop: RmspropOptions = { lr: 2.5e-4, alpha: 0.99, eps: 1e-8, momentum: 0, weightDecay: 0 }

export class RMSprop {
  readonly options: RmspropOptions
  /** Steps taken (torch keeps it per parameter; all parameters step together here). */
  step = 0
  private readonly squareAvg = new Map<string, tf.Variable>()
  private readonly momentumBuffer = new Map<string, tf.Variable>()

  constructor(
    readonly params: ReadonlyMap<string, tf.Variable>,
    options: Partial<RmspropOptions> = {}
  ) {
    this.options = { ...authorsRmsprop, ...options }
    for (const [name, p] of params) {
      this.squareAvg.set(name, zeroVariable(p))
      if (this.options.momentum > 0) this.momentumBuffer.set(name, zeroVariable(p))
    }
  }

  /** Learning rate, changeable between steps (schedules). */
  get lr(): number {
    return this.options.lr
  }

  set lr(value: number) {
    this.options.lr = value
  }

  /** One update from gradients by parameter name (PyraNet.gradients() gives them). Parameters without a gradient keep still. */
  applyGradients(grads: ReadonlyMap<string, tf.Tensor>): void {
    const { lr, alpha, eps, momentum, weightDecay } = this.options
    // Where the engine has them: an in-place update (webgpu) or one fused kernel per parameter, the same float32
    // arithmetic as the ops below in one pass instead of nine kernel calls.
    if (momentum === 0 && hasKernel(RMSPROP_UPDATE)) {
      const attrs: RmspropAttrs = { lr, alpha, eps, weightDecay }
      const items = [...grads].map(([name, grad]) => {
        const param = this.params.get(name)
        const squareAvg = this.squareAvg.get(name)
        if (!param || !squareAvg) throw new Error(`gradient for unknown parameter ${name}`)
        return { param, grad, squareAvg }
      })
      const updated = inPlaceUpdates()?.rmsprop(items, attrs) ?? items.map(() => false)
      tf.tidy(() => {
        const rest = items.filter((_, i) => !updated[i])
        if (rest.length > 1 && hasKernel(RMSPROP_UPDATE_ALL)) {
          // one kernel call for every parameter (wasm: the per-call cost outweighs the arithmetic)
          const inputs: tf.NamedTensorMap = {}
          rest.forEach(({ param, grad, squareAvg }, i) => Object.assign(inputs, { [`param${i}`]: param, [`grad${i}`]: grad, [`squareAvg${i}`]: squareAvg }))
          const next = tf.engine().runKernel(RMSPROP_UPDATE_ALL, inputs, { ...attrs, count: rest.length }) as tf.Tensor[]
          rest.forEach(({ param, squareAvg }, i) => {
            squareAvg.assign(next[2 * i + 1])
            param.assign(next[2 * i])
          })
          return
        }
        items.forEach(({ param, grad, squareAvg }, i) => {
          if (updated[i]) return
          const [nextParam, nextAverage] = tf.engine().runKernel(RMSPROP_UPDATE, { param, grad, squareAvg }, { ...attrs }) as tf.Tensor[]
          squareAvg.assign(nextAverage)
          param.assign(nextParam)
        })
      })
      this.step++
      return
    }
    tf.tidy(() => {
      for (const [name, grad] of grads) {
        const p = this.params.get(name)
        const v = this.squareAvg.get(name)
        if (!p || !v) throw new Error(`gradient for unknown parameter ${name}`)
        const g = weightDecay ? tf.add(grad, tf.mul(p, weightDecay)) : grad
        v.assign(tf.add(tf.mul(v, alpha), tf.mul(tf.square(g), 1 - alpha)))
        const normalised = tf.div(g, tf.add(tf.sqrt(v), eps))
        const buffer = this.momentumBuffer.get(name)
        if (buffer) {
          buffer.assign(tf.add(tf.mul(buffer, momentum), normalised))
          p.assign(tf.sub(p, tf.mul(buffer, lr)))
        } else {
          p.assign(tf.sub(p, tf.mul(normalised, lr)))
        }
      }
    })
    this.step++
  }

  /** Every state tensor by PyTorch-style name: `<param>.square_avg` and, with momentum, `<param>.momentum_buffer`. */
  state(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>()
    for (const [name, v] of this.squareAvg) out.set(`${name}.square_avg`, v)
    for (const [name, b] of this.momentumBuffer) out.set(`${name}.momentum_buffer`, b)
    return out
  }

  dispose(): void {
    for (const v of [...this.squareAvg.values(), ...this.momentumBuffer.values()]) v.dispose()
    this.squareAvg.clear()
    this.momentumBuffer.clear()
  }
}

function zeroVariable(like: tf.Tensor): tf.Variable {
  const zeros = tf.zerosLike(like)
  const variable = tf.variable(zeros, false)
  zeros.dispose()
  return variable
}
