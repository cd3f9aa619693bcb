// The project's wasm kernels against the cpu backend's, on random shapes, strides and paddings.
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerWasmTrainingKernels } from './index'
import { DEFAULT_CHUNK_BYTES, setChunkBytes } from './conv2d-backprop-filter'
import { expectClose, onBackend, randomValues, seededRandom } from '../testing/compare'

type Pad = 'valid' | 'same' | number | [[0, 0], [number, number], [number, number], [0, 0]]

interface ConvCase {
  batch: number
  height: number
  width: number
  inChannels: number
  outChannels: number
  filterHeight: number
  filterWidth: number
  strides: [number, number]
  pad: Pad
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
}

function describeCase(c: ConvCase): string {
  const pad = Array.isArray(c.pad) ? JSON.stringify([c.pad[1], c.pad[2]]) : String(c.pad)
  return `b${c.batch} ${c.height}x${c.width}x${c.inChannels} -> ${c.outChannels}, k${c.filterHeight}x${c.filterWidth}, s${c.strides.join('x')}, pad ${pad}${c.dimRoundingMode ? ` (${c.dimRoundingMode})` : ''}`
}

function outputShape(c: ConvCase): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(
    [c.batch, c.height, c.width, c.inChannels],
    [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels],
    c.strides, 1, c.pad, c.dimRoundingMode
  )
  return info.outShape
}

async function compareConvGradients(c: ConvCase, seed: number): Promise<void> {
  const random = seededRandom(seed)
  const xShape: [number, number, number, number] = [c.batch, c.height, c.width, c.inChannels]
  const wShape: [number, number, number, number] = [c.filterHeight, c.filterWidth, c.inChannels, c.outChannels]
  const dyShape = outputShape(c)
  const xValues = randomValues(random, xShape.reduce((a, d) => a * d, 1))
  const wValues = randomValues(random, wShape.reduce((a, d) => a * d, 1))
  const dyValues = randomValues(random, dyShape.reduce((a, d) => a * d, 1))
  const run = (backend: string) => onBackend(backend, async () => {
    const x = tf.tensor4d(xValues, xShape)
    const w = tf.tensor4d(wValues, wShape)
    const dy = tf.tensor4d(dyValues, dyShape)
    const settings = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode }
    const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...settings, inputShape: xShape } as unknown as tf.NamedAttrMap) as tf.Tensor
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...settings, filterShape: wShape } as unknown as tf.NamedAttrMap) as tf.Tensor
    const result = { dx: (await dx.data()) as Float32Array, dw: (await dw.data()) as Float32Array, dxShape: dx.shape, dwShape: dw.shape }
    tf.dispose([x, w, dy, dx, dw])
    return result
  })
  const expected = await run('cpu')
  const actual = await run('wasm')
  expect(actual.dxShape).toEqual(xShape)
  expect(actual.dwShape).toEqual(wShape)
  expectClose(actual.dx, expected.dx, `dx ${describeCase(c)}`)
  expectClose(actual.dw, expected.dw, `dw ${describeCase(c)}`)
}

beforeAll(async () => {
  registerWasmTrainingKernels()
  registerWasmTrainingKernels() // idempotent
  await tf.setBackend('wasm')
})

