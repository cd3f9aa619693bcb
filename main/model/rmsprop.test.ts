// RMSprop against torch.optim.RMSprop over three steps (fixture), with the authors' settings and with
// momentum and weight decay.
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { readFixtureFile, requireTensor } from './reference-fixtures'
import { RMSprop, type RmspropOptions } from './rmsprop'
import { toFloat32 } from './safetensors'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

describe('RMSprop', () => {
  const { tensors, metadata } = readFixtureFile('rmsprop.safetensors')
  const get = (name: string) => requireTensor(tensors, name)

  it.each(['plain', 'momentum'])('%s: three steps match torch to 1e-6 relative', (setting) => {
    const hyper = JSON.parse(metadata[setting]) as { lr: number; alpha: number; eps: number; momentum?: number; weight_decay?: number }
    const options: RmspropOptions = { lr: hyper.lr, alpha: hyper.alpha, eps: hyper.eps, momentum: hyper.momentum ?? 0, weightDecay: hyper.weight_decay ?? 0 }
    const params = new Map(['a', 'b'].map((k) => [k, tf.variable(tf.tensor(toFloat32(get(`${setting}.init.${k}`), k), get(`${setting}.init.${k}`).shape))]))
    const optimizer = new RMSprop(params, options)
    for (let step = 0; step < 3; step++) {
      const grads = new Map(['a', 'b'].map((k) => [k, tf.tensor(toFloat32(get(`${setting}.grad.${step}.${k}`), k), params.get(k)!.shape)]))
      optimizer.applyGradients(grads)
      for (const k of ['a', 'b']) {
        const want = toFloat32(get(`${setting}.param.${step}.${k}`), k)
        const got = params.get(k)!.dataSync()
        const avg = optimizer.state().get(`${k}.square_avg`)!.dataSync()
        const wantAvg = toFloat32(get(`${setting}.square_avg.${step}.${k}`), k)
        for (let i = 0; i < want.length; i++) {
          expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want[i])))
          expect(Math.abs(avg[i] - wantAvg[i])).toBeLessThanOrEqual(1e-6 * Math.abs(wantAvg[i]) + 1e-12)
        }
      }
    }
    expect(optimizer.step).toBe(3)
    optimizer.dispose()
  })

  it('defaults to the authors’ settings and refuses gradients for unknown parameters', () => {
    const params = new Map([['w', tf.variable(tf.zeros([2]))]])
    const optimizer = new RMSprop(params)
    expect(optimizer.options).toEqual({ lr: 2.5e-4, alpha: 0.99, eps: 1e-8, momentum: 0, weightDecay: 0 })
    expect(() => optimizer.applyGradients(new Map([['v', tf.zeros([2])]]))).toThrow(/unknown parameter v/)
  })
})
