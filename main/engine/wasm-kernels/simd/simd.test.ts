// The wasm SIMD kernels: the committed module bytes are kernels.wat assembled, and the batch-norm gradient
// through them equals the plain-JS reference (custom-kernels.ts) on shapes whose channel counts are and are
// not multiples of 4, with and without a remainder past the last whole period.
import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { BN_APPLY, BN_GRAD, BN_STATS, batchNormApplyInto, batchNormGradInto, batchNormScale, batchNormStats, type BatchNormAttrs } from '../../custom-kernels'
import { expectClose, randomValues, seededRandom } from '../../testing/compare'
import { registerWasmTrainingKernels } from '../index'
import { assembleKernels, bytesSource, BYTES_PATH } from './assemble'
import { channelPeriod, simdKernels } from './index'

beforeAll(async () => {
  registerWasmTrainingKernels()
  expect(await tf.setBackend('wasm')).toBe(true)
})

it('module-bytes.ts is kernels.wat assembled (rerun build.ts after editing the text)', async () => {
  expect(readFileSync(BYTES_PATH, 'utf8')).toBe(bytesSource(await assembleKernels()))
})

it('instantiates on the backend memory and gives periods of lcm(C, 4)', () => {
  expect(simdKernels(tf.backend() as unknown as BackendWasm)).not.toBeNull()
  expect([1, 2, 3, 4, 6, 7, 8, 28, 64].map(channelPeriod)).toEqual([4, 4, 12, 4, 12, 28, 8, 28, 64])
})

const SHAPES = [
  [[2, 5, 4, 3], true],
  [[1, 7, 7, 7], true], // 343 values: a remainder past the last period of 28
  [[2, 9, 11, 7], false],
  [[1, 5, 3, 6], true], // period 12, remainder 6
  [[2, 8, 8, 28], true],
  [[2, 6, 6, 64], false],
  [[1, 3, 5, 70], true]
] as const

describe('batch-norm kernels through the SIMD kernels equal the JS reference', () => {
  it.each(SHAPES)('BN_STATS and BN_APPLY, shape %j relu %s', async (shape, relu) => {
    const random = seededRandom(shape.reduce((a: number, d: number) => a * 17 + d, relu ? 3 : 4))
    const channels = shape[3]
    const size = shape.reduce((a: number, d: number) => a * d, 1)
    // channel means far from zero next to their spread, as after a conv with a bias
    const xs = randomValues(random, size).map((v, i) => 5 + (i % channels) + 0.1 * v)
    const weight = randomValues(random, channels)
    const bias = randomValues(random, channels).map((v) => 0.3 * v)
    const x = tf.tensor4d(xs, [...shape])
    const params = { weight: tf.tensor1d(weight), bias: tf.tensor1d(bias) }
    const stats = tf.engine().runKernel(BN_STATS, { x }) as tf.Tensor
    const y = tf.engine().runKernel(BN_APPLY, { x, stats, ...params }, { eps: 1e-5, relu }) as tf.Tensor
    const statValues = (await stats.data()) as Float32Array
    const yValues = await y.data()
    tf.dispose([x, stats, y, params.weight, params.bias])
    const expectedStats = batchNormStats(xs, channels)
    expectClose(statValues.subarray(0, channels), expectedStats.subarray(0, channels), 'mean', 1e-6)
    expectClose(statValues.subarray(channels), expectedStats.subarray(channels), 'variance', 1e-5)
    const expectedY = new Float32Array(size)
    const variance = expectedStats.subarray(channels)
    batchNormApplyInto(expectedY, xs, expectedStats.subarray(0, channels), batchNormScale(variance, weight, 1e-5), bias, relu)
    expectClose(yValues, expectedY, 'y', 1e-4)
  })

  it.each(SHAPES)('BN_GRAD, shape %j relu %s', async (shape, relu) => {
    const random = seededRandom(shape.reduce((a: number, d: number) => a * 31 + d, relu ? 1 : 2))
    const channels = shape[3]
    const size = shape.reduce((a: number, d: number) => a * d, 1)
    const xs = randomValues(random, size).map((v, i) => 2 + v * (1 + (i % channels)))
    const dys = randomValues(random, size)
    const mean = new Float32Array(channels).map((_, c) => 2 + 0.1 * c)
    const variance = new Float32Array(channels).map((_, c) => 0.5 + c)
    const weight = randomValues(random, channels)
    const bias = randomValues(random, channels).map((v) => 0.3 * v)
    const attrs: BatchNormAttrs = { eps: 1e-5, relu }
    const before = tf.memory().numTensors
    const inputs = {
      x: tf.tensor4d(xs, [...shape]),
      dy: tf.tensor4d(dys, [...shape]),
      stats: tf.tensor2d([...mean, ...variance], [2, channels]),
      weight: tf.tensor1d(weight),
      bias: tf.tensor1d(bias)
    }
    const outputs = tf.engine().runKernel(BN_GRAD, inputs, { ...attrs }) as tf.Tensor[]
    const [dx, dweight, dbias] = await Promise.all(outputs.map((t) => t.data()))
    tf.dispose([...outputs, ...Object.values(inputs)])
    expect(tf.memory().numTensors).toBe(before)
    const expectedDx = new Float32Array(size)
    const [expectedDw, expectedDb] = batchNormGradInto(expectedDx, xs, dys, mean, variance, weight, bias, attrs)
    expectClose(dx, expectedDx, 'dx', 2e-5)
    expectClose(dweight, expectedDw, 'dweight', 2e-5)
    expectClose(dbias, expectedDb, 'dbias', 2e-5)
  })
})

describe('Sum and Mean over leading axes through the SIMD column sums', () => {
  it.each([[[2, 5, 4, 3]], [[1, 7, 7, 7]], [[3, 9, 64]], [[5, 70]]] as const)('shape %j equals float64 sums', async (shape) => {
    const random = seededRandom(shape.reduce((a: number, d: number) => a * 7 + d, 5))
    const inner = shape[shape.length - 1]
    const size = shape.reduce((a: number, d: number) => a * d, 1)
    const values = randomValues(random, size).map((v, i) => 100 * (i % inner) + v)
    const x = tf.tensor(values, [...shape])
    const axes = shape.slice(0, -1).map((_, i) => i)
    const [sum, mean] = [tf.sum(x, axes), tf.mean(x, axes)]
    const expected = new Float64Array(inner)
    values.forEach((v, i) => (expected[i % inner] += v))
    expectClose(await sum.data(), expected, 'sum', 1e-6)
    expectClose(await mean.data(), expected.map((v) => v / (size / inner)), 'mean', 1e-6)
    tf.dispose([x, sum, mean])
  })
})
