// Where a PyraNet training step's time goes on an engine (webgpu on the GPU server), with tfjs' own kernels
// ("builtin") and with the project's kernels for that engine ("project"), in one process:
//   node out-gpu/gpu-profile.mjs [--config paper|demo|tiny] [--batch N] [--steps N] [--engine webgpu|wasm|cpu]
//        [--dawn-flag F]... [--out DIR] [--census] [--count-only] [--no-timestamps] [--only builtin|project]
//        [--builtin-steps N] [--variants 'FLAG=v,FLAG=v;FLAG=v'] [--no-check]
// --count-only: no timings, only the kernel and dispatch counts of one step (for a software adapter).
// --census: also replay every distinct kernel call alone (kernel-census.ts; slow, and on a GPU its per-call
// times include the issue cost). By default the per-kernel device times come from tf.profile with timestamp
// queries where the adapter has them. --variants: tfjs env flags to time the project kernels under too.
// For each variant: ms per training step and per forward (synced), then a kernel census (kernel-census.ts) of
// one step: every kernel call replayed alone and timed, summed per kernel and phase. Before timing the project
// variant, each project kernel is checked against the builtin one on the shapes the step used. Writes
// profile.json (everything) and prints short tables.
import * as tf from '@tensorflow/tfjs-core'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { initEngine, type EnginePreference } from '../../main/engine/engine'
import { projectKernelSwitch } from './kernel-switch'
import { createPyraNet, presets, RMSprop, validateConfig, type PyraNetConfig } from '../../main/model'
import { KernelCensus, replayCalls, summarise, type RecordedCall } from './kernel-census'

const CONFIGS: Record<string, PyraNetConfig> = {
  paper: presets.paper,
  demo: presets.demo,
  tiny: validateConfig({ nStack: 1, nFeats: 32, inputRes: 64, stemWidth: 8 })
}

const argv = process.argv.slice(2)
const option = (name: string, fallback: string) => {
  const i = argv.indexOf(`--${name}`)
  return i >= 0 ? argv[i + 1] : fallback
}
const configName = option('config', 'paper')
const batch = Number(option('batch', '8'))
const steps = Number(option('steps', '5'))
const engineName = option('engine', 'webgpu') as EnginePreference
const outDir = option('out', process.env.OUT ?? 'out-gpu/results')
const only = option('only', '')
const census = argv.includes('--census')
const countOnly = argv.includes('--count-only')
const timestamps = !argv.includes('--no-timestamps')
const builtinSteps = Number(option('builtin-steps', String(steps)))
/** env settings to time the project kernels under as well: 'NAME=value,NAME=value;NAME=value' (';' between variants) */
const variants = option('variants', '').split(';').filter(Boolean)
const dawnFlags = argv.flatMap((a, i) => (a === '--dawn-flag' ? [argv[i + 1]] : []))
mkdirSync(outDir, { recursive: true })

const log = (s: string) => console.log(s)
const engine = await initEngine(engineName, { webgpu: { dawnFlags } })
const backend = tf.getBackend()
log(`engine ${JSON.stringify(engine)}`)
const config = CONFIGS[configName]
const net = createPyraNet(config, { seed: 1 })
const optimizer = new RMSprop(net.params)
const input = tf.randomUniform([batch, config.inputRes, config.inputRes, 3], -0.5, 0.5, 'float32', 1) as tf.Tensor4D
const target = tf.randomUniform([batch, config.inputRes / 4, config.inputRes / 4, config.nJoints], 0, 1, 'float32', 2) as tf.Tensor4D
const lastParam = [...net.params.values()].at(-1)!
const switcher = projectKernelSwitch(backend)
const recorder = new KernelCensus(backend)

let onPhase: (phase: string) => void = () => {}
/** JS time of the last step until everything was queued (the rest of the step is waiting for the device). */
let lastIssueMs = 0

function phase(name: string): void {
  recorder.phase = name
  onPhase(name)
}

async function trainStep(): Promise<number> {
  const started = performance.now()
  phase('forward')
  const { loss, grads } = net.gradients(() => {
    const value = net.lossFn(net.apply(input, { training: true }), target)
    phase('backward')
    return value
  })
  phase('optimizer')
  optimizer.applyGradients(grads)
  phase('other')
  tf.dispose([...grads.values()])
  lastIssueMs = performance.now() - started
  const value = (await loss.data())[0]
  loss.dispose()
  await lastParam.data()
  return value
}

async function forwardStep(): Promise<void> {
  const outputs = tf.tidy(() => net.apply(input))
  await outputs[outputs.length - 1].data()
  tf.dispose(outputs)
}

