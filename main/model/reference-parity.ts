// One parity run against a PyTorch fixture on whatever backend is active: load the checkpoint torch wrote,
// run the eval forward and its gradients (deterministic pooling, the checkpoint's BN statistics), then one
// training-mode forward with torch's pooling samples and its gradients. Expected values are torch's in float64
// (reference/make_fixtures.py), so the measure is the distance from the exact result.
//
// What "matches" means:
// - eval mode (BN with running statistics, deterministic pooling): per tensor, max |ours - expected| within
//   1e-4 · max |expected| for the output and the loss, and for every gradient also within an absolute floor
//   of 1e-6 · (the largest gradient of the network), for tensors whose exact gradient is ~0;
// - training mode (batch-statistics BN): the loss to 1e-4; the output, the running statistics and (prm-b)
//   the gradients in aggregate, as relative L2 distance over all their elements. A deep network in training
//   mode is ill-conditioned in float32 (BN over the 8 values of a 2x2 map of two images, near-ties in max
//   pooling and ReLU masks): torch's own float32 run lands 1e-4..1e-3 away from float64 on single tensors,
//   and which tensors depends on rounding order. Element-wise training-mode parity is checked on single
//   modules instead (module-parity.ts), where float32 is well-conditioned.
import * as tf from '@tensorflow/tfjs-core'
import { loadCheckpoint, toTorchLayout } from './checkpoint'
import { tablePoolSampler } from './fractional-max-pool'
import type { PyraNet } from './pyranet'
import {
  fixtureCaseDir,
  fixtureInput,
  fixtureSamples,
  fixtureTargets,
  readFixtureFile,
  requireTensor,
  splitFlat,
  type NetworkCase
} from './reference-fixtures'
import { toFloat32 } from './safetensors'

export const PARITY_RTOL = 1e-4
export const GRADIENT_ATOL_FRACTION = 1e-6
/** Relative L2 bounds of the training-mode aggregates (torch float32 itself: ~1e-5 and ~1e-4 here). */
export const TRAIN_L2_BOUND = { output: 1e-3, runningStats: 1e-3, gradients: 1e-2 }

export interface Check {
  /** The tensor with the largest error-to-allowance ratio. */
  name: string
  maxAbs: number
  /** maxAbs / max |expected| */
  relative: number
  /** maxAbs / allowance: at most 1 to pass. */
  ratio: number
  tensors: number
}

export interface Aggregate {
  /** ||ours - expected|| / ||expected|| over all elements */
  l2: number
  bound: number
  /** torch float32's own relative L2 distance, when the fixture records it */
  torch32?: number
  /** l2 / bound: at most 1 to pass. */
  ratio: number
}

export interface ParityReport {
  trainLoss: Check
  trainOutput: Aggregate
  runningStats: Aggregate
  /** prm-b only */
  trainGradients?: Aggregate
  evalLoss: Check
  evalOutput: Check
  evalGradients?: Check
}

export interface Entry {
  name: string
  actual: ArrayLike<number>
  expected: ArrayLike<number>
  /** Allowance besides rtol · max |expected|. */
  floor?: number
}

function maxAbs(values: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]))
  return m
}

export function check(entries: Entry[]): Check {
  let worst: Check = { name: '', maxAbs: 0, relative: 0, ratio: 0, tensors: entries.length }
  for (const { name, actual, expected, floor = 0 } of entries) {
    if (actual.length !== expected.length) throw new Error(`${name}: ${actual.length} values, expected ${expected.length}`)
    let error = 0
    for (let i = 0; i < expected.length; i++) error = Math.max(error, Math.abs(actual[i] - expected[i]))
    const scale = maxAbs(expected)
    const allowance = Math.max(PARITY_RTOL * scale, floor, Number.MIN_VALUE)
    const ratio = error / allowance
    if (ratio >= worst.ratio) worst = { name, maxAbs: error, relative: scale > 0 ? error / scale : error, ratio, tensors: entries.length }
  }
  return worst
}

export function gradientCheck(grads: ReadonlyMap<string, tf.Tensor>, expected: ReadonlyMap<string, Float32Array>): Check {
  let largest = 0
  for (const e of expected.values()) largest = Math.max(largest, maxAbs(e))
  return check(
    [...grads].map(([name, g]) => {
      const want = expected.get(name)
      if (!want) throw new Error(`fixture has no gradient for ${name}`)
      return { name, actual: toTorchLayout(g.shape, g.dataSync() as Float32Array).data, expected: want, floor: GRADIENT_ATOL_FRACTION * largest }
    })
  )
}

function aggregate(pairs: Array<[ArrayLike<number>, ArrayLike<number>]>, bound: number, torch32?: number): Aggregate {
  let difference = 0
  let norm = 0
  for (const [actual, expected] of pairs) {
    if (actual.length !== expected.length) throw new Error(`${actual.length} values, expected ${expected.length}`)
    for (let i = 0; i < expected.length; i++) {
      difference += (actual[i] - expected[i]) ** 2
      norm += expected[i] ** 2
    }
  }
  const l2 = Math.sqrt(difference / norm)
  return { l2, bound, ratio: l2 / bound, ...(torch32 === undefined ? {} : { torch32 }) }
}

