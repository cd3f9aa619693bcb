// The maths of the project's webgpu convolution gradients, run on the cpu backend (the compositions call
// kernels by name, so they run on any backend that has them; the WGSL im2col is checked against the same
// cpu kernel on a GPU or a software Vulkan adapter by scripts/gpu/profile.ts). Reference: the cpu backend's
// own Conv2DBackpropInput and the project's cpu Conv2DBackpropFilter, on random shapes, strides and pads.
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { getKernel, type KernelBackend, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerCpuKernelFixes } from '../cpu-kernels'
import { expectClose, randomValues, seededRandom } from '../testing/compare'
import { makeConv2DBackpropFilterGemm, planSplit } from './conv2d-backprop-filter'
import { makeConv2DBackpropInputGemm } from './conv2d-backprop-input'

type Pad = 'valid' | 'same' | number

interface ConvCase {
  shape: [number, number, number, number]
  filter: [number, number, number, number]
  strides: [number, number]
  pad: Pad
}

beforeAll(async () => {
  await tf.setBackend('cpu')
  registerCpuKernelFixes()
})

const cases: ConvCase[] = [
  { shape: [2, 9, 7, 5], filter: [1, 1, 5, 6], strides: [1, 1], pad: 0 },
  { shape: [2, 9, 7, 5], filter: [3, 3, 5, 4], strides: [1, 1], pad: 'same' },
  { shape: [1, 37, 37, 3], filter: [3, 3, 3, 2], strides: [1, 1], pad: 1 }, // 1369 pixels: split by padding
  { shape: [2, 16, 16, 8], filter: [3, 3, 8, 8], strides: [1, 1], pad: 'valid' },
  { shape: [1, 11, 10, 3], filter: [7, 7, 3, 4], strides: [2, 2], pad: 3 },
  { shape: [3, 8, 8, 4], filter: [2, 3, 4, 5], strides: [2, 1], pad: 'same' },
  { shape: [2, 64, 64, 4], filter: [1, 1, 4, 3], strides: [1, 1], pad: 0 } // 8192 pixels: split by a divisor
]

function runKernel(kernelFunc: ReturnType<typeof makeConv2DBackpropFilterGemm>, inputs: Record<string, tf.Tensor>, attrs: NamedAttrMap): tf.Tensor {
  const backend = tf.backend() as KernelBackend
  const out = kernelFunc({ inputs: inputs as unknown as Record<string, TensorInfo>, attrs, backend }) as TensorInfo
  return tf.engine().makeTensorFromTensorInfo(out)
}

describe('convolution gradients as matmuls (on cpu)', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i', async (i, c) => {
    const random = seededRandom(40 + i)
    const info = tf.backend_util.computeConv2DInfo(c.shape, c.filter, c.strides, 1, c.pad)
    const size = (s: number[]) => s.reduce((a, d) => a * d, 1)
    const x = tf.tensor4d(randomValues(random, size(c.shape)), c.shape)
    const w = tf.tensor4d(randomValues(random, size(c.filter)), c.filter)
    const dy = tf.tensor4d(randomValues(random, size(info.outShape)), info.outShape)
    const settings = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC' }
    const filterAttrs = { ...settings, filterShape: c.filter } as unknown as NamedAttrMap
    const inputAttrs = { ...settings, inputShape: c.shape } as unknown as NamedAttrMap

    const dw = runKernel(makeConv2DBackpropFilterGemm('cpu'), { x, dy }, filterAttrs)
    const dwWant = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, filterAttrs) as tf.Tensor
    expect(dw.shape).toEqual(c.filter)
    expectClose(await dw.data(), await dwWant.data(), `dw ${JSON.stringify(c)}`)

    const dx = runKernel(makeConv2DBackpropInputGemm('cpu', getKernel('Conv2DBackpropInput', 'cpu')), { dy, filter: w }, inputAttrs)
    const dxWant = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, inputAttrs) as tf.Tensor
    expect(dx.shape).toEqual(c.shape)
    expectClose(await dx.data(), await dxWant.data(), `dx ${JSON.stringify(c)}`)
    tf.dispose([x, w, dy, dw, dwWant, dx, dxWant])
  })

  it('leaves no intermediate tensor behind', () => {
    const x = tf.randomUniform([1, 40, 40, 3]) as tf.Tensor4D
    const dy = tf.randomUniform([1, 40, 40, 2]) as tf.Tensor4D
    const before = tf.memory().numBytes
    const dw = runKernel(makeConv2DBackpropFilterGemm('cpu'), { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 2] })
    expect(tf.memory().numBytes - before).toBe(dw.size * 4)
    tf.dispose([x, dy, dw])
  })
})

describe('planSplit', () => {
  it('splits the contraction into slices that fill the GPU, by a divisor where one is near', () => {
    expect(planSplit(32768, 256, 128)).toEqual({ slices: 32, rows: 1024 }) // 1x1 256->128 at 8x64x64
    expect(planSplit(131072, 147, 64)).toEqual({ slices: 64, rows: 2048 }) // 7x7 stem: 103 wanted, 64 divides
    expect(planSplit(8 * 107 * 107, 126, 14)).toEqual({ slices: 214, rows: 428 }) // 256 wanted, 214 divides
    expect(planSplit(1369, 27, 2)).toEqual({ slices: 5, rows: 274 }) // 37x37: no divisor, padded to 5 x 274
    expect(planSplit(300, 64, 64)).toEqual({ slices: 1, rows: 300 }) // too short to split
  })
})
