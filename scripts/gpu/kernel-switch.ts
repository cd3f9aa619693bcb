// Switches an engine between tfjs' own kernels and the project's (for the profile's before/after) and checks
// the project's kernels on the shapes a training step uses against the cpu backend's kernel of the same name
// (for the project's own kernels, their plain-JS arithmetic in custom-kernels.ts), on random inputs.
import * as tf from '@tensorflow/tfjs-core'
import { getKernel, type KernelBackend, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import { registerCpuKernelFixes } from '../../main/engine/cpu-kernels'
import { BN_RUNNING, FRACTIONAL_POOL, FRACTIONAL_POOL_GRAD, inPlaceUpdates, registerInPlaceUpdates } from '../../main/engine/custom-kernels'
import { RMSprop } from '../../main/model/rmsprop'
import { registerWebgpuTrainingKernels, unregisterWebgpuTrainingKernels, WEBGPU_TRAINING_KERNELS } from '../../main/engine/webgpu-kernels'
import { fractionalPoolTables, KernelCensus, type RecordedCall } from './kernel-census'

export interface KernelCheck {
  kernel: string
  shapes: string
  maxAbsError: number
  relativeError: number
  ok: boolean
}

/** Inputs that hold variances or squared averages must not be negative. */
const NON_NEGATIVE = new Set(['variance', 'squareAvg', 'runningVar', 'stats'])

function randomInputs(call: RecordedCall): Record<string, tf.Tensor> {
  const tables = call.name === FRACTIONAL_POOL || call.name === FRACTIONAL_POOL_GRAD ? fractionalPoolTables(call) : {}
  return Object.fromEntries(call.inputNames.map((name, i) => {
    const t = tables[name] ?? tf.randomUniform(call.inputs[i].shape, NON_NEGATIVE.has(name) ? 0.05 : -1, 1, 'float32', 101 + i)
    return [name, t]
  }))
}

function compare(kernel: string, shapes: string, got: Float32Array, want: Float32Array): KernelCheck {
  let maxAbsError = 0
  let errorSquares = 0
  let referenceSquares = 0
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i])
    if (!(d <= maxAbsError)) maxAbsError = Number.isNaN(d) ? Infinity : d
    errorSquares += d * d
    referenceSquares += want[i] * want[i]
  }
  const relativeError = got.length === want.length && Number.isFinite(maxAbsError) ? Math.sqrt(errorSquares / Math.max(referenceSquares, 1e-30)) : Infinity
  return { kernel, shapes, maxAbsError, relativeError, ok: relativeError < 1e-4 }
}

/** Every output of `name` run on the engine's active backend. */
async function outputsOf(name: string, inputs: Record<string, tf.Tensor>, attrs: NamedAttrMap): Promise<Float32Array[]> {
  const out = tf.engine().runKernel(name, inputs, attrs) as tf.Tensor | tf.Tensor[]
  const outs = Array.isArray(out) ? out : [out]
  const values = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>))
  tf.dispose(outs)
  return values
}

/** Every output of the cpu backend's kernel of that name (the project's cpu kernels: plain JS) on the same values. */
async function cpuOutputsOf(name: string, inputs: Record<string, tf.Tensor>, attrs: NamedAttrMap): Promise<Float32Array[]> {
  await import('@tensorflow/tfjs-backend-cpu')
  registerCpuKernelFixes()
  const cpu = tf.engine().findBackend('cpu') as unknown as KernelBackend & { makeTensorInfo(shape: number[], dtype: string, values: Float32Array | Int32Array): TensorInfo; readSync(id: object): Float32Array }
  const kernel = getKernel(name, 'cpu')
  if (!kernel) throw new Error(`no cpu kernel ${name} to check against`)
  const infos: Record<string, TensorInfo> = {}
  for (const [key, t] of Object.entries(inputs)) infos[key] = cpu.makeTensorInfo(t.shape, t.dtype, (await t.data()) as Float32Array)
  const out = kernel.kernelFunc({ inputs: infos, attrs, backend: cpu })
  const outs = Array.isArray(out) ? out : [out]
  const values = outs.map((o) => cpu.readSync(o.dataId) as Float32Array)
  for (const info of [...Object.values(infos), ...outs]) cpu.disposeData(info.dataId)
  return values
}

async function checkCall(call: RecordedCall): Promise<KernelCheck> {
  const shapes = call.inputNames.map((n, i) => `${n}[${call.inputs[i].shape.join('x')}]`).join(' ')
  const inputs = randomInputs(call)
  try {
    const got = await outputsOf(call.name, inputs, call.attrs)
    const want = await cpuOutputsOf(call.name, inputs, call.attrs)
    const checks = want.map((w, i) => compare(call.name, shapes, got[i] ?? new Float32Array(0), w))
    return checks.reduce((worst, c) => (c.relativeError > worst.relativeError ? c : worst))
  } finally {
    tf.dispose(Object.values(inputs))
  }
}

/**
 * The in-place RMSprop (webgpu) against the RMSPROP_UPDATE kernel over three steps on the model's parameter
 * shapes; one parameter is aliased by a clone, which the in-place path must leave to the kernel (and the clone
 * must keep its old values).
 */
