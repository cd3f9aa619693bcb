// Training speed per backend, and how fast the demo preset learns the demo project.
//   npx tsx bench/train.bench.ts [--quick] [--backends wasm,cpu] [--long] [--long-minutes 20] [--only-long]
// Per available backend (each in a process of its own, as a trainer would be): ms per training step and
// training images/s of the `demo` and `paper` presets, forward-only images/s, and the train/forward ratio
// (the wasm goal: a step costs at most 3x its forward pass). The paper preset on cpu/wasm runs at batch 1-2
// for a couple of steps only: it is slow there. The loader's images/s (decode + crop + augment + targets,
// one thread) shows whether the engine could ever wait on images. --long generates the demo project
// (2,000 people) and trains the demo preset on it through the real trainer process for --long-minutes,
// reporting validation PCKh@0.5 after 10 and 20 minutes next to a no-learning baseline (the mean training
// pose placed in each crop). Writes bench/results/train.json.
import * as tf from '@tensorflow/tfjs-core'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { detectBackends } from '../main/engine/backends'
import { initEngine, type EngineBackend } from '../main/engine/engine'
import { scorePredictions } from '../main/eval/pckh'
import { createPyraNet, cropToImage, imageToCrop, RMSprop } from '../main/model'
import { trainPresets, type TrainPresetName } from '../main/train/config'
import { JOINT_COUNT, JointState } from '../main/train/joints'
import { BatchLoader } from '../main/train/loader'
import { NO_AUGMENTATION, REFERENCE_AUGMENTATION, sampleTransform } from '../main/train/sample'
import type { DataSnapshot } from '../main/train/snapshot'
import { createTestProject } from '../main/train/test-project'
import { resultsPath, writeResults } from './results-file'

const args = process.argv.slice(2)
const option = (name: string) => {
  const at = args.indexOf(name)
  return at >= 0 ? args[at + 1] : undefined
}
const quick = args.includes('--quick')

interface SpeedResult {
  backend: string
  device: string
  preset: TrainPresetName
  batch: number
  steps: number
  msPerStep: number
  trainImagesPerSecond: number
  forwardMsPerBatch: number
  forwardImagesPerSecond: number
  /** a training step's time over its forward pass's, same batch */
  trainOverForward: number
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits

/** Child mode: one backend, one preset, in this process. Prints one JSON line. */
async function measure(backend: EngineBackend, preset: TrainPresetName): Promise<SpeedResult> {
  const engine = await initEngine(backend)
  const config = trainPresets[preset]
  const slow = preset === 'paper' && (backend === 'cpu' || backend === 'wasm')
  const batch = preset === 'demo' ? config.batchSize : slow ? (backend === 'cpu' ? 1 : 2) : config.batchSize
  const steps = slow ? (backend === 'cpu' ? 1 : 2) : quick ? 3 : 6
  const net = createPyraNet(config.model, { seed: 1 })
  const optimizer = new RMSprop(net.params, { lr: config.learningRate, alpha: config.rmspropAlpha, eps: config.rmspropEpsilon })
  const res = config.model.inputRes
  const x = tf.randomUniform([batch, res, res, 3], -0.5, 0.5) as tf.Tensor4D
  const y = tf.randomUniform([batch, res / 4, res / 4, JOINT_COUNT], 0, 1) as tf.Tensor4D
  const forward = async () => {
    const t = performance.now()
    const out = tf.tidy(() => net.apply(x).at(-1)!)
    await out.data()
    out.dispose()
    return performance.now() - t
  }
  const train = async () => {
    const t = performance.now()
    const loss = tf.tidy(() => {
      const { loss, grads } = net.gradients(() => net.lossFn(net.apply(x, { training: true }), y))
      optimizer.applyGradients(grads)
      return loss
    })
    await loss.data()
    loss.dispose()
    return performance.now() - t
  }
  await forward()
  await train()
  const trainTimes: number[] = []
  const forwardTimes: number[] = []
  for (let i = 0; i < steps; i++) {
    forwardTimes.push(await forward())
    trainTimes.push(await train())
  }
  const msPerStep = median(trainTimes)
  const forwardMs = median(forwardTimes)
  return {
    backend: engine.backend,
    device: engine.device,
    preset,
    batch,
    steps,
    msPerStep: round(msPerStep, 1),
    trainImagesPerSecond: round((batch * 1000) / msPerStep, 3),
    forwardMsPerBatch: round(forwardMs, 1),
    forwardImagesPerSecond: round((batch * 1000) / forwardMs, 3),
    trainOverForward: round(msPerStep / forwardMs, 2)
  }
}

function runChild(backend: string, preset: TrainPresetName): SpeedResult | { backend: string; preset: string; error: string } {
  const limitMinutes = preset === 'paper' ? 25 : 10
  const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--measure', backend, preset, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    timeout: limitMinutes * 60_000
  })
  if (run.error || run.signal) return { backend, preset, error: `no result within ${limitMinutes} minutes (${run.error?.message ?? run.signal})` }
  const line = run.stdout.split('\n').find((l) => l.startsWith('{"backend"'))
  if (run.status !== 0 || !line) return { backend, preset, error: (run.stderr || run.stdout).trim().split('\n').slice(-3).join(' ') }
  return JSON.parse(line) as SpeedResult
}

