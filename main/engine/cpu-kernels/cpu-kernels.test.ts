// The project's cpu kernels against tfjs-backend-cpu's own on random shapes, strides and paddings.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { expectClose, randomValues, seededRandom } from '../testing/compare'
import { builtinCpuKernel, registerCpuKernelFixes } from './index'

beforeAll(async () => {
  registerCpuKernelFixes()
  registerCpuKernelFixes() // idempotent
  await tf.setBackend('cpu')
})

describe('Conv2DBackpropFilter on cpu', () => {
  it('equals the built-in kernel on 30 random convolutions', async () => {
    const random = seededRandom(31)
    const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]
    const builtin = builtinCpuKernel('Conv2DBackpropFilter')!
    for (let i = 0; i < 30; i++) {
      const k = pick([1, 2, 3, 5, 7])
      const stride = pick([1, 1, 2, 3])
      const [batch, height, width, inChannels, outChannels] = [1 + Math.floor(random() * 3), k + Math.floor(random() * 8), k + Math.floor(random() * 8), 1 + Math.floor(random() * 5), 1 + Math.floor(random() * 6)]
      const pad = pick<'same' | 'valid' | number>(['same', 'valid', Math.floor(random() * k)])
      const x = tf.tensor4d(randomValues(random, batch * height * width * inChannels), [batch, height, width, inChannels])
      const filterShape: [number, number, number, number] = [k, k, inChannels, outChannels]
      const y = tf.conv2d(x, tf.zeros(filterShape) as tf.Tensor4D, stride, pad)
      const dy = tf.tensor4d(randomValues(random, y.size), y.shape)
      const attrs = { strides: stride, pad, dataFormat: 'NHWC', filterShape } as unknown as tf.NamedAttrMap
      const ours = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor
      const theirs = builtin.kernelFunc({ inputs: { x, dy }, attrs, backend: tf.backend() }) as tf.TensorInfo
      const label = `b${batch} ${height}x${width}x${inChannels}->${outChannels} k${k} s${stride} pad ${pad}`
      expect(ours.shape, label).toEqual(filterShape)
      expectClose(await ours.data(), tf.backend().readSync(theirs.dataId) as Float32Array, label)
      tf.backend().disposeData(theirs.dataId)
      tf.dispose([x, y, dy, ours])
    }
  })

  it('refuses NCHW, naming the backend', () => {
    const x = tf.zeros([1, 2, 4, 4])
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: x }, { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 2] }))
      .toThrow("Conv2DBackpropFilter on cpu supports dataFormat 'NHWC' only, got 'NCHW'")
    x.dispose()
  })
})
