// Evaluation speed on the real MPII validation files (2,958 people): reading them, scoring (both Means,
// @0.1, the 51-threshold curve, AUC), ranking, a paired comparison with 2,000 bootstrap resamples, CSV;
// then the project path: the people written into a project database, a predictions file imported as a
// set and scored against the split. With --inference it also times predictions per person through a
// checkpoint (random weights) on the cpu or wasm engine: --inference [demo|paper] [--people N] [--batch N] [--backend B].
// Run: npx tsx bench/eval.bench.ts [--inference demo] ... Writes bench/results/eval.json.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { openDatabase } from '../main/dataset/db'
import { attachImagesFolder } from '../main/dataset/images-folder'
import { emptyJoints, type Joint } from '../main/dataset/model'
import { insertPerson } from '../main/dataset/people-store'
import { migrationLists } from '../main/dataset/migrations'
import { compareSets } from '../main/eval/compare'
import { curvesCsv, summaryCsv } from '../main/eval/csv'
import { loadGroundTruth } from '../main/eval/load/ground-truth'
import { loadPredictions } from '../main/eval/load/predictions'
import { normalisedErrors, pckhReport } from '../main/eval/pckh'
import { importPredictionFile, scoreStoredSet } from '../main/eval/project-sets'
import { rankPeople } from '../main/eval/ranking'
import { writeResults } from './results-file'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const mpii = (name: string) => join(root, '..', 'shared', 'data', 'mpii', name)
const option = (name: string) => {
  const at = process.argv.indexOf(`--${name}`)
  return at >= 0 ? (process.argv[at + 1] ?? '') : undefined
}

const rows: { measure: string; ms: number; note?: string }[] = []
async function time<T>(measure: string, work: () => T | Promise<T>, note?: string): Promise<T> {
  const started = performance.now()
  const result = await work()
  rows.push({ measure, ms: Math.round((performance.now() - started) * 10) / 10, ...(note ? { note } : {}) })
  return result
}

const gt = await time('read detections_our_format.mat', () => loadGroundTruth(mpii('detections_our_format.mat')))
const preds = await time('read bearpaw-hg_s2_b1.mat', () => loadPredictions(mpii('bearpaw-hg_s2_b1.mat'), { expectedCount: gt.count }))
const tompson = await loadPredictions(mpii('detections_our_format.mat'), { expectedCount: gt.count })
const errors = await time('normalised errors', () => normalisedErrors(gt, preds))
const report = await time('PCKh report (both Means, @0.1, 51-point curve, AUC)', () => pckhReport(errors))
await time('rank all people (worst joint)', () => rankPeople(gt, errors, { limit: gt.count }))
const tompsonErrors = normalisedErrors(gt, tompson)
await time('compare two sets (2,000 bootstrap resamples)', () =>
  compareSets(gt, [
    { name: 'tompson', errors: tompsonErrors },
    { name: 'hg_s2', errors }
  ])
)
await time('summary + curve CSV', () => summaryCsv([{ model: 'hg_s2', report }]) + curvesCsv([{ model: 'hg_s2', report }]))

const dir = mkdtempSync(join(tmpdir(), 'wb-eval-bench-'))
let inference: Record<string, unknown> | null = null
try {
  const db = openDatabase(join(dir, 'project.sqlite'), { lists: migrationLists })
  await time(`write ${gt.count} people into a project`, () =>
    db.transaction(() => {
      const image = db.prepare("INSERT INTO images (name, split) VALUES (?, 'val')")
      for (let n = 0; n < gt.count; n++) {
        const imageId = Number(image.run(`person-${n}.jpg`).lastInsertRowid)
        const joints: Joint[] = emptyJoints().map((_, j) => {
          const i = n * 16 + j
          return gt.missing[i] ? { x: null, y: null, state: 'missing' } : { x: gt.joints[i * 2], y: gt.joints[i * 2 + 1], state: 'visible' }
        })
        const b = gt.headBoxes.subarray(n * 4, n * 4 + 4)
        const centre = { x: 160, y: 160 }
        insertPerson(db, imageId, n + 1, { center: centre, scale: 1, headBox: { x1: b[0], y1: b[1], x2: b[2], y2: b[3] }, joints })
      }
    })()
  )
  const set = await time('import the predictions file as a set', () => importPredictionFile(db, { file: mpii('bearpaw-hg_s2_b1.mat'), split: 'val' }))
  const scored = await time('score the stored set against the split', () => scoreStoredSet(db, set.id))
  const projectReport = pckhReport(scored.errors)
  if (projectReport.at05.mean!.toFixed(2) !== '86.76') throw new Error(`project path scored ${projectReport.at05.mean}, expected 86.76`)

  const preset = option('inference')
  if (preset !== undefined) inference = await benchInference(db, dir, preset || 'demo')
  db.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}