/** Loader thread throughput on demo images: the rate the engine would have to beat to ever wait. */
async function loaderSpeed(snapshotPath: string, inputRes: number, count: number): Promise<number> {
  const loader = await BatchLoader.start(
    { snapshotPath, shape: { inputRes, mean: [0.44, 0.44, 0.43] }, augment: REFERENCE_AUGMENTATION, seed: 1, cacheBytes: 0, decodeThreads: 1 },
    1
  )
  try {
    const people = Array.from({ length: count }, (_, i) => i)
    await loader.prepare({ split: 'train', people: people.slice(0, 4), keys: [0], augment: true, targets: true })
    const started = performance.now()
    for (let i = 0; i < count; i += 8) await loader.prepare({ split: 'train', people: people.slice(i, i + 8), keys: [1, i], augment: true, targets: true })
    return round((count * 1000) / (performance.now() - started), 1)
  } finally {
    await loader.close()
  }
}

/** PCKh@0.5 of predicting, for every validation person, the training set's mean joint positions in the crop. */
function meanPoseBaseline(snapshot: DataSnapshot, inputRes: number): { mean: number | null; weightedMean: number | null } {
  const sums = new Float64Array(JOINT_COUNT * 2)
  const counts = new Float64Array(JOINT_COUNT)
  for (const p of snapshot.train) {
    const t = sampleTransform(p, NO_AUGMENTATION, inputRes)
    for (let j = 0; j < JOINT_COUNT; j++) {
      if (p.states[j] === JointState.missing) continue
      const [x, y] = imageToCrop(t, [p.joints[j * 2], p.joints[j * 2 + 1]])
      sums[j * 2] += x
      sums[j * 2 + 1] += y
      counts[j]++
    }
  }
  const people = snapshot.val.filter((p) => p.headBox)
  const count = people.length
  const gt = { source: 'val', count, joints: new Float64Array(count * 32), missing: new Uint8Array(count * 16), headBoxes: new Float64Array(count * 4) }
  const preds = { source: 'mean pose', count, coords: new Float64Array(count * 32) }
  people.forEach((p, n) => {
    const t = sampleTransform(p, NO_AUGMENTATION, inputRes)
    gt.headBoxes.set(p.headBox!, n * 4)
    for (let j = 0; j < JOINT_COUNT; j++) {
      const i = n * JOINT_COUNT + j
      gt.missing[i] = p.states[j] === JointState.missing ? 1 : 0
      gt.joints[i * 2] = p.joints[j * 2]
      gt.joints[i * 2 + 1] = p.joints[j * 2 + 1]
      const [x, y] = cropToImage(t, [sums[j * 2] / Math.max(1, counts[j]), sums[j * 2 + 1] / Math.max(1, counts[j])])
      preds.coords[i * 2] = x
      preds.coords[i * 2 + 1] = y
    }
  })
  const report = scorePredictions(gt, preds)
  return { mean: report.at05.mean, weightedMean: report.at05.weightedMean }
}

