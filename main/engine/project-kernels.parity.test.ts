// The paper's network (PRM-B) against the PyTorch fixture on cpu with the project's kernels registered, i.e.
// through the fused batch-norm, fractional-pooling and RMSprop kernels (custom-kernels.ts) the engine gives
// every backend, instead of the tfjs ops that main/model/pyranet.parity.test.ts exercises. Criteria:
// main/model/reference-parity.ts.
import './gradients'
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, expect, it } from 'vitest'
import { describeParity, parityFailures, runParityCase } from '../model/reference-parity'
import { registerCpuKernelFixes } from './cpu-kernels'
import { BN_APPLY, FRACTIONAL_POOL, hasKernel } from './custom-kernels'

beforeAll(async () => {
  await tf.setBackend('cpu')
  registerCpuKernelFixes()
})

it('PRM-B network matches PyTorch on cpu through the project kernels', async () => {
  expect(hasKernel(BN_APPLY) && hasKernel(FRACTIONAL_POOL)).toBe(true)
  const report = await runParityCase('prm-b', { gradients: true })
  console.log(describeParity('cpu (project kernels)', 'prm-b', report))
  expect(parityFailures(report)).toEqual([])
}, 60_000)