async function checkInPlaceRmsprop(shapes: number[][], backendName: string): Promise<KernelCheck> {
  const run = async (inPlace: boolean) => {
    const saved = inPlaceUpdates()
    if (!inPlace) registerInPlaceUpdates(backendName, null)
    try {
      const params = new Map(shapes.map((s, i) => [`p${i}`, tf.tidy(() => tf.variable(tf.randomUniform(s, -1, 1, 'float32', 500 + i)))]))
      const alias = tf.clone(params.get('p0')!)
      const before = (await alias.data()).slice()
      const optimizer = new RMSprop(params, { lr: 1e-2 })
      for (let step = 0; step < 3; step++) {
        const grads = new Map(shapes.map((s, i) => [`p${i}`, tf.randomUniform(s, -1, 1, 'float32', 900 + 10 * step + i)]))
        optimizer.applyGradients(grads)
        tf.dispose([...grads.values()])
      }
      const values = await Promise.all([...params.values(), ...optimizer.state().values()].map((t) => t.data() as Promise<Float32Array>))
      const aliasKept = compare('clone of a parameter', '', (await alias.data()) as Float32Array, before as Float32Array)
      optimizer.dispose()
      tf.dispose([alias, ...params.values()])
      return { values, aliasKept }
    } finally {
      registerInPlaceUpdates(backendName, saved ?? null)
    }
  }
  const fast = await run(true)
  const reference = await run(false)
  const checks = fast.values.map((v, i) => compare('RMSprop in place', `[${shapes[i % shapes.length].join('x')}]`, v, reference.values[i]))
  checks.push(fast.aliasKept)
  return checks.reduce((worst, c) => (c.relativeError > worst.relativeError ? c : worst))
}

/** The in-place running-statistics update against BN_RUNNING on random statistics. */
async function checkInPlaceRunning(channels: number): Promise<KernelCheck> {
  const attrs = { momentum: 0.1, count: 8 * 64 * 64 }
  const stats = tf.randomUniform([2, channels], 0.05, 1, 'float32', 77)
  const make = (seed: number) => {
    const initial = tf.randomUniform([channels], 0.05, 1, 'float32', seed)
    const variable = tf.variable(initial)
    initial.dispose() // else the variable shares its data and may not be written in place
    return variable
  }
  const [m1, v1, m2, v2] = [make(1), make(2), make(1), make(2)]
  const done = inPlaceUpdates()!.batchNormRunning(m1, v1, stats, attrs)
  const [m, v] = tf.engine().runKernel(BN_RUNNING, { runningMean: m2, runningVar: v2, stats }, { ...attrs }) as tf.Tensor[]
  const a = compare('BN running in place', `[${channels}]`, (await m1.data()) as Float32Array, (await m.data()) as Float32Array)
  const b = compare('BN running in place', `[${channels}]`, (await v1.data()) as Float32Array, (await v.data()) as Float32Array)
  tf.dispose([stats, m1, v1, m2, v2, m, v])
  return done ? (a.relativeError >= b.relativeError ? a : b) : { kernel: 'BN running in place', shapes: 'not done in place', maxAbsError: Infinity, relativeError: Infinity, ok: false }
}

export function projectKernelSwitch(backendName: string) {
  const supported = backendName === 'webgpu'
  return {
    useBuiltin(): void {
      if (supported) unregisterWebgpuTrainingKernels()
    },
    useProject(): void {
      if (supported) registerWebgpuTrainingKernels()
    },
    /** Runs the steps with the project's kernels and checks every distinct call of one of them, nested ones too. */
    async check(steps: Array<() => Promise<unknown>>, log: (s: string) => void): Promise<KernelCheck[]> {
      if (!supported) return []
      const census = new KernelCensus(backendName)
      census.recordNested = true
      census.install()
      census.recording = true
      try {
        for (const step of steps) await step()
      } finally {
        census.recording = false
        census.uninstall()
      }
      const seen = new Set<string>()
      const checks: KernelCheck[] = []
      for (const call of census.calls) {
        if (!WEBGPU_TRAINING_KERNELS.includes(call.name)) continue
        const key = `${call.name}|${JSON.stringify(call.inputs)}|${JSON.stringify(call.attrs)}`
        if (seen.has(key)) continue
        seen.add(key)
        checks.push(await checkCall(call))
      }
      if (inPlaceUpdates()) {
        const shapes = [...new Set(census.calls.filter((c) => c.name === 'Conv2DBackpropFilter').map((c) => JSON.stringify((c.attrs as { filterShape: number[] }).filterShape)))]
          .slice(0, 6).map((s) => JSON.parse(s) as number[])
        const inPlace = await checkInPlaceRmsprop([...shapes, [7], [64], [3, 3, 3, 1]], backendName)
        log(`RMSprop in place vs RMSPROP_UPDATE over 3 steps: relative error ${inPlace.relativeError.toExponential(2)} (${inPlace.shapes || inPlace.kernel})`)
        checks.push(inPlace)
        const running = await checkInPlaceRunning(300)
        log(`BN running statistics in place vs BN_RUNNING: relative error ${running.relativeError.toExponential(2)}`)
        checks.push(running)
      }
      const bad = checks.filter((c) => !c.ok)
      log(`checked ${checks.length} distinct project-kernel calls; worst relative error ${Math.max(0, ...checks.map((c) => c.relativeError)).toExponential(2)}; ${bad.length} failed`)
      for (const c of bad.slice(0, 10)) log(`  FAILED ${c.kernel} ${c.shapes}: relative ${c.relativeError}, max abs ${c.maxAbsError}`)
      return checks
    }
  }
}