async function msPer(count: number, f: () => Promise<unknown>, issue?: number[]): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const t = performance.now()
    await f()
    times.push(performance.now() - t)
    issue?.push(lastIssueMs)
  }
  return times
}

interface KernelTime {
  name: string
  calls: number
  ms: number
  byPhase: Record<string, number>
}

/** Device time per kernel of one training step from tf.profile (timestamp queries), by phase. */
async function deviceProfile(): Promise<{ supported: boolean; totalMs: number; kernels: KernelTime[]; byPhase: Record<string, number> }> {
  const backendInfo = tf.backend() as unknown as { supportTimestampQuery?: boolean }
  if (!backendInfo.supportTimestampQuery) return { supported: false, totalMs: 0, kernels: [], byPhase: {} }
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false)
  const state = (tf.engine() as unknown as { state: { activeProfile: { kernels: unknown[] } } }).state
  const marks: Array<{ phase: string; at: number }> = []
  onPhase = (name) => marks.push({ phase: name, at: state.activeProfile.kernels.length })
  const info = await tf.profile(async () => {
    await trainStep()
  })
  onPhase = () => {}
  const byName = new Map<string, KernelTime>()
  const byPhase: Record<string, number> = {}
  let totalMs = 0
  info.kernels.forEach((k, i) => {
    const ms = Number(k.kernelTimeMs) || 0
    const at = marks.filter((m) => m.at <= i).at(-1)?.phase ?? 'forward'
    const entry = byName.get(k.name) ?? { name: k.name, calls: 0, ms: 0, byPhase: {} }
    entry.calls++
    entry.ms += ms
    entry.byPhase[at] = (entry.byPhase[at] ?? 0) + ms
    byName.set(k.name, entry)
    byPhase[at] = (byPhase[at] ?? 0) + ms
    totalMs += ms
  })
  return { supported: true, totalMs, kernels: [...byName.values()].sort((a, b) => b.ms - a.ms), byPhase }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits

