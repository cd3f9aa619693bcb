// Every op a PyraNet training step uses, differentiated on wasm (with the project's kernels) and on cpu
// (with its fixes), must give the same gradients; and the kernels must not leak heap memory.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerCpuKernelFixes } from '../cpu-kernels'
import { expectClose, onBackend, randomValues, seededRandom } from '../testing/compare'
import { registerWasmTrainingKernels } from './index'

beforeAll(async () => {
  registerWasmTrainingKernels()
  registerCpuKernelFixes()
  await tf.setBackend('wasm')
})

const ops: Record<string, (x: tf.Tensor4D) => tf.Tensor> = {
  'maxPool 2x2 (negative windows)': (x) => tf.maxPool(tf.sub(x, 1.5) as tf.Tensor4D, 2, 2, 'valid'),
  'maxPool 3x3 stride 2 same': (x) => tf.maxPool(x, 3, 2, 'same'),
  'avgPool': (x) => tf.avgPool(x, 2, 2, 'valid'),
  'resizeBilinear up, align corners': (x) => tf.image.resizeBilinear(x, [14, 14], true),
  'resizeBilinear down, align corners': (x) => tf.image.resizeBilinear(x, [5, 6], true),
  'resizeBilinear half-pixel': (x) => tf.image.resizeBilinear(x, [14, 13], false, true),
  'resizeNearestNeighbor x2': (x) => tf.image.resizeNearestNeighbor(x, [18, 18]),
  'batchNorm with batch moments': (x) => {
    const { mean, variance } = tf.moments(x, [0, 1, 2])
    return tf.batchNorm(x, mean, variance, tf.tensor1d([0.1, 0.2, 0.3]), tf.tensor1d([1, 2, 3]), 1e-5)
  },
  'gather rows and columns': (x) => tf.gather(tf.gather(x, [0, 3, 3, 8], 1), [1, 1, 2, 7, 8], 2),
  'concat': (x) => tf.concat([x, tf.mul(x, 2)], 3),
  'slice and pad': (x) => tf.pad(tf.slice(x, [0, 1, 2, 0], [2, 6, 5, 3]), [[0, 0], [1, 2], [0, 1], [0, 0]]),
  'relu, sigmoid, maximum': (x) => tf.add(tf.relu(x), tf.maximum(tf.sigmoid(x), tf.reverse(x, 1))),
  'mean and tile': (x) => tf.tile(tf.mean(x, [1, 2], true), [1, 2, 3, 1])
}

describe('op gradients on wasm equal those on cpu', () => {
  const random = seededRandom(3)
  const xValues = randomValues(random, 2 * 9 * 9 * 3)
  const weights = randomValues(random, 4000)
  for (const [name, op] of Object.entries(ops)) {
    it(name, async () => {
      const gradient = (backend: string) => onBackend(backend, async () => {
        const x = tf.tensor4d(xValues, [2, 9, 9, 3])
        const w = tf.tensor1d(weights)
        const g = tf.grad((input: tf.Tensor) => {
          const y = op(input as tf.Tensor4D)
          return tf.sum(tf.mul(y, tf.reshape(tf.slice(w, 0, y.size), y.shape)))
        })(x)
        const values = (await g.data()) as Float32Array
        tf.dispose([x, w, g])
        return values
      })
      expectClose(await gradient('wasm'), await gradient('cpu'), name)
    })
  }
})

describe('a small conv net on wasm', () => {
  it('has the cpu gradients and frees every intermediate', async () => {
    const random = seededRandom(5)
    const xValues = randomValues(random, 2 * 12 * 12 * 3)
    const wValues = [7 * 7 * 3 * 4, 3 * 3 * 4 * 6, 6 * 5].map((n) => randomValues(random, n))
    const gradients = (backend: string) => onBackend(backend, async () => {
      const x = tf.tensor4d(xValues, [2, 12, 12, 3])
      const ws = [
        tf.tensor4d(wValues[0], [7, 7, 3, 4]),
        tf.tensor4d(wValues[1], [3, 3, 4, 6]),
        tf.tensor4d(wValues[2], [1, 1, 6, 5])
      ]
      const loss = (...params: tf.Tensor[]) => {
        const [a, b, c] = params as tf.Tensor4D[]
        const h = tf.relu(tf.conv2d(x, a, 2, 'same'))
        const pooled = tf.maxPool(tf.conv2d(h, b, 1, 'same'), 2, 2, 'valid')
        const up = tf.image.resizeBilinear(tf.gather(pooled, [0, 2, 1, 2], 2), [6, 6], true)
        return tf.sum(tf.square(tf.conv2d(up, c, 1, 'valid')))
      }
      const before = { tensors: tf.memory().numTensors, data: tf.engine().backend.numDataIds() }
      const grads = tf.grads(loss)(ws)
      const values = await Promise.all(grads.map((g) => g.data() as Promise<Float32Array>))
      tf.dispose(grads)
      const after = { tensors: tf.memory().numTensors, data: tf.engine().backend.numDataIds() }
      tf.dispose([x, ...ws])
      return { values, before, after }
    })
    const expected = await gradients('cpu')
    const actual = await gradients('wasm')
    actual.values.forEach((g, i) => expectClose(g, expected.values[i], `gradient ${i}`, 1e-3))
    expect(actual.after).toEqual(actual.before)
  })
})