describe('wasm conv backprop kernels match the cpu backend', () => {
  const fixed: ConvCase[] = [
    { batch: 2, height: 8, width: 8, inChannels: 3, outChannels: 4, filterHeight: 3, filterWidth: 3, strides: [1, 1], pad: 'same' },
    { batch: 1, height: 7, width: 9, inChannels: 5, outChannels: 2, filterHeight: 3, filterWidth: 3, strides: [1, 1], pad: 'valid' },
    { batch: 3, height: 6, width: 6, inChannels: 4, outChannels: 6, filterHeight: 1, filterWidth: 1, strides: [1, 1], pad: 'same' },
    { batch: 2, height: 9, width: 9, inChannels: 3, outChannels: 5, filterHeight: 1, filterWidth: 1, strides: [2, 2], pad: 'valid' },
    { batch: 1, height: 16, width: 16, inChannels: 3, outChannels: 4, filterHeight: 7, filterWidth: 7, strides: [2, 2], pad: 3 },
    { batch: 2, height: 15, width: 13, inChannels: 3, outChannels: 4, filterHeight: 7, filterWidth: 7, strides: [2, 2], pad: 'same' },
    { batch: 1, height: 8, width: 8, inChannels: 2, outChannels: 3, filterHeight: 3, filterWidth: 3, strides: [2, 2], pad: 'same' },
    { batch: 1, height: 9, width: 9, inChannels: 2, outChannels: 3, filterHeight: 3, filterWidth: 3, strides: [2, 2], pad: 'same' },
    { batch: 1, height: 8, width: 8, inChannels: 2, outChannels: 3, filterHeight: 3, filterWidth: 3, strides: [2, 2], pad: 'valid' },
    { batch: 2, height: 10, width: 7, inChannels: 2, outChannels: 2, filterHeight: 4, filterWidth: 2, strides: [1, 2], pad: 'same' },
    { batch: 1, height: 6, width: 6, inChannels: 2, outChannels: 2, filterHeight: 3, filterWidth: 3, strides: [1, 1], pad: [[0, 0], [0, 2], [2, 1], [0, 0]] },
    // explicit pads wider than the kernel: the input gradient crops instead of padding
    { batch: 1, height: 5, width: 6, inChannels: 2, outChannels: 3, filterHeight: 3, filterWidth: 3, strides: [1, 1], pad: [[0, 0], [4, 3], [3, 5], [0, 0]] },
    { batch: 1, height: 9, width: 8, inChannels: 3, outChannels: 2, filterHeight: 3, filterWidth: 3, strides: [2, 3], pad: 1, dimRoundingMode: 'ceil' },
    { batch: 2, height: 9, width: 8, inChannels: 3, outChannels: 2, filterHeight: 2, filterWidth: 2, strides: [2, 2], pad: 0, dimRoundingMode: 'floor' }
  ]
  for (const [i, c] of fixed.entries()) {
    it(describeCase(c), async () => compareConvGradients(c, 1000 + i))
  }

  it('random shapes, strides and paddings (40 cases)', async () => {
    const random = seededRandom(7)
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]
    for (let i = 0; i < 40; i++) {
      const k = pick([1, 3, 3, 5, 7])
      const stride = pick([1, 1, 2, 3])
      const height = k + Math.floor(random() * 9)
      const width = k + Math.floor(random() * 9)
      const pad: Pad = pick<Pad>(['same', 'valid', Math.floor(random() * k),
        [[0, 0], [Math.floor(random() * k), Math.floor(random() * k)], [Math.floor(random() * k), Math.floor(random() * k)], [0, 0]]])
      const c: ConvCase = {
        batch: 1 + Math.floor(random() * 3), height, width,
        inChannels: 1 + Math.floor(random() * 5), outChannels: 1 + Math.floor(random() * 6),
        filterHeight: k, filterWidth: pick([k, 1]), strides: [stride, pick([1, stride])], pad,
        dimRoundingMode: typeof pad === 'number' ? pick<'floor' | 'round' | 'ceil'>(['floor', 'round', 'ceil']) : undefined
      }
      await compareConvGradients(c, 2000 + i)
    }
  })

  it('chunked filter gradients (chunks of 512 pixels, split inside images) match', async () => {
    setChunkBytes(1) // the minimum chunk, 512 pixels (11 rows of 45)
    try {
      await compareConvGradients({ batch: 3, height: 40, width: 45, inChannels: 6, outChannels: 5, filterHeight: 3, filterWidth: 3, strides: [1, 1], pad: 'same' }, 99)
      await compareConvGradients({ batch: 2, height: 33, width: 33, inChannels: 3, outChannels: 4, filterHeight: 5, filterWidth: 5, strides: [2, 2], pad: 'same' }, 98)
      // 1x1: 1152 pixels in chunks of 512, x transposed (Cin <= Cout) and dy transposed (Cin > Cout)
      await compareConvGradients({ batch: 2, height: 24, width: 24, inChannels: 3, outChannels: 6, filterHeight: 1, filterWidth: 1, strides: [1, 1], pad: 'valid' }, 97)
      await compareConvGradients({ batch: 2, height: 24, width: 24, inChannels: 6, outChannels: 3, filterHeight: 1, filterWidth: 1, strides: [1, 1], pad: 'same' }, 96)
    } finally {
      setChunkBytes(DEFAULT_CHUNK_BYTES)
    }
  })
})

describe('wasm kernels refuse what they do not support', () => {
  it('NCHW names the kernel and the format', () => {
    const dy = tf.zeros([1, 2, 4, 4])
    const w = tf.zeros([3, 3, 2, 2])
    expect(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w },
      { strides: 1, pad: 'same', dataFormat: 'NCHW', inputShape: [1, 2, 4, 4] }))
      .toThrow(/Conv2DBackpropInput on wasm supports dataFormat 'NHWC' only, got 'NCHW'/)
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x: dy, dy },
      { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 2] }))
      .toThrow(/Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only/)
    tf.dispose([dy, w])
  })

  it('a dy of the wrong shape names the expected one', () => {
    const x = tf.zeros([1, 5, 5, 2])
    const dy = tf.zeros([1, 4, 4, 3])
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy },
      { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] }))
      .toThrow('Conv2DBackpropFilter: dy has shape [1, 4, 4, 3], expected [1, 5, 5, 3]')
    tf.dispose([x, dy])
  })
})
