// The wasm SIMD kernels: the committed module bytes are kernels.wat assembled, and the batch-norm gradient
// through them equals the plain-JS reference (custom-kernels.ts) on shapes whose channel counts are and are
// not multiples of 4, with and without a remainder past the last whole period.
import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { BN_APPLY, BN_GRAD, BN_STATS, batchNormApplyInto, batchNormGradInto, batchNormScale, batchNormStats, type BatchNormAttrs } from '../../custom-kernels'
import { expectClose, onBackend, randomValues, seededRandom } from '../../testing/compare'
import { registerCpuKernelFixes } from '../../cpu-kernels'
import { DEFAULT_CHUNK_BYTES, setChunkBytes } from '../conv2d-backprop-filter'
import { registerWasmTrainingKernels } from '../index'
import { assembleKernels, bytesSource, BYTES_PATH } from './assemble'
import { channelPeriod, simdKernels } from './index'
import { fractionalMaxPool2d } from '../../../model/fractional-max-pool'
import { upsampleNearest2x } from '../../../model/hourglass'

beforeAll(async () => {
  registerWasmTrainingKernels()
  registerCpuKernelFixes()
  expect(await tf.setBackend('wasm')).toBe(true)
})

it('module-bytes.ts is kernels.wat assembled (rerun build.ts after editing the text)', async () => {
  expect(readFileSync(BYTES_PATH, 'utf8')).toBe(bytesSource(await assembleKernels()))
})

it('instantiates on the backend memory and gives periods of lcm(C, 4)', () => {
  expect(simdKernels(tf.backend() as unknown as BackendWasm)).not.toBeNull()
  expect([1, 2, 3, 4, 6, 7, 8, 28, 64].map(channelPeriod)).toEqual([4, 4, 12, 4, 12, 28, 8, 28, 64])
})

/** `op(x)` and the gradient of Σ op(x)·w with respect to x, computed on `backend`. */
function valueAndGradient(
  backend: string,
  op: (x: tf.Tensor4D) => tf.Tensor4D,
  xs: Float32Array,
  shape: readonly number[],
  weights: Float32Array,
  outShape: readonly number[]
) {
  return onBackend(backend, async () => {
    const x = tf.tensor4d(xs, shape as [number, number, number, number])
    const w = tf.tensor4d(weights, outShape as [number, number, number, number])
    const y = op(x)
    const g = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(op(input as tf.Tensor4D), w)))(x)
    const values = { y: await y.data(), g: await g.data() }
    tf.dispose([x, w, y, g])
    return values
  })
}

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

describe('2x2/2 max-pool gradient through the SIMD kernel', () => {
  it.each([[[2, 6, 8, 4]], [[1, 7, 5, 8]], [[2, 4, 4, 64]]] as const)('shape %j (ties, negative windows) equals the cpu backend', async (shape) => {
    const random = seededRandom(shape.reduce((a: number, d: number) => a * 13 + d, 7))
    const size = shape.reduce((a: number, d: number) => a * d, 1)
    const xs = randomValues(random, size).map((v) => Math.round(v * 3) - 1) // many ties, mostly negative
    const pooledSize = shape[0] * (shape[1] >> 1) * (shape[2] >> 1) * shape[3]
    const dys = randomValues(random, pooledSize)
    const gradient = (backend: string) => onBackend(backend, async () => {
      const x = tf.tensor4d(xs, [...shape])
      const dy = tf.tensor4d(dys, [shape[0], shape[1] >> 1, shape[2] >> 1, shape[3]])
      const g = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid'), dy)))(x)
      const values = await g.data()
      tf.dispose([x, dy, g])
      return values
    })
    const cpu = await gradient('cpu')
    expectClose(await gradient('wasm'), cpu, 'dx', 1e-6)
  })
})

describe('fractional max-pooling through the wasm kernel', () => {
  it.each([
    [[2, 9, 11, 3], 6, 7, false],
    [[1, 16, 16, 7], 11, 13, false],
    [[2, 8, 8, 4], 5, 5, true]
  ] as const)('shape %j to %ix%i (one table: %s): values and gradient equal the cpu backend', async (shape, outH, outW, shared) => {
    const random = seededRandom(shape.reduce((a: number, d: number) => a * 11 + d, outH))
    const size = shape.reduce((a: number, d: number) => a * d, 1)
    const xs = randomValues(random, size).map((v) => Math.round(v * 4)) // ties
    const samples = shared ? 0.37 : Float32Array.from({ length: shape[0] * shape[3] * 2 }, () => random())
    const weights = randomValues(random, shape[0] * outH * outW * shape[3])
    const pool = (x: tf.Tensor4D) => fractionalMaxPool2d(x, outH, outW, samples)
    const run = (backend: string) => valueAndGradient(backend, pool, xs, shape, weights, [shape[0], outH, outW, shape[3]])
    const cpu = await run('cpu')
    const wasm = await run('wasm')
    expectClose(wasm.y, cpu.y, 'y', 1e-6)
    expectClose(wasm.g, cpu.g, 'dx', 1e-6)
  })
})

