// Fractional max-pooling against torch's F.fractional_max_pool2d on the same samples (fixture), including
// windows that tie (a ReLU'd input), where torch sends the gradient to the first maximum in row-major order.
import '../engine/gradients'
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { fixedPoolSampler, fractionalMaxPool2d, poolIntervals, randomPoolSampler, tablePoolSampler } from './fractional-max-pool'
import { createRng } from './random'
import { nchwToNhwc, readFixture, requireTensor } from './reference-fixtures'
import { toFloat32 } from './safetensors'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('poolIntervals', () => {
  it('reproduces torch window starts (alpha = (in-2)/(out-1), last window at in-2)', () => {
    // F.fractional_max_pool2d(arange(9x7), 2, output_size=(5, 4), samples (u_w .3, u_h .9)) picks rows 0 2 4 5 7, columns 0 2 3 5
    expect([...poolIntervals(0.9, 9, 5)]).toEqual([0, 2, 4, 5, 7])
    expect([...poolIntervals(0.3, 7, 4)]).toEqual([0, 2, 3, 5])
  })

  it('gives increasing starts that keep every 2x2 window inside the input', () => {
    const rng = createRng(3)
    for (const [inSize, outSize] of [[64, 53], [64, 32], [16, 8], [128, 107], [3, 2]]) {
      for (let k = 0; k < 50; k++) {
        const starts = poolIntervals(rng.uniform(), inSize, outSize)
        for (let i = 1; i < outSize; i++) expect(starts[i]).toBeGreaterThan(starts[i - 1])
        expect(starts[0]).toBeGreaterThanOrEqual(0)
        expect(starts[outSize - 1]).toBe(inSize - 2)
      }
    }
  })
})

describe('fractionalMaxPool2d against torch', () => {
  const fixture = readFixture('fractional-max-pool.safetensors')
  it.each(['random', 'ties'])('%s input: same values and same gradients', (name) => {
    const x = nchwToNhwc(requireTensor(fixture, `${name}.x`))
    const y = requireTensor(fixture, `${name}.y`)
    const [, , outH, outW] = y.shape
    const samples = toFloat32(requireTensor(fixture, `${name}.samples`), 'samples')
    const weight = nchwToNhwc(requireTensor(fixture, `${name}.weight`))
    const ours = fractionalMaxPool2d(x, outH, outW, samples)
    expect([...tf.transpose(ours, [0, 3, 1, 2]).dataSync()]).toEqual([...toFloat32(y, 'y')])
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(fractionalMaxPool2d(input as tf.Tensor4D, outH, outW, samples), weight)))(x)
    const expected = toFloat32(requireTensor(fixture, `${name}.grad`), 'grad')
    const actual = tf.transpose(grad, [0, 3, 1, 2]).dataSync()
    for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i] - expected[i])).toBeLessThan(1e-6)
  })
})

describe('pool samplers', () => {
  it('the deterministic mode equals explicit samples of 0.5 for every element and channel', () => {
    const x = tf.randomNormal([2, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor4D
    const fixed = fractionalMaxPool2d(x, 11, 11, fixedPoolSampler()('site', 2, 3))
    const explicit = fractionalMaxPool2d(x, 11, 11, new Float32Array(2 * 3 * 2).fill(0.5))
    expect([...fixed.dataSync()]).toEqual([...explicit.dataSync()])
  })

  it('random samples lie in [0, 1) and differ between calls; recorded ones are checked for size', () => {
    const sampler = randomPoolSampler(createRng(7))
    const a = sampler('s', 2, 4) as Float32Array
    const b = sampler('s', 2, 4) as Float32Array
    expect(a.length).toBe(16)
    expect(a.every((u) => u >= 0 && u < 1)).toBe(true)
    expect([...a]).not.toEqual([...b])
    const table = tablePoolSampler(new Map([['s', a]]))
    expect(table('s', 2, 4)).toBe(a)
    expect(() => table('other', 2, 4)).toThrow(/no pooling samples recorded for other/)
    expect(() => table('s', 1, 4)).toThrow(/expected 1x4x2/)
  })
})
