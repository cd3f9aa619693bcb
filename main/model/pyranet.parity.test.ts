// The tfjs network against the PyTorch reference (reference/pyranet.py) on the committed fixture of the
// paper's module (PRM-B, two stacks), on the pure-JS cpu backend: training-mode outputs, loss, running
// statistics and gradients, eval-mode outputs and gradients. Criteria: reference-parity.ts.
import '../engine/gradients'
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, expect, it } from 'vitest'
import { describeParity, parityFailures, runParityCase } from './reference-parity'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

it('PRM-B network matches PyTorch on cpu (outputs to 1e-4, gradients as reference-parity.ts says)', async () => {
  const report = await runParityCase('prm-b', { gradients: true })
  console.log(describeParity('cpu', 'prm-b', report))
  expect(parityFailures(report)).toEqual([])
  expect(report.evalGradients!.tensors).toBeGreaterThan(500)
})
