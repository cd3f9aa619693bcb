// PyraNet forward speed (inference: eval mode, deterministic pooling) on the cpu and wasm backends, for the
// demo and paper configurations at batch 1 and a small batch, plus where wasm spends the paper model's time.
// Run: npx tsx bench/model.bench.ts [--quick]. Writes bench/results/model.json (--quick: model.local.json).
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import '@tensorflow/tfjs-backend-wasm'
import { cpus, loadavg } from 'node:os'
import { presets, type PresetName } from '../main/model/config'
import { describeModel } from '../main/model/flops'
import { createPyraNet } from '../main/model/pyranet'
import { writeResults } from './results-file'

const quick = process.argv.includes('--quick')

interface Case {
  backend: 'cpu' | 'wasm'
  preset: PresetName
  batch: number
}

// The pure-JS cpu backend runs ~1 GFLOP/s: one paper-size image takes ~15 s there, so it gets batch 1 only.
const ALL_CASES: Case[] = [
  { backend: 'wasm', preset: 'demo', batch: 1 },
  { backend: 'wasm', preset: 'demo', batch: 8 },
  { backend: 'wasm', preset: 'paper', batch: 1 },
  { backend: 'wasm', preset: 'paper', batch: 4 },
  { backend: 'cpu', preset: 'demo', batch: 1 },
  { backend: 'cpu', preset: 'demo', batch: 8 },
  { backend: 'cpu', preset: 'paper', batch: 1 }
]
const CASES = ALL_CASES.filter((c) => !quick || c.preset === 'demo')

interface Result extends Case {
  runs: number
  msPerBatch: number
  imagesPerSecond: number
  /** 2 x conv MACs x batch / time */
  convGflops: number
}

/** Median of timed runs after one warm-up, stopping after ~budget ms (at least `minRuns`). */
function medianMs(run: () => void, budgetMs: number, minRuns = 2): { ms: number; runs: number } {
  run()
  const samples: number[] = []
  const started = performance.now()
  while (samples.length < minRuns || (performance.now() - started < budgetMs && samples.length < 10)) {
    const t0 = performance.now()
    run()
    samples.push(performance.now() - t0)
  }
  samples.sort((a, b) => a - b)
  return { ms: samples[Math.floor(samples.length / 2)], runs: samples.length }
}

async function measure({ backend, preset, batch }: Case): Promise<Result> {
  await tf.setBackend(backend)
  const config = presets[preset]
  const net = createPyraNet(config)
  const input = tf.randomUniform([batch, config.inputRes, config.inputRes, 3], -0.5, 0.5, 'float32', 1) as tf.Tensor4D
  const forward = () => {
    const outputs = tf.tidy(() => net.apply(input))
    outputs[outputs.length - 1].dataSync() // wait for the work, as a caller reading heatmaps would
    tf.dispose(outputs)
  }
  // cpu: one timed run after the warm-up (a paper-size image is ~15 s or more there)
  const { ms, runs } = backend === 'cpu' ? medianMs(forward, 0, 1) : medianMs(forward, quick ? 1000 : 5000)
  const macs = describeModel(config).macs
  net.dispose()
  input.dispose()
  return { backend, preset, batch, runs, msPerBatch: round(ms), imagesPerSecond: round((1000 * batch) / ms, 3), convGflops: round((2 * macs * batch) / ms / 1e6, 2) }
}

/** Where the time goes: wasm, paper model, batch 1, by kernel. */
async function kernelBreakdown(): Promise<Array<{ kernel: string; ms: number; share: number; calls: number }>> {
  await tf.setBackend('wasm')
  const net = createPyraNet(presets.paper)
  const input = tf.randomUniform([1, 256, 256, 3], -0.5, 0.5, 'float32', 1) as tf.Tensor4D
  tf.dispose(tf.tidy(() => net.apply(input)))
  const info = await tf.profile(() => {
    const outputs = tf.tidy(() => net.apply(input))
    return outputs[outputs.length - 1]
  })
  net.dispose()
  input.dispose()
  const totals = new Map<string, { ms: number; calls: number }>()
  // Only kernels: skip the op scopes that wrap them (their time would count twice).
  for (const k of info.kernels.filter((k) => !k.name.endsWith('__op') && k.name !== 'unnamed scope')) {
    const entry = totals.get(k.name) ?? { ms: 0, calls: 0 }
    entry.ms += Number(k.kernelTimeMs)
    entry.calls++
    totals.set(k.name, entry)
  }
  const all = [...totals.values()].reduce((s, e) => s + e.ms, 0)
  return [...totals]
    .map(([kernel, e]) => ({ kernel, ms: round(e.ms), share: round(e.ms / all, 3), calls: e.calls }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 10)
}

function round(x: number, digits = 1): number {
  return Number(x.toFixed(digits))
}

const load = loadavg()[0]
const results: Result[] = []
console.log('backend  preset  batch  runs  ms/batch   images/s  conv GFLOP/s')
for (const c of CASES) {
  const r = await measure(c)
  results.push(r)
  console.log(
    `${r.backend.padEnd(7)}  ${r.preset.padEnd(6)}  ${String(r.batch).padStart(5)}  ${String(r.runs).padStart(4)}  ${r.msPerBatch.toFixed(1).padStart(8)}  ${r.imagesPerSecond.toFixed(3).padStart(9)}  ${r.convGflops.toFixed(2).padStart(12)}`
  )
}
const breakdown = quick ? [] : await kernelBreakdown()
if (breakdown.length) {
  console.log('\nwasm, paper model, batch 1: time by kernel')
  for (const k of breakdown) console.log(`  ${k.kernel.padEnd(24)} ${k.ms.toFixed(1).padStart(8)} ms  ${(100 * k.share).toFixed(1).padStart(5)} %  ${k.calls} calls`)
}

const out = writeResults(quick ? 'model.local.json' : 'model.json', {
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version, gpu: 'none' },
  loadAverage: { before: round(load, 2), after: round(loadavg()[0], 2) },
  note: 'forward only, eval mode (running statistics, pooling u = 0.5); median of timed runs after a warm-up',
  configs: Object.fromEntries((['demo', 'paper'] as const).map((p) => [p, { ...presets[p], gmacPerImage: round(describeModel(presets[p]).macs / 1e9, 3) }])),
  forward: results,
  wasmPaperKernels: breakdown
})
console.log(`\nwrote ${out}`)
