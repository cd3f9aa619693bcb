// The project's own kernels (custom-kernels.ts) on cpu against the tfjs ops they replace: RMSprop bit for bit,
// batch norm (forward, running statistics and gradients through BatchNorm2d) to float32 rounding.
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import './gradients'
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BatchNorm2d, ParamRegistry, Scope } from '../model/layers'
import { createRng } from '../model/random'
import { RMSprop } from '../model/rmsprop'
import { registerCpuKernelFixes } from './cpu-kernels'
import { BN_APPLY, BN_GRAD, BN_RUNNING, BN_STATS, RMSPROP_UPDATE } from './custom-kernels'
import { expectClose, randomValues, seededRandom } from './testing/compare'

beforeAll(async () => {
  await tf.setBackend('cpu')
  registerCpuKernelFixes()
})

/** Runs `f` with the named cpu kernels unregistered, i.e. on the model's tfjs-op path. */
function withoutKernels<T>(names: string[], f: () => T): T {
  const saved = names.map((name) => getKernel(name, 'cpu')).filter((k): k is KernelConfig => k != null)
  for (const k of saved) unregisterKernel(k.kernelName, 'cpu')
  try {
    return f()
  } finally {
    for (const k of saved) registerKernel(k)
  }
}

afterAll(() => {
  for (const name of [RMSPROP_UPDATE, BN_STATS, BN_APPLY, BN_GRAD, BN_RUNNING]) expect(getKernel(name, 'cpu')).toBeDefined()
})

describe('RMSPROP_UPDATE', () => {
  it.each([0, 1e-3])('matches the tfjs-op update bit for bit over three steps (weight decay %s)', (weightDecay) => {
    const random = seededRandom(7)
    const shapes = [[3, 3, 4, 5], [5], [1, 1, 7, 2]]
    const initial = shapes.map((s) => randomValues(random, s.reduce((a, d) => a * d, 1)))
    const grads = [0, 1, 2].map(() => shapes.map((s) => randomValues(random, s.reduce((a, d) => a * d, 1))))
    const run = (fused: boolean) => {
      const params = new Map(shapes.map((s, i) => [`p${i}`, tf.variable(tf.tensor(initial[i], s))]))
      const optimizer = new RMSprop(params, { lr: 1e-2, weightDecay })
      const step = () => {
        for (const g of grads) {
          const map = new Map(shapes.map((s, i) => [`p${i}`, tf.tensor(g[i], s)]))
          optimizer.applyGradients(map)
          tf.dispose([...map.values()])
        }
      }
      if (fused) step()
      else withoutKernels([RMSPROP_UPDATE], step)
      const out = [...params.values()].map((p) => p.dataSync().slice())
      const avg = [...optimizer.state().values()].map((v) => v.dataSync().slice())
      optimizer.dispose()
      for (const p of params.values()) p.dispose()
      return [...out, ...avg]
    }
    const fused = run(true)
    const ops = run(false)
    fused.forEach((values, i) => expect(Array.from(values)).toEqual(Array.from(ops[i])))
  })
})

describe('batch-norm kernels through BatchNorm2d', () => {
  function makeLayer(channels: number): BatchNorm2d {
    const registry = new ParamRegistry(createRng(3), 'uniform')
    const bn = new BatchNorm2d(new Scope(registry, 'bn'), channels)
    // non-trivial running statistics, so eval mode is tested with them
    bn.runningMean.assign(tf.tensor1d(randomValues(seededRandom(5), channels)))
    bn.runningVar.assign(tf.tensor1d(randomValues(seededRandom(6), channels).map((v) => 0.5 + Math.abs(v))))
    bn.bias.assign(tf.tensor1d(randomValues(seededRandom(8), channels).map((v) => 0.3 * v)))
    return bn
  }

  async function pass(bn: BatchNorm2d, x: tf.Tensor4D, dy: tf.Tensor4D, training: boolean, relu: boolean) {
    const f = (input: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor) => {
      void weight
      void bias
      return tf.sum(tf.mul(bn.apply(input as tf.Tensor4D, training, relu), dy))
    }
    const grads = tf.grads(f)([x, bn.weight, bn.bias])
    const values = await Promise.all([...grads, bn.runningMean, bn.runningVar].map((t) => t.data()))
    const y = bn.apply(x, false, relu)
    const out = { dx: values[0], dweight: values[1], dbias: values[2], runningMean: values[3], runningVar: values[4], eval: await y.data() }
    tf.dispose([...grads, y])
    return out
  }

  it.each([
    [[2, 5, 4, 3], true],
    [[2, 5, 4, 3], false],
    [[1, 9, 7, 70], true], // more than one 64-channel block
    [[4, 2, 2, 6], false]
  ] as const)('shape %j relu %s: outputs, running statistics and gradients match the tfjs ops', async (shape, relu) => {
    const random = seededRandom(shape.reduce((a: number, d: number) => a * 31 + d, relu ? 1 : 2))
    const size = shape.reduce((a: number, d: number) => a * d, 1)
    // a channel mean far from zero, as after a conv with a bias
    const x = tf.tensor4d(randomValues(random, size).map((v, i) => 3 + v * (1 + (i % shape[3]))), [...shape])
    const dy = tf.tensor4d(randomValues(random, size), [...shape])
    const fusedLayer = makeLayer(shape[3])
    const opsLayer = makeLayer(shape[3])
    for (const training of [true, false]) {
      const fused = await pass(fusedLayer, x, dy, training, relu)
      const ops = await withoutKernels([BN_STATS, BN_APPLY, BN_GRAD, BN_RUNNING], () => pass(opsLayer, x, dy, training, relu))
      for (const key of Object.keys(ops) as (keyof typeof ops)[]) expectClose(fused[key], ops[key], `${training ? 'train' : 'eval'} ${key}`, 2e-5)
    }
    tf.dispose([x, dy])
  })
})
