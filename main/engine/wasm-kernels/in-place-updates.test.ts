// RMSprop on wasm: the RMSPROP_UPDATE kernel (SIMD) gives the reference float32 values bit for bit, and
// parameters are never updated in place (XNNPACK caches packed weights per filter tensor). The running
// statistics: in place, with BN_RUNNING's values, and never into memory another tensor shares.
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { batchNormRunningInPlace, inPlaceUpdates, rmspropUpdateInPlace, RMSPROP_UPDATE, RMSPROP_UPDATE_ALL, type RmspropAttrs } from '../custom-kernels'
import { randomValues, seededRandom } from '../testing/compare'
import { registerWasmTrainingKernels } from './index'

/** A variable that alone owns its memory, as the model's and the optimizer's are (their initial tensors disposed). */
function ownVariable(values: Float32Array | number[]): tf.Variable {
  const initial = tf.tensor1d(values)
  const variable = tf.variable(initial)
  initial.dispose()
  return variable
}

beforeAll(async () => {
  registerWasmTrainingKernels()
  expect(await tf.setBackend('wasm')).toBe(true)
})

describe('RMSprop on wasm', () => {
  it.each([1, 7, 64, 1001])('%i values: the kernel equals the reference arithmetic bit for bit', async (n) => {
    const random = seededRandom(n)
    const [p0, g0, v0] = [randomValues(random, n), randomValues(random, n), randomValues(random, n).map(Math.abs)]
    const attrs: RmspropAttrs = { lr: 2.5e-4, alpha: 0.99, eps: 1e-8, weightDecay: n % 2 ? 1e-4 : 0 }
    const inputs = { param: tf.tensor1d(p0), grad: tf.tensor1d(g0), squareAvg: tf.tensor1d(v0) }
    const outputs = tf.engine().runKernel(RMSPROP_UPDATE, inputs, { ...attrs }) as tf.Tensor[]
    const [p, v] = [p0.slice(), v0.slice()]
    rmspropUpdateInPlace(p, g0, v, attrs)
    expect(Array.from(await outputs[0].data())).toEqual(Array.from(p))
    expect(Array.from(await outputs[1].data())).toEqual(Array.from(v))
    expect(Array.from(await inputs.param.data())).toEqual(Array.from(p0))
    tf.dispose([...outputs, ...Object.values(inputs)])
  })

  it('updates many parameters in one call with the same values', async () => {
    const random = seededRandom(21)
    const sizes = [3, 16, 1, 130]
    const attrs: RmspropAttrs = { lr: 1e-3, alpha: 0.99, eps: 1e-8, weightDecay: 0 }
    const values = sizes.map((n) => [randomValues(random, n), randomValues(random, n), randomValues(random, n).map(Math.abs)])
    const inputs: tf.NamedTensorMap = {}
    values.forEach(([p, g, v], i) => Object.assign(inputs, { [`param${i}`]: tf.tensor1d(p), [`grad${i}`]: tf.tensor1d(g), [`squareAvg${i}`]: tf.tensor1d(v) }))
    const outputs = tf.engine().runKernel(RMSPROP_UPDATE_ALL, inputs, { ...attrs, count: sizes.length }) as tf.Tensor[]
    expect(outputs).toHaveLength(2 * sizes.length)
    for (const [i, [p0, g0, v0]] of values.entries()) {
      const [p, v] = [p0.slice(), v0.slice()]
      rmspropUpdateInPlace(p, g0, v, attrs)
      expect(Array.from(await outputs[2 * i].data())).toEqual(Array.from(p))
      expect(Array.from(await outputs[2 * i + 1].data())).toEqual(Array.from(v))
    }
    tf.dispose([...outputs, ...Object.values(inputs)])
  })

  it('never updates a parameter in place', () => {
    const param = ownVariable([1, 2, 3, 4])
    const squareAvg = ownVariable([0, 0, 0, 0])
    const grad = tf.ones([4])
    const attrs: RmspropAttrs = { lr: 0.1, alpha: 0.9, eps: 1e-8, weightDecay: 0 }
    expect(inPlaceUpdates()!.rmsprop([{ param, grad, squareAvg }], attrs)).toEqual([false])
    tf.dispose([param, squareAvg, grad])
  })
})

it('wasm in-place running statistics equal the reference arithmetic', async () => {
  const random = seededRandom(9)
  const [m0, v0, stats] = [randomValues(random, 7), randomValues(random, 7).map(Math.abs), randomValues(random, 14).map(Math.abs)]
  const runningMean = ownVariable(m0)
  const runningVar = ownVariable(v0)
  const statsTensor = tf.tensor2d(stats, [2, 7])
  const attrs = { momentum: 0.1, count: 50 }
  expect(inPlaceUpdates()!.batchNormRunning(runningMean, runningVar, statsTensor, attrs)).toBe(true)
  const [m, v] = [m0.slice(), v0.slice()]
  batchNormRunningInPlace(m, v, stats.subarray(0, 7), stats.subarray(7), attrs)
  expect(Array.from(await runningMean.data())).toEqual(Array.from(m))
  expect(Array.from(await runningVar.data())).toEqual(Array.from(v))
  tf.dispose([runningMean, runningVar, statsTensor])
})

it('leaves running statistics whose memory is shared to the kernel', async () => {
  const runningMean = ownVariable([1, 2])
  const snapshot = tf.clone(runningMean) // shares the data on wasm
  const runningVar = ownVariable([1, 1])
  const stats = tf.tensor2d([0, 0, 1, 1], [2, 2])
  expect(inPlaceUpdates()!.batchNormRunning(runningMean, runningVar, stats, { momentum: 0.5, count: 4 })).toBe(false)
  expect(Array.from(await snapshot.data())).toEqual([1, 2])
  tf.dispose([runningMean, snapshot, runningVar, stats])
})