describe('UnsortedSegmentSum, Slice and SplitV on wasm', () => {
  it('match the cpu backend', async () => {
    const values = randomValues(seededRandom(11), 6 * 4 * 3)
    const run = (backend: string) => onBackend(backend, async () => {
      const x = tf.tensor3d(values, [6, 4, 3])
      const outputs = [
        tf.unsortedSegmentSum(x, tf.tensor1d([2, 0, 2, -1, 5, 1], 'int32'), 4), // -1 and 5 are dropped
        tf.slice(x, [1, 1, 0], [4, 2, 2]),
        ...tf.split(x, [1, 2, 1], 1)
      ]
      const result = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>))
      tf.dispose([x, ...outputs])
      return result
    })
    const expected = await run('cpu')
    const actual = await run('wasm')
    actual.forEach((v, i) => expectClose(v, expected[i], `output ${i}`))
  })

  it('UnsortedSegmentSum takes multi-dimensional ids', async () => {
    await tf.setBackend('wasm')
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2])
    const sums = tf.unsortedSegmentSum(x, tf.tensor2d([1, 0, 1, 1], [2, 2], 'int32') as unknown as tf.Tensor1D, 3)
    expect(Array.from(await sums.data())).toEqual([3, 4, 1 + 5 + 7, 2 + 6 + 8, 0, 0])
  })
})

describe('ResizeNearestNeighborGrad', () => {
  // the adjoint of the forward: each output pixel's dy goes to the input pixel the forward copied it from
  for (const backend of ['cpu', 'wasm']) {
    it(`on ${backend} is the forward's adjoint with a batch of several images`, async () => {
      await tf.setBackend(backend)
      const [batch, height, width, channels, outHeight, outWidth] = [2, 8, 8, 3, 16, 16]
      const n = batch * height * width * channels
      const ids = tf.tensor4d(Float32Array.from({ length: n }, (_, i) => i), [batch, height, width, channels])
      const source = await tf.image.resizeNearestNeighbor(ids, [outHeight, outWidth]).data()
      const dyValues = randomValues(seededRandom(17), batch * outHeight * outWidth * channels)
      const expected = new Float32Array(n)
      source.forEach((s, i) => { expected[s] += dyValues[i] })
      const dy = tf.tensor4d(dyValues, [batch, outHeight, outWidth, channels])
      const dx = tf.engine().runKernel('ResizeNearestNeighborGrad', { images: ids, dy }, { alignCorners: false, halfPixelCenters: false }) as tf.Tensor
      expectClose(await dx.data(), expected, `${backend} ResizeNearestNeighborGrad`, 1e-6)
    })
  }
})

describe('ResizeBilinearGrad on a non-square input', () => {
  it('has the input shape and the same values on cpu and wasm', async () => {
    const values = randomValues(seededRandom(23), 2 * 3 * 5 * 2)
    const gradient = (backend: string) => onBackend(backend, async () => {
      const x = tf.tensor4d(values, [2, 3, 5, 2])
      const g = tf.grad((input: tf.Tensor) => tf.sum(tf.square(tf.image.resizeBilinear(input as tf.Tensor4D, [7, 6], true))))(x)
      return { shape: g.shape, values: (await g.data()) as Float32Array }
    })
    const cpu = await gradient('cpu')
    const wasm = await gradient('wasm')
    expect(cpu.shape).toEqual([2, 3, 5, 2])
    expect(wasm.shape).toEqual([2, 3, 5, 2])
    expectClose(wasm.values, cpu.values, 'ResizeBilinearGrad')
  })
})

describe('Sum and Mean over leading axes on wasm', () => {
  it('match the cpu backend for every prefix, with and without keepDims, on row counts that are not multiples of 8', async () => {
    const values = randomValues(seededRandom(29), 3 * 5 * 7 * 3)
    const run = (backend: string) => onBackend(backend, async () => {
      const x = tf.tensor4d(values, [3, 5, 7, 3])
      const outputs: tf.Tensor[] = []
      for (const axes of [[0], [0, 1], [0, 1, 2], [1, 0]]) {
        for (const keepDims of [false, true]) outputs.push(tf.sum(x, axes, keepDims), tf.mean(x, axes, keepDims))
      }
      const result = await Promise.all(outputs.map(async (t) => ({ shape: t.shape, values: (await t.data()) as Float32Array })))
      tf.dispose([x, ...outputs])
      return result
    })
    const expected = await run('cpu')
    const actual = await run('wasm')
    actual.forEach((r, i) => {
      expect(r.shape, `output ${i}`).toEqual(expected[i].shape)
      expectClose(r.values, expected[i].values, `output ${i}`)
    })
  })
})
