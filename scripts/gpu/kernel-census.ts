// Where a training step's time goes on an asynchronous backend (webgpu), without timestamp queries: every
// kernel the step runs is recorded (name, input shapes and dtypes, attributes, phase), then each distinct call
// is replayed alone on fresh inputs of the same shapes and timed with a sync before and after. A call's GPU
// time times its count, summed per kernel, is the profile; the JS time spent issuing calls is measured too
// (the step overlaps the two, so its wall time is about the larger sum plus stalls).
import * as tf from '@tensorflow/tfjs-core'
import { getKernelsForBackend, registerKernel, unregisterKernel, type KernelConfig, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import { firstWindows, FRACTIONAL_POOL, FRACTIONAL_POOL_GRAD, type FractionalPoolAttrs } from '../../main/engine/custom-kernels'
import { poolIntervals } from '../../main/model/fractional-max-pool'

export interface RecordedCall {
  name: string
  phase: string
  inputNames: string[]
  inputs: { shape: number[]; dtype: tf.DataType }[]
  attrs: NamedAttrMap
}

export interface SignatureTiming {
  key: string
  name: string
  count: number
  phases: Record<string, number>
  /** time of one call, ms: the calls replayed back to back, less one sync (device time, or issue time where larger) */
  gpuMs: number
  /** JS time to issue one call, ms */
  cpuMs: number
  shapes: string
}

export interface KernelSummary {
  name: string
  calls: number
  gpuMs: number
  cpuMs: number
  byPhase: Record<string, { calls: number; gpuMs: number }>
}

function copyAttr(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyAttr)
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyAttr(v)]))
  return value
}

function signatureKey(call: RecordedCall): string {
  return `${call.name}|${call.inputNames.map((n, i) => `${n}:${call.inputs[i].dtype}[${call.inputs[i].shape.join(',')}]`).join(';')}|${JSON.stringify(call.attrs)}`
}

/** Wraps every kernel registered for a backend so that the calls made while `recording` are logged. */
export class KernelCensus {
  recording = false
  /** Also log kernels called from inside other kernels (the project's compositions call IM2COL, FLIP_FILTER). */
  recordNested = false
  phase = 'forward'
  readonly calls: RecordedCall[] = []
  /** GPU programs dispatched while recording, by phase and program class (webgpu only). */
  readonly dispatches: Record<string, Record<string, number>> = {}
  private readonly originals: KernelConfig[] = []
  private depth = 0
  private restoreDispatch: (() => void) | null = null

  constructor(readonly backendName: string) {}

  install(): void {
    if (this.originals.length) throw new Error('census already installed')
    this.countDispatches()
    for (const config of getKernelsForBackend(this.backendName)) {
      this.originals.push(config)
      unregisterKernel(config.kernelName, this.backendName)
      registerKernel({
        ...config,
        kernelFunc: (args) => {
          if (this.recording && (this.depth === 0 || this.recordNested)) {
            const names = Object.keys(args.inputs).filter((n) => args.inputs[n] != null)
            this.calls.push({
              name: config.kernelName,
              phase: this.phase,
              inputNames: names,
              inputs: names.map((n) => ({ shape: [...(args.inputs[n] as TensorInfo).shape], dtype: (args.inputs[n] as TensorInfo).dtype })),
              attrs: copyAttr(args.attrs ?? {}) as NamedAttrMap
            })
          }
          this.depth++
          try {
            return config.kernelFunc(args)
          } finally {
            this.depth--
          }
        }
      })
    }
  }

  /** Counts tfjs-backend-webgpu's program runs (each one a dispatch) while recording. */
  private countDispatches(): void {
    const backend = tf.engine().findBackend(this.backendName) as unknown as { runWebGPUProgram?: (...args: unknown[]) => unknown } | null
    const original = backend?.runWebGPUProgram
    if (!backend || !original) return
    const count = (program: { constructor: { name: string }; shaderKey?: string }) => {
      if (!this.recording) return
      const name = program.constructor.name
      const label = name === 'Object' ? String(program.shaderKey) : name
      const phase = (this.dispatches[this.phase] ??= {})
      phase[label] = (phase[label] ?? 0) + 1
    }
    backend.runWebGPUProgram = function (this: unknown, ...args: unknown[]) {
      count(args[0] as { constructor: { name: string }; shaderKey?: string })
      return original.apply(this, args)
    }
    this.restoreDispatch = () => {
      backend.runWebGPUProgram = original
    }
  }

  uninstall(): void {
    this.restoreDispatch?.()
    this.restoreDispatch = null
    for (const config of this.originals) {
      unregisterKernel(config.kernelName, this.backendName)
      registerKernel(config)
    }
    this.originals.length = 0
  }
}

/** Valid window tables for a fractional-pool call (ascending starts from random samples), by input name. */
export function fractionalPoolTables(call: RecordedCall): Record<string, tf.Tensor> {
  const [n, h, w, c] = call.inputs[call.inputNames.indexOf('x')].shape
  const a = call.attrs as unknown as FractionalPoolAttrs
  const planes = a.shared ? 1 : n * c
  const rows = new Int32Array(planes * a.outHeight)
  const cols = new Int32Array(planes * a.outWidth)
  for (let p = 0; p < planes; p++) {
    rows.set(poolIntervals(((p * 7919) % 1000) / 1000, h, a.outHeight), p * a.outHeight)
    cols.set(poolIntervals(((p * 104729) % 997) / 997, w, a.outWidth), p * a.outWidth)
  }
  return {
    rows: tf.tensor1d(rows, 'int32'),
    cols: tf.tensor1d(cols, 'int32'),
    rowFirst: tf.tensor1d(firstWindows(rows, planes, a.outHeight, h), 'int32'),
    colFirst: tf.tensor1d(firstWindows(cols, planes, a.outWidth, w), 'int32')
  }
}