async function runVariant(name: string, count = steps) {
  log(`\n=== ${name} kernels on ${backend}`)
  let first = [NaN]
  const issue: number[] = []
  let device: Awaited<ReturnType<typeof deviceProfile>> | null = null
  let train: number[] = []
  let forward: number[] = []
  let optimizerMs: number[] = []
  if (!countOnly) {
    first = await msPer(1, trainStep)
    await msPer(1, trainStep)
    train = await msPer(count, trainStep, issue)
    await forwardStep()
    forward = await msPer(count, forwardStep)
    log(`first step ${round(first[0])} ms; train ${round(median(train))} ms/step (${train.map((t) => round(t, 0)).join(' ')}), of which JS issuing ${round(median(issue))} ms; forward ${round(median(forward))} ms`)
    // the optimizer alone, synced
    const { grads } = net.gradients(() => net.lossFn(net.apply(input, { training: true }), target))
    await lastParam.data()
    optimizerMs = await msPer(3, async () => {
      optimizer.applyGradients(grads)
      await lastParam.data()
    })
    tf.dispose([...grads.values()])
    log(`optimizer alone ${round(median(optimizerMs))} ms`)
    if (timestamps) {
      device = await deviceProfile()
      if (!device.supported) log('no timestamp queries on this adapter: no per-kernel device times (try --census)')
      else {
        log(`device time of one step (timestamp queries, one pass per kernel): ${round(device.totalMs)} ms ${JSON.stringify(Object.fromEntries(Object.entries(device.byPhase).map(([k, v]) => [k, round(v, 1)])))}`)
        log('kernel                         calls   device ms  fwd/bwd/opt')
        for (const k of device.kernels.slice(0, 30)) {
          const p = (ph: string) => round(k.byPhase[ph] ?? 0, 1)
          log(`${k.name.padEnd(30)} ${String(k.calls).padStart(5)} ${round(k.ms, 2).toString().padStart(10)}  ${p('forward')}/${p('backward')}/${p('optimizer')}`)
        }
      }
    }
  }
  let kernels: ReturnType<typeof summarise> = []
  let signatures: Awaited<ReturnType<typeof replayCalls>> = []
  let calls: RecordedCall[] = []
  let dispatchCounts: Record<string, Record<string, number>> = {}
  if (census || countOnly) {
    recorder.calls.length = 0
    for (const key of Object.keys(recorder.dispatches)) delete recorder.dispatches[key]
    recorder.install()
    recorder.recording = true
    try {
      await trainStep()
    } finally {
      recorder.recording = false
      recorder.uninstall()
    }
    calls = [...recorder.calls]
    const byPhase: Record<string, number> = {}
    for (const c of calls) byPhase[c.phase] = (byPhase[c.phase] ?? 0) + 1
    log(`kernel calls per step: ${calls.length} ${JSON.stringify(byPhase)}`)
    const dispatches = Object.fromEntries(Object.entries(recorder.dispatches).map(([phase, byProgram]) => [phase, Object.values(byProgram).reduce((a, b) => a + b, 0)]))
    log(`GPU dispatches per step: ${JSON.stringify(dispatches)}`)
    const programs: Record<string, number> = {}
    for (const byProgram of Object.values(recorder.dispatches)) for (const [name, n] of Object.entries(byProgram)) programs[name] = (programs[name] ?? 0) + n
    log(`  by program: ${Object.entries(programs).sort((a, b) => b[1] - a[1]).slice(0, 20).map(([k, n]) => `${k} ${n}`).join(', ')}`)
    dispatchCounts = { ...recorder.dispatches }
    if (countOnly || !census) return { name, firstStepMs: first[0], trainMs: train, issueMs: issue, forwardMs: forward, optimizerMs, device, dispatches: dispatchCounts, calls: calls.length }
    const started = performance.now()
    signatures = await replayCalls(calls, { log })
    kernels = summarise(signatures)
    log(`replayed ${signatures.length} distinct calls in ${round((performance.now() - started) / 1000)} s`)
    const total = kernels.reduce((s, k) => s + k.gpuMs, 0)
    const cpu = kernels.reduce((s, k) => s + k.cpuMs, 0)
    log(`sum of replayed device time ${round(total)} ms, issue time ${round(cpu)} ms`)
    log('kernel                         calls    gpu ms   issue ms  fwd/bwd/opt gpu ms')
    for (const k of kernels.slice(0, 25)) {
      const p = (phase: string) => round(k.byPhase[phase]?.gpuMs ?? 0, 1)
      log(`${k.name.padEnd(30)} ${String(k.calls).padStart(5)} ${round(k.gpuMs, 1).toString().padStart(9)} ${round(k.cpuMs, 1).toString().padStart(9)}  ${p('forward')}/${p('backward')}/${p('optimizer')}`)
    }
    log('heaviest calls:')
    for (const s of signatures.slice(0, 15)) log(`  ${s.name} x${s.count} ${round(s.gpuMs, 3)} ms ${s.shapes} ${s.key.split('|')[2].slice(0, 120)}`)
  }
  return { name, firstStepMs: first[0], trainMs: train, issueMs: issue, forwardMs: forward, optimizerMs, device, dispatches: dispatchCounts, kernels, signatures, calls: calls.length }
}

const results: Record<string, unknown> & { variants?: unknown } = { engine, config: { name: configName, ...config }, batch, steps, parameters: net.parameterCount }
if (only !== 'project') {
  switcher.useBuiltin()
  results.builtin = await runVariant('builtin', builtinSteps)
}
if (only !== 'builtin') {
  switcher.useProject()
  if (!argv.includes('--no-check')) results.check = await switcher.check([trainStep, forwardStep], log)
  results.project = await runVariant('project')
  for (const variant of variants) {
    const settings = variant.split(',').map((kv) => kv.split('='))
    const saved = settings.map(([k]) => [k, tf.env().get(k)] as const)
    for (const [k, v] of settings) tf.env().set(k, v === 'true' ? true : v === 'false' ? false : Number(v))
    const t = await msPer(1, trainStep).then(() => msPer(steps, trainStep))
    const f = await msPer(steps, forwardStep)
    log(`variant ${variant}: train ${round(median(t))} ms/step (${t.map((x) => round(x, 0)).join(' ')}), forward ${round(median(f))} ms`)
    ;(results.variants ??= {} as Record<string, unknown>)
    ;(results.variants as Record<string, unknown>)[variant] = { trainMs: t, forwardMs: f }
    for (const [k, v] of saved) tf.env().set(k, v)
  }
}
writeFileSync(join(outDir, 'profile.json'), JSON.stringify(results, null, 1) + '\n')
for (const name of ['builtin', 'project']) {
  const r = results[name] as { trainMs: number[]; forwardMs: number[] } | undefined
  if (r && r.trainMs.length) log(`${name}: ${round(median(r.trainMs))} ms/step = ${round((1000 * batch) / median(r.trainMs))} img/s train; forward ${round((1000 * batch) / median(r.forwardMs))} img/s`)
}
process.exit(0)
