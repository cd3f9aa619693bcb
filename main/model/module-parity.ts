// Single modules (PRM-B, PRM-A, PRM-C, Residual) in training mode against the float64 PyTorch reference
// (reference/fixtures/modules.safetensors): output, running statistics, every parameter gradient and the
// input gradient, element by element. A single module is well-conditioned in float32, so this is where BN's
// batch-statistics gradient is checked strictly (the network fixtures check training mode in aggregate).
import * as tf from '@tensorflow/tfjs-core'
import { assignNamed } from './checkpoint'
import { tablePoolSampler } from './fractional-max-pool'
import { ParamRegistry, Scope } from './layers'
import { Prm, Residual, type PoseModule } from './prm'
import { createRng } from './random'
import { check, gradientCheck, type Check } from './reference-parity'
import { nchwToNhwc, readFixture, requireTensor } from './reference-fixtures'
import { toFloat32, type StoredTensor } from './safetensors'

export const MODULE_CASES = ['prm-b', 'prm-a', 'prm-c', 'residual'] as const
export type ModuleCase = (typeof MODULE_CASES)[number]

/** The modules make_fixtures.py builds (MODULE_CASES there), named by the case. */
function build(name: ModuleCase, scope: Scope): PoseModule {
  switch (name) {
    case 'prm-b': return new Prm(scope, 8, 16, 'B', 4, 4)
    case 'prm-a': return new Prm(scope, 12, 12, 'A', 3, 3, { useConv: true })
    case 'prm-c': return new Prm(scope, 8, 8, 'C', 4, 2, { preact: false })
    case 'residual': return new Residual(scope, 8, 16)
  }
}

export interface ModuleParityReport {
  output: Check
  runningStats: Check
  inputGradient: Check
  gradients: Check
}

export function runModuleCase(name: ModuleCase): ModuleParityReport {
  const fixture = readFixture('modules.safetensors')
  const expect = (key: string) => toFloat32(requireTensor(fixture, key), key)
  const registry = new ParamRegistry(createRng(1), 'uniform')
  const module = build(name, new Scope(registry, name))
  const input = tf.variable(nchwToNhwc(requireTensor(fixture, `${name}.input`)), true)
  try {
    const variables = new Map([...registry.params, ...registry.buffers])
    const state = new Map<string, StoredTensor>([...variables.keys()].map((key) => [key, requireTensor(fixture, key)]))
    assignNamed(variables, state, `modules.safetensors (${name})`, () => false)
    const samples = new Map<string, Float32Array>()
    for (const [key, t] of fixture) if (key.startsWith(`samples.${name}.`)) samples.set(key.slice('samples.'.length), toFloat32(t, key))
    const ctx = { training: true, sampler: tablePoolSampler(samples) }
    let output: tf.Tensor4D | null = null
    const trainable = [...registry.params.values(), input]
    // loss = 0.5 · mean(out²), as the fixture
    const { value, grads } = tf.variableGrads(() => {
      output = tf.keep(module.apply(input as tf.Tensor4D, ctx))
      return tf.mul(tf.mean(tf.square(output)), 0.5) as tf.Scalar
    }, trainable)
    const nchw = (t: tf.Tensor) => tf.tidy(() => tf.transpose(t, [0, 3, 1, 2]).dataSync())
    const paramGrads = new Map([...registry.params].map(([key, v]) => [key, grads[v.name]]))
    const report: ModuleParityReport = {
      output: check([{ name: 'output', actual: nchw(output!), expected: expect(`${name}.out`) }]),
      runningStats: check(
        [...registry.buffers].map(([key, v]) => ({ name: key, actual: v.dataSync(), expected: expect(`${name}.after.${key.slice(name.length + 1)}`) }))
      ),
      inputGradient: check([{ name: 'input', actual: nchw(grads[input.name]), expected: expect(`${name}.grad_input`) }]),
      gradients: gradientCheck(
        paramGrads,
        new Map([...paramGrads.keys()].map((key) => [key, expect(`${name}.grad.${key.slice(name.length + 1)}`)]))
      )
    }
    tf.dispose([value, output!, ...Object.values(grads)])
    return report
  } finally {
    registry.dispose()
    input.dispose()
  }
}