function intInput(call: RecordedCall, index: number, shape: number[]): tf.Tensor {
  const attrs = call.attrs as Record<string, unknown>
  let bound = 1
  if (call.name === 'GatherV2') {
    const x = call.inputs[call.inputNames.indexOf('x')]
    const axis = Number(attrs.axis ?? 0)
    bound = x.shape[axis < 0 ? axis + x.shape.length : axis]
  } else if (call.name === 'ScatterNd') {
    bound = (attrs.shape as number[])[0]
  } else if (call.name === 'UnsortedSegmentSum') {
    bound = Number(attrs.numSegments)
  }
  void index
  return tf.randomUniformInt(shape, 0, Math.max(1, bound), 7)
}

export function makeInputs(call: RecordedCall): Record<string, tf.Tensor> {
  const out: Record<string, tf.Tensor> = {}
  const tables = call.name === FRACTIONAL_POOL || call.name === FRACTIONAL_POOL_GRAD ? fractionalPoolTables(call) : null
  call.inputNames.forEach((name, i) => {
    const { shape, dtype } = call.inputs[i]
    if (tables && tables[name]) out[name] = tables[name]
    else if (dtype === 'int32') out[name] = intInput(call, i, shape)
    else if (dtype === 'bool') out[name] = tf.zeros(shape, 'bool')
    else out[name] = tf.randomUniform(shape, -1, 1, 'float32', 11 + i)
  })
  return out
}

function runOnce(call: RecordedCall, inputs: Record<string, tf.Tensor>): tf.Tensor[] {
  // list-input kernels (AddN, Pack, Concat) take an array
  const listed = call.inputNames.every((n) => /^\d+$/.test(n)) ? call.inputNames.map((n) => inputs[n]) : inputs
  const result = tf.engine().runKernel(call.name, listed as unknown as Record<string, tf.Tensor>, call.attrs) as tf.Tensor | tf.Tensor[]
  return Array.isArray(result) ? result : [result]
}

/** Waits until every submitted GPU command has finished (the queue runs in order). */
async function drain(): Promise<void> {
  const probe = tf.zeros([1])
  await probe.data()
  probe.dispose()
}

/** Issues `reps` calls on the given inputs and waits for them; the inputs are on the device already. */
async function timeReplays(call: RecordedCall, inputs: Record<string, tf.Tensor>, reps: number): Promise<{ total: number; issue: number }> {
  await drain()
  const started = performance.now()
  for (let r = 0; r < reps; r++) tf.dispose(runOnce(call, inputs))
  const issued = performance.now()
  await drain()
  return { total: performance.now() - started, issue: issued - started }
}

/** Replays each distinct recorded call and returns timings, heaviest (count x time) first. */
export async function replayCalls(calls: RecordedCall[], options: { budgetMs?: number; log?: (s: string) => void } = {}): Promise<SignatureTiming[]> {
  const groups = new Map<string, { call: RecordedCall; count: number; phases: Record<string, number> }>()
  for (const call of calls) {
    const key = signatureKey(call)
    const group = groups.get(key) ?? { call, count: 0, phases: {} }
    group.count++
    group.phases[call.phase] = (group.phases[call.phase] ?? 0) + 1
    groups.set(key, group)
  }
  // the cost of a drain alone, subtracted from every measurement (the calls' own time is what is left)
  let syncMs = Infinity
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    await drain()
    syncMs = Math.min(syncMs, performance.now() - t)
  }
  const timings: SignatureTiming[] = []
  const budget = options.budgetMs ?? 4
  for (const [key, { call, count, phases }] of groups) {
    let gpuMs = NaN
    let cpuMs = NaN
    const inputs = makeInputs(call)
    try {
      await timeReplays(call, inputs, 1) // uploads the inputs, compiles the pipeline
      const probe = await timeReplays(call, inputs, 2)
      const reps = Math.max(2, Math.min(50, Math.ceil(budget / Math.max((probe.total - syncMs) / 2, 0.01))))
      const measured = await timeReplays(call, inputs, reps)
      gpuMs = Math.max(0, measured.total - syncMs) / reps
      cpuMs = measured.issue / reps
    } catch (error) {
      options.log?.(`replay of ${call.name} failed: ${(error as Error).message.split('\n')[0]}`)
    } finally {
      tf.dispose(Object.values(inputs))
    }
    const shapes = call.inputNames.map((n, i) => `${n}[${call.inputs[i].shape.join('x')}]`).join(' ')
    timings.push({ key, name: call.name, count, phases, gpuMs, cpuMs, shapes })
  }
  timings.sort((a, b) => b.count * (b.gpuMs || 0) - a.count * (a.gpuMs || 0))
  return timings
}

export function summarise(timings: SignatureTiming[]): KernelSummary[] {
  const byName = new Map<string, KernelSummary>()
  for (const t of timings) {
    const s = byName.get(t.name) ?? { name: t.name, calls: 0, gpuMs: 0, cpuMs: 0, byPhase: {} }
    s.calls += t.count
    s.gpuMs += t.count * (t.gpuMs || 0)
    s.cpuMs += t.count * (t.cpuMs || 0)
    for (const [phase, n] of Object.entries(t.phases)) {
      const p = s.byPhase[phase] ?? { calls: 0, gpuMs: 0 }
      p.calls += n
      p.gpuMs += n * (t.gpuMs || 0)
      s.byPhase[phase] = p
    }
    byName.set(t.name, s)
  }
  return [...byName.values()].sort((a, b) => b.gpuMs - a.gpuMs)
}
