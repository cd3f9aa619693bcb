// PRM-A, PRM-C and the plain-residual hourglass against the PyTorch reference on the cpu backend (see
// pyranet.parity.test.ts; a file of its own so the two run in parallel).
import '../engine/gradients'
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, expect, it } from 'vitest'
import { describeParity, parityFailures, runParityCase } from './reference-parity'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

it.each(['prm-a', 'prm-c', 'residual'] as const)('%s matches PyTorch on cpu', async (name) => {
  const report = await runParityCase(name, { gradients: true })
  console.log(describeParity('cpu', name, report))
  expect(parityFailures(report)).toEqual([])
})