describe('filter gradients through the SIMD transposes and 1x1 kernel', () => {
  it.each([
    [[2, 6, 6, 8], [3, 3, 8, 8], 'whole'],
    [[1, 4, 5, 12], [3, 3, 12, 4], 'whole'],
    [[2, 4, 4, 12], [1, 1, 12, 8], 'whole'], // 1x1: the SIMD kernel
    [[2, 4, 4, 8], [1, 1, 8, 12], 'whole'],
    [[2, 10, 10, 12], [1, 1, 12, 8], 'whole'], // 200 pixels: three whole tiles of 64 and a part
    [[2, 10, 10, 8], [3, 3, 8, 4], 'whole'],
    [[2, 15, 15, 6], [1, 1, 6, 20], 'whole'], // SIMD 1x1 kernel: 450 pixels (blocks of 128 and a part), 16 + 4 columns
    [[1, 4, 4, 256], [1, 1, 256, 68], 'whole'], // wide in, narrow out: the GEMM
    [[2, 24, 24, 6], [1, 1, 6, 12], 'whole'], // the SIMD 1x1 kernel over 1152 pixels
    [[2, 24, 24, 12], [1, 1, 12, 6], 'in chunks'] // the GEMM (6 outputs), x transposed in chunks of 512 of its 1152 pixels
  ] as const)('x %j, filter %j, %s: equal the cpu backend', async (xShape, wShape, transposes) => {
    const random = seededRandom(xShape.reduce((a: number, d: number) => a * 5 + d, wShape[0]))
    const dyShape = [xShape[0], xShape[1], xShape[2], wShape[3]] as const
    const xs = randomValues(random, xShape.reduce((a: number, d: number) => a * d, 1))
    const dys = randomValues(random, dyShape.reduce((a: number, d: number) => a * d, 1))
    const run = (backend: string) => onBackend(backend, async () => {
      const x = tf.tensor4d(xs, [...xShape])
      const dy = tf.tensor4d(dys, [...dyShape])
      const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [...wShape] }
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor
      const values = await dw.data()
      tf.dispose([x, dy, dw])
      return values
    })
    const cpu = await run('cpu')
    if (transposes === 'in chunks') setChunkBytes(1) // the smallest chunks: 512 pixels
    try {
      expectClose(await run('wasm'), cpu, 'dw')
    } finally {
      setChunkBytes(DEFAULT_CHUNK_BYTES)
    }
  })
})

describe('nearest x2 upsampling through the wasm kernels', () => {
  it.each([[[2, 3, 5, 8]], [[1, 4, 4, 3]]] as const)('shape %j: values and gradient equal the ops on the cpu backend', async (shape) => {
    const random = seededRandom(shape.reduce((a: number, d: number) => a * 3 + d, 1))
    const size = shape.reduce((a: number, d: number) => a * d, 1)
    const xs = randomValues(random, size)
    const weights = randomValues(random, size * 4)
    const run = (backend: string) => valueAndGradient(backend, upsampleNearest2x, xs, shape, weights, [shape[0], 2 * shape[1], 2 * shape[2], shape[3]])
    const cpu = await run('cpu')
    const wasm = await run('wasm')
    expectClose(wasm.y, cpu.y, 'y', 1e-7)
    expectClose(wasm.g, cpu.g, 'dx', 1e-6)
  })
})

describe('stride-1 filter gradients through the tapwise SIMD kernel', () => {
  it.each([
    [[2, 7, 9, 6], [3, 3, 6, 16], 'same'],
    [[1, 8, 8, 20], [3, 3, 20, 20], 'valid'], // 16 + 4 output columns
    [[2, 5, 4, 3], [3, 3, 3, 4], 2], // output wider than the input: some taps reach no pixel of some rows
    [[1, 6, 5, 4], [5, 5, 4, 16], 1],
    [[3, 3, 3, 2], [3, 3, 2, 32], 'same']
  ] as const)('x %j, filter %j, pad %s: equals the cpu backend', async (xShape, wShape, pad) => {
    const random = seededRandom(xShape.reduce((a: number, d: number) => a * 7 + d, wShape[3]))
    const xs = randomValues(random, xShape.reduce((a: number, d: number) => a * d, 1))
    const out = (size: number) => (pad === 'same' ? size : pad === 'valid' ? size - wShape[0] + 1 : size + 2 * pad - wShape[0] + 1)
    const dyShape = [xShape[0], out(xShape[1]), out(xShape[2]), wShape[3]] as [number, number, number, number]
    const dys = randomValues(random, dyShape.reduce((a, d) => a * d, 1))
    const run = (backend: string) => onBackend(backend, async () => {
      const x = tf.tensor4d(xs, [...xShape])
      const dy = tf.tensor4d(dys, dyShape)
      const attrs = { strides: 1, pad, dataFormat: 'NHWC', filterShape: [...wShape] }
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor
      const values = await dw.data()
      tf.dispose([x, dy, dw])
      return values
    })
    const cpu = await run('cpu')
    expectClose(await run('wasm'), cpu, 'dw')
  })
})