async function longRun(minutes: number) {
  const { Workbench } = await import('../main/workbench')
  const { createDemoProject } = await import('../main/dataset/demo/first-launch')
  const root = mkdtempSync(join(tmpdir(), 'wb-train-long-'))
  const workbench = new Workbench({ host: 'cli', dataDir: join(root, 'data') })
  try {
    const generated = performance.now()
    const projectDir = await createDemoProject(workbench.workspace)
    await workbench.workspace.openProject(projectDir)
    const generationSeconds = (performance.now() - generated) / 1000
    const epochs: { epoch: number; step: number; minutes: number; pckh: number | null; pckhWeighted: number | null; valLoss: number | null }[] = []
    const waits: number[] = []
    let runId = ''
    let trainingStarted = 0
    workbench.events.subscribe((name, payload) => {
      if (name === 'trainEpoch') {
        const e = payload as { runId: string; epoch: number; step: number; pckh: number | null; pckhWeighted: number | null; valLoss: number | null }
        if (e.runId !== runId) return
        epochs.push({ epoch: e.epoch, step: e.step, minutes: round((performance.now() - trainingStarted) / 60000, 2), pckh: e.pckh, pckhWeighted: e.pckhWeighted, valLoss: e.valLoss })
        console.log(`  epoch ${e.epoch} (step ${e.step}) at ${epochs.at(-1)!.minutes} min: PCKh@0.5 ${e.pckh?.toFixed(2)} (weighted ${e.pckhWeighted?.toFixed(2)})`)
      } else if (name === 'trainStep') {
        const s = payload as { runId: string; waitMs: number }
        if (s.runId === runId) waits.push(s.waitMs)
      }
    })
    const config = trainPresets.demo
    // epochs of ~2 minutes, so PCKh is measured often enough to read off 10 and 20 minutes
    const stepsPerEpoch = Number(option('--long-steps-per-epoch') ?? 100)
    // --long-overrides '{"model":{"nFeats":32}}' tries another demo config (to choose the preset by measuring)
    const extra = JSON.parse(option('--long-overrides') ?? '{}') as Record<string, unknown>
    const reply = await workbench.call('startRun', { preset: 'demo', overrides: { epochs: 1000, stepsPerEpoch, lrMilestones: [], ...extra } })
    if (!reply.ok) throw new Error(reply.error.message)
    runId = reply.result.id
    trainingStarted = performance.now()
    await new Promise((resolve) => setTimeout(resolve, minutes * 60_000))
    const stop = await workbench.call('stopRun', { runId })
    const detail = await workbench.call('getRun', { runId })
    if (!detail.ok || !stop.ok) throw new Error('the run could not be read back')
    const snapshot = JSON.parse(readFileSync(join(projectDir, 'runs', runId, 'snapshot.json'), 'utf8')) as DataSnapshot
    const at = (limit: number) => epochs.filter((e) => e.minutes <= limit).at(-1) ?? null
    return {
      measuredAt: new Date().toISOString(),
      loadAverage: round(loadavg()[0]),
      minutes,
      overrides: extra,
      generationSeconds: round(generationSeconds, 1),
      trainPeople: detail.result.trainPeople,
      valPeople: detail.result.valPeople,
      valScored: config.valLimit,
      backend: detail.result.backend,
      device: detail.result.device,
      stepsPerEpoch,
      steps: detail.result.step,
      imagesSeen: detail.result.step * config.batchSize,
      at10: at(10),
      at20: at(20),
      baselineMeanPose: meanPoseBaseline(snapshot, config.model.inputRes),
      medianWaitMs: waits.length ? round(median(waits), 1) : null,
      epochs
    }
  } finally {
    await workbench.dispose()
    rmSync(root, { recursive: true, force: true })
  }
}

