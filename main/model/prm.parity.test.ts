// Single modules in training mode against PyTorch (float64), element by element, on cpu: see module-parity.ts.
import '../engine/gradients'
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, expect, it } from 'vitest'
import { MODULE_CASES, runModuleCase } from './module-parity'
import { describeCheck } from './reference-parity'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

it.each(MODULE_CASES)('%s module in training mode matches PyTorch to 1e-4 (output, BN statistics, all gradients)', (name) => {
  const r = runModuleCase(name)
  console.log(`cpu module ${name}: output ${describeCheck(r.output)}, running stats ${describeCheck(r.runningStats)}, input grad ${describeCheck(r.inputGradient)}, grads ${describeCheck(r.gradients)}`)
  for (const c of [r.output, r.runningStats, r.inputGradient, r.gradients]) expect(c.ratio).toBeLessThanOrEqual(1)
  expect(r.gradients.tensors).toBeGreaterThan(10)
})
