// How inference competes with the UI's requests. A real project (demo generator + importer) and a demo-preset
// checkpoint (random weights); through the api layer, as a host calls it: an evaluation of the val split
// while `status` and `listImages` requests arrive every 25 ms, then the editor's predictImage (the first
// call, which starts and loads, and repeated calls) with `status` requests alongside. A request's latency
// is counted from when it was due, so time it spent waiting for a busy event loop counts.
// Run: npx tsx bench/inference.bench.ts [--people 96] [--backend wasm] [--preset demo]. Writes bench/results/inference.json.
import '@tensorflow/tfjs-backend-cpu' // only to make the checkpoint here
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Params, RequestName, Result } from '../contract'
import { datasetOf } from '../main/dataset/project-dataset'
import { labelMark } from '../main/dataset/revisions'
import { saveCheckpoint } from '../main/model/checkpoint'
import { createPyraNet } from '../main/model/pyranet'
import { resolveTrainConfig } from '../main/train/config'
import { insertRun, recordCheckpoint } from '../main/train/runs-store'
import { createTestProject } from '../main/train/test-project'
import { Workbench } from '../main/workbench'
import { writeResults } from './results-file'

const option = (name: string) => {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 ? (process.argv[at + 1] ?? '') : undefined
}
const backend = (option('backend') ?? 'wasm') as 'wasm'
const preset = option('preset') ?? 'demo'
const peopleCount = Number(option('people') ?? 96)
const PERIOD_MS = 25

interface Latencies {
  count: number
  medianMs: number
  p95Ms: number
  maxMs: number
}

function summarise(values: number[]): Latencies {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 10) / 10
  return { count: sorted.length, medianMs: at(0.5), p95Ms: at(0.95), maxMs: Math.round(sorted.at(-1)! * 10) / 10 }
}

const sleepUntil = (time: number) => new Promise((r) => setTimeout(r, Math.max(0, time - performance.now())))

const dir = mkdtempSync(join(tmpdir(), 'inference-bench-'))
const rows: Record<string, unknown>[] = []
let workbench: Workbench | undefined
try {
  const { dataDir, projectDir } = await createTestProject(dir, { people: peopleCount, valFraction: 0.25 })
  workbench = new Workbench({ host: 'cli', dataDir })
  workbench.workspace.settings.update({ backend })
  await workbench.workspace.openProject(projectDir)
  const wb = workbench
  const call = async <N extends RequestName>(method: N, params: Params<N>): Promise<Result<N>> => {
    const reply = await wb.call(method, params)
    if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`)
    return reply.result
  }

  const { db } = datasetOf(wb.workspace.requireProject())
  const config = resolveTrainConfig(preset)
  const runId = insertRun(db, { name: 'bench', config, backendRequested: backend, labelMark: labelMark(db), trainPeople: 0, valPeople: 0, fromRun: null, fromCheckpoint: null, ownerPid: process.pid })
  const net = createPyraNet(config.model, { seed: 1 })
  const checkpoint = join(projectDir, 'runs', runId, 'epoch-0001')
  await saveCheckpoint(checkpoint, net, { meta: { epoch: 1 } })
  net.dispose()
  recordCheckpoint(db, projectDir, runId, { step: 1, epoch: 1, path: checkpoint, reason: 'epoch', pckh: null })
  const source = { kind: 'run' as const, runId, checkpoint: 'best' }

  /** Sends `request` now and then every PERIOD_MS until `until` settles; latency from when each was due. */
  async function probe(request: () => Promise<unknown>, until: Promise<unknown>): Promise<number[]> {
    let settled = false
    until.then(() => (settled = true), () => (settled = true))
    const latencies: number[] = []
    let due = performance.now()
    do {
      await sleepUntil(due)
      await request()
      latencies.push(performance.now() - due)
      due = Math.max(due + PERIOD_MS, performance.now())
    } while (!settled)
    return latencies
  }

  const idle: number[] = []
  for (let i = 0; i < 20; i++) {
    const started = performance.now()
    await call('status', {})
    idle.push(performance.now() - started)
  }
  rows.push({ measure: 'status, idle', ...summarise(idle) })

  const evaluationStarted = performance.now()
  const evaluation = call('evaluateRun', { source, name: 'bench' })
  const [statusDuring, listDuring] = await Promise.all([
    probe(() => call('status', {}), evaluation),
    probe(() => call('listImages', { limit: 50 }), evaluation)
  ])
  const evaluated = await evaluation
  const evaluationMs = performance.now() - evaluationStarted
  rows.push({ measure: 'status, during evaluateRun', ...summarise(statusDuring) })
  rows.push({ measure: 'listImages(50), during evaluateRun', ...summarise(listDuring) })
  rows.push({ measure: `evaluateRun (${evaluated.set.people} people, flip test)`, count: 1, medianMs: Math.round(evaluationMs), note: `${Math.round(evaluationMs / evaluated.set.people)} ms per person` })

  const [image] = (await call('listImages', { filter: { split: 'val' }, limit: 1 })).images
  const firstStarted = performance.now()
  await call('predictImage', { imageId: image.id, source })
  rows.push({ measure: 'predictImage, first (starts, loads)', count: 1, medianMs: Math.round(performance.now() - firstStarted) })
  const repeated: number[] = []
  const statusDuringPredict: number[] = []
  for (let i = 0; i < 5; i++) {
    const started = performance.now()
    const prediction = call('predictImage', { imageId: image.id, source })
    statusDuringPredict.push(...(await probe(() => call('status', {}), prediction)))
    await prediction
    repeated.push(performance.now() - started)
  }
  rows.push({ measure: 'predictImage, repeated', ...summarise(repeated) })
  rows.push({ measure: 'status, during predictImage', ...summarise(statusDuringPredict) })
} finally {
  await workbench?.dispose()
  rmSync(dir, { recursive: true, force: true })
}

console.table(rows)
writeResults('inference.json', {
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.versions.node}, load ${loadavg()[0].toFixed(2)}`,
  backend,
  preset,
  people: peopleCount,
  rows,
  at: new Date().toISOString()
})