async function main() {
  if (args[0] === '--measure') {
    console.log(JSON.stringify(await measure(args[1] as EngineBackend, args[2] as TrainPresetName)))
    return
  }
  const loadBefore = loadavg()[0]
  const wanted = option('--backends')?.split(',')
  const backends = detectBackends()
    .filter((b) => b.available && (!wanted || wanted.includes(b.name)))
    .map((b) => b.name)
  const speed = []
  for (const backend of args.includes('--only-long') ? [] : backends) {
    for (const preset of ['demo', 'paper'] as const) {
      const result = runChild(backend, preset)
      speed.push(result)
      if ('error' in result) console.log(`${backend} ${preset}: failed: ${result.error}`)
      else {
        console.log(
          `${backend.padEnd(6)} ${preset.padEnd(5)} batch ${String(result.batch).padStart(2)}: ${String(result.msPerStep).padStart(9)} ms/step  ${String(result.trainImagesPerSecond).padStart(7)} img/s training  ${String(result.forwardImagesPerSecond).padStart(7)} img/s forward  train/forward ${result.trainOverForward}x`
        )
      }
    }
  }
  const wasmRatios = speed.filter((r): r is SpeedResult => !('error' in r) && r.backend === 'wasm').map((r) => ({ preset: r.preset, ratio: r.trainOverForward, meetsGoal: r.trainOverForward <= 3 }))

  const root = mkdtempSync(join(tmpdir(), 'wb-train-bench-'))
  let loader: Record<string, number> = {}
  if (!args.includes('--only-long')) try {
    const fixture = await createTestProject(root, { people: 64, seed: 2 })
    const { datasetOf } = await import('../main/dataset/project-dataset')
    const { Workspace } = await import('../main/workspace/workspace')
    const { takeSnapshot } = await import('../main/train/snapshot-source')
    const { writeSnapshot } = await import('../main/train/snapshot')
    const workspace = new Workspace(fixture.dataDir)
    const project = await workspace.openProject(fixture.projectDir)
    const snapshotPath = join(root, 'snapshot.json')
    writeSnapshot(snapshotPath, takeSnapshot(datasetOf(project).db).snapshot)
    await workspace.dispose()
    loader = { demo128: await loaderSpeed(snapshotPath, 128, 48), paper256: await loaderSpeed(snapshotPath, 256, 48) }
    console.log(`loader (1 thread, decode + crop + augment + targets): ${loader.demo128} img/s at 128 px, ${loader.paper256} img/s at 256 px`)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }

  // the long run takes 20+ minutes: a run without --long keeps the last one's figures (with their date)
  const resultsFile = resultsPath('train.json')
  let previous: { long?: unknown; speed?: unknown[]; wasmTrainOverForward?: unknown[]; loaderImagesPerSecond?: Record<string, number> } = {}
  try {
    previous = JSON.parse(readFileSync(resultsFile, 'utf8')) as typeof previous
  } catch {
    previous = {}
  }
  let long = previous.long ?? null
  if (args.includes('--long')) {
    const minutes = Number(option('--long-minutes') ?? 20)
    console.log(`long run: the demo preset on the demo project for ${minutes} minutes`)
    const measured = await longRun(minutes)
    long = measured
    console.log(
      `  PCKh@0.5 after 10 min: ${measured.at10?.pckh?.toFixed(2) ?? '–'}, after 20 min: ${measured.at20?.pckh?.toFixed(2) ?? '–'} (mean-pose baseline ${measured.baselineMeanPose.mean?.toFixed(2)}), ${measured.steps} steps on ${measured.backend}`
    )
  }
  const onlyLong = args.includes('--only-long')
  const result = {
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.versions.node}, no GPU`,
    loadAverage: { before: round(loadBefore), after: round(loadavg()[0]) },
    note: 'paper preset on cpu/wasm: batch 1-2, 1-2 timed steps (slow there); demo: preset batch 8',
    // --only-long keeps the speed figures of the last full run
    speed: onlyLong ? (previous.speed ?? []) : speed,
    wasmTrainOverForward: onlyLong ? (previous.wasmTrainOverForward ?? []) : wasmRatios,
    loaderImagesPerSecond: onlyLong ? (previous.loaderImagesPerSecond ?? {}) : loader,
    long,
    at: new Date().toISOString()
  }
  writeResults('train.json', result)
}

await main()