async function benchInference(db: ReturnType<typeof openDatabase>, dir: string, preset: string): Promise<Record<string, unknown>> {
  const { initEngine } = await import('../main/engine/engine')
  const { createPyraNet } = await import('../main/model/pyranet')
  const { presets } = await import('../main/model/config')
  const { saveCheckpoint } = await import('../main/model/checkpoint')
  const { evaluateCheckpoint } = await import('../main/eval/checkpoint-evaluation')
  const { InferenceWorker } = await import('../main/inference/client')
  const { forkLauncher } = await import('../main/train/launcher')
  const people = Number(option('people') ?? 16)
  const backend = (option('backend') ?? 'wasm') as 'wasm'
  await initEngine(backend) // here only to make the checkpoint; the inference worker predicts on the same engine
  const worker = new InferenceWorker({ launcher: forkLauncher, backend: () => backend })
  const config = presets[preset as keyof typeof presets]
  if (!config) throw new Error(`unknown preset ${preset}`)
  const net = createPyraNet(config)
  await saveCheckpoint(join(dir, 'ckpt'), net)
  net.dispose()
  // A split of `people` people on one 320 x 320 image.
  mkdirSync(join(dir, 'images'))
  await sharp(Buffer.alloc(320 * 320 * 3, 90), { raw: { width: 320, height: 320, channels: 3 } }).jpeg().toFile(join(dir, 'images', 'person-0.jpg'))
  db.prepare("UPDATE images SET split = 'train' WHERE name <> 'person-0.jpg'").run()
  db.prepare("UPDATE images SET split = 'val' WHERE name = 'person-0.jpg'").run()
  const firstImage = (db.prepare("SELECT id FROM images WHERE name = 'person-0.jpg'").get() as { id: number }).id
  db.prepare(`UPDATE people SET image_id = ? WHERE id IN (SELECT id FROM people ORDER BY id LIMIT ?)`).run(firstImage, people)
  attachImagesFolder(db, join(dir, 'images'))
  // timed from the worker's first 'predicting' report: its start and the checkpoint's loading left out
  let started = 0
  const batchSize = Number(option('batch') ?? 8)
  const onProgress = ({ stage }: { stage: string }) => {
    if (stage === 'predicting' && !started) started = performance.now()
  }
  const result = await evaluateCheckpoint(db, worker, { checkpoint: join(dir, 'ckpt'), split: 'val', name: 'bench', batchSize, onProgress })
  const seconds = (performance.now() - started) / 1000
  const engine = worker.engine!
  await worker.close()
  const perPerson = (seconds * 1000) / result.set.people
  rows.push({ measure: `inference, ${preset} preset, flip test, ${engine.backend}`, ms: Math.round(perPerson), note: `per person, ${result.set.people} people, batch ${batchSize}, in the inference worker` })
  return { preset, backend: engine.backend, device: engine.device, people: result.set.people, batchSize, msPerPerson: Math.round(perPerson) }
}

console.table(rows)
writeResults('eval.json', {
  machine: `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.versions.node}`,
  people: gt.count,
  rows,
  inference,
  at: new Date().toISOString()
})