function nchw(t: tf.Tensor4D): Float32Array {
  return tf.tidy(() => tf.transpose(t, [0, 3, 1, 2]).dataSync() as Float32Array)
}

/** One forward (with gradients if asked); keeps the last stack's output. */
function forward(net: PyraNet, lossOf: (outputs: tf.Tensor4D[]) => tf.Scalar, run: () => tf.Tensor4D[], gradients: boolean) {
  const last = net.config.nStack - 1
  let output: tf.Tensor4D | null = null
  const f = () => {
    const outputs = run()
    output = tf.keep(outputs[last].clone())
    return lossOf(outputs)
  }
  if (gradients) {
    const { loss, grads } = net.gradients(f)
    return { loss, output: output!, grads }
  }
  return { loss: tf.tidy(f), output: output!, grads: new Map<string, tf.Tensor>() }
}

export async function runParityCase(name: NetworkCase, { gradients }: { gradients: boolean }): Promise<ParityReport> {
  const { tensors: expected, metadata } = readFixtureFile(`${name}/expected.safetensors`)
  const { net } = await loadCheckpoint(fixtureCaseDir(name))
  const disposables: tf.Tensor[] = []
  try {
    const last = net.config.nStack - 1
    const input = fixtureInput(expected)
    const target = fixtureTargets(expected, net.config.inputRes / 4)
    disposables.push(input, target)
    const poolSamples = tablePoolSampler(fixtureSamples(expected))
    const expect = (key: string) => toFloat32(requireTensor(expected, key), key)
    const parameters = JSON.parse(metadata.parameters) as Array<[string, number[]]>
    const buffers = JSON.parse(metadata.buffers) as Array<[string, number[]]>
    const lossOf = (outputs: tf.Tensor4D[]) => net.lossFn(outputs, target)

    // Eval mode first, with the checkpoint's running statistics (the fixture's order).
    const evaluation = forward(net, lossOf, () => net.apply(input), gradients)
    disposables.push(evaluation.loss, evaluation.output, ...evaluation.grads.values())
    const evalLoss = check([{ name: 'eval.loss', actual: await evaluation.loss.data(), expected: expect('eval.loss') }])
    const evalOutput = check([{ name: `eval.out.${last}`, actual: nchw(evaluation.output), expected: expect(`eval.out.${last}`) }])
    const evalGradients = gradients ? gradientCheck(evaluation.grads, splitFlat(expect('eval.grads'), parameters)) : undefined

    const trainGradients = gradients && expected.has('train.grads')
    const train = forward(net, lossOf, () => net.apply(input, { training: true, poolSamples }), trainGradients)
    disposables.push(train.loss, train.output, ...train.grads.values())
    const afterBuffers = splitFlat(expect('after.buffers'), buffers)
    const report: ParityReport = {
      evalLoss,
      evalOutput,
      ...(evalGradients ? { evalGradients } : {}),
      trainLoss: check([{ name: 'train.loss', actual: await train.loss.data(), expected: expect('train.loss') }]),
      trainOutput: aggregate([[nchw(train.output), expect(`train.out.${last}`)]], TRAIN_L2_BOUND.output, Number(metadata.torch32_train_out_l2)),
      runningStats: aggregate([...net.buffers].map(([key, v]) => [v.dataSync(), afterBuffers.get(key)!]), TRAIN_L2_BOUND.runningStats)
    }
    if (trainGradients) {
      const want = splitFlat(expect('train.grads'), parameters)
      report.trainGradients = aggregate(
        [...train.grads].map(([key, g]) => [toTorchLayout(g.shape, g.dataSync() as Float32Array).data, want.get(key)!]),
        TRAIN_L2_BOUND.gradients,
        Number(metadata.torch32_train_grads_l2)
      )
    }
    return report
  } finally {
    tf.dispose(disposables)
    net.dispose()
  }
}

const e = (x: number) => x.toExponential(1)

export function describeCheck(c: Check | undefined): string {
  return c ? `${e(c.relative)} (${c.ratio.toFixed(2)} of allowance${c.tensors > 1 ? `, worst ${c.name}` : ''})` : '-'
}

function describeAggregate(a: Aggregate | undefined): string {
  return a ? `L2 ${e(a.l2)}${a.torch32 === undefined ? '' : ` (torch f32 ${e(a.torch32)})`}` : '-'
}

/** One line per report, for test logs and the issue note. */
export function describeParity(backend: string, name: string, report: ParityReport): string {
  return [
    `${backend} ${name}: eval out ${describeCheck(report.evalOutput)}, eval loss ${describeCheck(report.evalLoss)},`,
    `eval grads ${describeCheck(report.evalGradients)}; train loss ${describeCheck(report.trainLoss)},`,
    `train out ${describeAggregate(report.trainOutput)}, running stats ${describeAggregate(report.runningStats)},`,
    `train grads ${describeAggregate(report.trainGradients)}`
  ].join(' ')
}

/** The checks that exceed their allowance. */
export function parityFailures(report: ParityReport): string[] {
  return Object.entries(report)
    .filter(([, c]) => c && (c as Check | Aggregate).ratio > 1)
    .map(([kind, c]) => `${kind}: ${JSON.stringify(c)}`)
}
