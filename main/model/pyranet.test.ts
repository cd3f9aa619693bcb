// The network's API: layouts, training and eval modes, BN statistics, seeding, memory.
import '../engine/gradients'
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WorkbenchError } from '../errors'
import { validateConfig, type PyraNetConfig } from './config'
import { createPyraNet, heatmapLoss, type PyraNet } from './pyranet'

const config: Partial<PyraNetConfig> = { nStack: 2, nFeats: 8, inputRes: 64, stemWidth: 4, baseWidth: 3, nJoints: 5 }
let net: PyraNet
let input: tf.Tensor4D

beforeAll(async () => {
  await tf.setBackend('cpu')
  net = createPyraNet(config, { seed: 3 })
  input = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 4) as tf.Tensor4D
})
afterAll(() => {
  net.dispose()
  input.dispose()
})

describe('PyraNet', () => {
  it('maps [N, R, R, 3] to one [N, R/4, R/4, J] heatmap tensor per stack', () => {
    const outputs = tf.tidy(() => net.apply(input).map((o) => tf.keep(o)))
    expect(outputs.map((o) => o.shape)).toEqual([
      [2, 16, 16, 5],
      [2, 16, 16, 5]
    ])
    tf.dispose(outputs)
  })

  it('refuses an input of the wrong shape with a clear error', () => {
    const wrong = tf.zeros([1, 64, 64, 1]) as tf.Tensor4D
    expect(() => net.apply(wrong)).toThrow(WorkbenchError)
    expect(() => net.apply(wrong)).toThrow('input must be [N, 64, 64, 3] (NHWC), got [1, 64, 64, 1]')
    wrong.dispose()
  })

  it('eval mode is deterministic and leaves BN statistics alone; training mode moves them', async () => {
    const stats = async (name = 'running_mean') => [...(await net.buffers.get(`stem.bn.${name}`)!.data())]
    const before = await stats()
    const beforeVar = await stats('running_var')
    const a = tf.tidy(() => net.apply(input)[1].dataSync())
    const b = tf.tidy(() => net.apply(input)[1].dataSync())
    expect([...a]).toEqual([...b])
    expect(await stats()).toEqual(before)
    const forwards = net.trainingForwards
    tf.tidy(() => net.apply(input, { training: true }))
    expect(net.trainingForwards).toBe(forwards + 1)
    // running_mean <- 0.9 · running_mean + 0.1 · batch mean; running_var likewise with the unbiased variance
    const [batchMean, batchVar] = tf.tidy(() => {
      const { mean, variance } = tf.moments(net.stem.conv.apply(input), [0, 1, 2])
      return [mean.dataSync(), variance.dataSync()]
    })
    const n = 2 * 32 * 32
    const after = await stats()
    const afterVar = await stats('running_var')
    after.forEach((v, i) => expect(v).toBeCloseTo(0.9 * before[i] + 0.1 * batchMean[i], 5))
    afterVar.forEach((v, i) => expect(v).toBeCloseTo(0.9 * beforeVar[i] + 0.1 * batchVar[i] * (n / (n - 1)), 5))
  })

  it('draws training pooling samples from its seed: two networks with one seed train identically', () => {
    const twin = createPyraNet(config, { seed: 3 })
    const other = createPyraNet(config, { seed: 4 })
    try {
      const run = (n: PyraNet) => tf.tidy(() => [...n.apply(input, { training: true })[1].dataSync()])
      const fresh = createPyraNet(config, { seed: 3 })
      const first = run(fresh)
      expect(run(twin)).toEqual(first)
      expect(run(other)).not.toEqual(first)
      fresh.dispose()
    } finally {
      twin.dispose()
      other.dispose()
    }
  })

  it('initialises as Torch7: conv weights within 1/sqrt(fan_in), BN weights U(0, 1) or ones, BN biases 0', async () => {
    const w = await net.params.get('hg.0.up1.0.conv2.weight')!.data() // 3x3, 2 -> 2 channels: fan_in 18
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(18))
    const bn = await net.params.get('hg.0.up1.0.bn1.weight')!.data()
    expect(bn.every((v) => v >= 0 && v < 1)).toBe(true)
    expect([...(await net.params.get('hg.0.up1.0.bn1.bias')!.data())].every((v) => v === 0)).toBe(true)
    const ones = createPyraNet(config, { bnWeightInit: 'ones' })
    expect([...(await ones.params.get('stem.bn.weight')!.data())].every((v) => v === 1)).toBe(true)
    ones.dispose()
  })

  it('takes gradients of every trainable variable by PyTorch name, without leaking tensors', () => {
    const target = tf.zeros([2, 16, 16, 5]) as tf.Tensor4D
    const before = tf.memory().numTensors
    const { loss, grads } = net.gradients(() => net.lossFn(net.apply(input, { training: true }), target))
    expect(grads.size).toBe(net.params.size)
    expect(grads.get('heads.0.score_.weight')!.shape).toEqual([1, 1, 5, 8])
    tf.dispose([loss, ...grads.values()])
    expect(tf.memory().numTensors).toBe(before)
    target.dispose()
  })

  it('sums the per-stack MSE and lets joint weights drop joints', () => {
    const out = [tf.ones([1, 2, 2, 2]), tf.zeros([1, 2, 2, 2])] as tf.Tensor4D[]
    const target = tf.fill([1, 2, 2, 2], 0.5) as tf.Tensor4D
    expect(heatmapLoss(out, target).dataSync()[0]).toBeCloseTo(0.5, 6)
    expect(heatmapLoss(out, target, tf.tensor4d([1, 0], [1, 1, 1, 2])).dataSync()[0]).toBeCloseTo(0.25, 6)
  })
})

describe('validateConfig', () => {
  it('names the field at fault', () => {
    expect(() => validateConfig({ inputRes: 100 })).toThrow(/inputRes must be a multiple of 64/)
    expect(() => validateConfig({ variant: 'D' as never })).toThrow(/variant must be one of A, B, C, residual/)
    expect(() => validateConfig({ nStack: 0 })).toThrow(/nStack must be a positive integer/)
    expect(() => validateConfig({ nFeats: 16, baseWidth: 40 })).toThrow(/baseWidth 40 leaves a pyramid branch with no channels/)
    expect(validateConfig({ variant: 'residual', baseWidth: 400, nFeats: 16 }).baseWidth).toBe(400)
  })
})
