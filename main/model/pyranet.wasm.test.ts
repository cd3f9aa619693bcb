// The parity fixtures on the wasm backend (tfjs-backend-wasm 4.22, SIMD, one thread; in Node it finds its
// .wasm files beside its own module, no setWasmPaths needed). wasm cannot train as shipped (no
// Conv2DBackpropFilter); main/engine registers the project's kernels for that. Criteria: reference-parity.ts.
import { registerWasmTrainingKernels } from '../engine/wasm-kernels'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, expect, it } from 'vitest'
import { MODULE_CASES, runModuleCase } from './module-parity'
import { NETWORK_CASES } from './reference-fixtures'
import { describeCheck, describeParity, parityFailures, runParityCase } from './reference-parity'

beforeAll(async () => {
  registerWasmTrainingKernels()
  expect(await tf.setBackend('wasm')).toBe(true)
})

it.each(NETWORK_CASES)('%s network: outputs and gradients match PyTorch on wasm', async (name) => {
  expect(tf.getBackend()).toBe('wasm')
  const report = await runParityCase(name, { gradients: true })
  console.log(describeParity('wasm', name, report))
  expect(parityFailures(report)).toEqual([])
})

it.each(MODULE_CASES)('%s module in training mode matches PyTorch on wasm', (name) => {
  const r = runModuleCase(name)
  console.log(`wasm module ${name}: output ${describeCheck(r.output)}, running stats ${describeCheck(r.runningStats)}, input grad ${describeCheck(r.inputGradient)}, grads ${describeCheck(r.gradients)}`)
  for (const c of [r.output, r.runningStats, r.inputGradient, r.gradients]) expect(c.ratio).toBeLessThanOrEqual(1)
})
