// Inference over people: the geometry round trip (heatmaps drawn at known joints decode back onto them)
// and a small real network evaluated from a checkpoint on a project split in a real inference worker (a
// forked process on the cpu engine), with progress and cancel: its predictions are exactly those of
// predictPeople run here on the same engine.
import * as tf from '@tensorflow/tfjs-core'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../dataset/db'
import { editPerson } from '../dataset/edits'
import { attachImagesFolder } from '../dataset/images-folder'
import { datasetMigrations } from '../dataset/schema'
import { initEngine } from '../engine/engine'
import { WorkbenchError } from '../errors'
import { InferenceWorker } from '../inference/client'
import { cropTransform } from '../model/crop-transform'
import { renderTargets } from '../model/heatmaps'
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint'
import { createPyraNet } from '../model/pyranet'
import type { ProgressReport } from '../progress'
import { forkLauncher } from '../train/launcher'
import { heatmapTransform } from '../train/sample'
import { evaluateCheckpoint, inferencePeople } from './checkpoint-evaluation'
import { seedSmallProject } from './fixtures/seed-project'
import { finalStack, predictPeople, type InferencePerson } from './inference'
import { evalMigrations } from './migrations'
import { listPredictionSets, predictionsFor } from './store'

let dir: string
let db: Db

// The engine the worker starts, so that this process computes with the same kernels.
beforeAll(async () => {
  await initEngine('cpu')
})

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eval-inference-'))
  mkdirSync(join(dir, 'images'))
  const noise = Buffer.from(Array.from({ length: 400 * 400 * 3 }, (_, i) => (i * 7919) % 251))
  for (const name of ['val-0.jpg', 'val-1.jpg', 'val-2.jpg', 'train.jpg']) {
    await sharp(noise, { raw: { width: 400, height: 400, channels: 3 } }).jpeg().toFile(join(dir, 'images', name))
  }
})
afterEach(() => {
  db?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function seededProject(): Promise<number[]> {
  db = openDatabase(join(dir, 'project.sqlite'), {
    lists: [
      { area: 'dataset', migrations: datasetMigrations },
      { area: 'eval', migrations: evalMigrations }
    ]
  })
  const ids = await seedSmallProject(db)
  for (const id of ids.slice(0, 2)) editPerson(db, id, { op: 'setCenterScale', center: { x: 170, y: 240 }, scale: 1 }, { author: 'test' })
  attachImagesFolder(db, join(dir, 'images'))
  return ids
}

describe('predictPeople', () => {
  it('decodes heatmaps drawn at known joints back onto them (within half a heatmap pixel per axis)', async () => {
    const inputRes = 64
    const people: InferencePerson[] = [
      { id: 1, image: join(dir, 'images', 'val-0.jpg'), centre: [200, 210], scale: 1.2 },
      { id: 2, image: join(dir, 'images', 'val-1.jpg'), centre: [150, 180], scale: 0.8 }
    ]
    const joints = people.map((p) => Array.from({ length: 16 }, (_, j): [number, number] => [p.centre[0] - 60 + 7.3 * j, p.centre[1] - 50 + 5.1 * j]))
    // A stand-in network whose heatmaps are the training targets of those joints, batch by batch.
    let call = 0
    const predict = (input: tf.Tensor4D) => {
      const batch = people.slice(call, call + input.shape[0])
      call += input.shape[0]
      const maps = batch.map((p) => {
        const h = heatmapTransform(cropTransform(p.centre, p.scale, inputRes))
        const points = joints[people.indexOf(p)].flatMap(([x, y]) => [h[0] * (x - 1) + h[1] * (y - 1) + h[2], h[3] * (x - 1) + h[4] * (y - 1) + h[5]])
        return Array.from(renderTargets(points, inputRes / 4))
      })
      return tf.tensor4d(maps.flat(), [batch.length, inputRes / 4, inputRes / 4, 16])
    }
    const reports: ProgressReport[] = []
    const set = await predictPeople(predict, people, { inputRes, mean: [0, 0, 0], flip: false, batchSize: 1, onProgress: (r) => reports.push(r) })
    expect(reports.at(-1)).toEqual({ stage: 'predicting', done: 2, total: 2 })
    people.forEach((p, n) => {
      const pixel = (200 * p.scale) / (inputRes / 4) // image pixels per heatmap pixel
      joints[n].forEach(([x, y], j) => {
        expect(Math.abs(set.coords[(n * 16 + j) * 2] - x)).toBeLessThanOrEqual(pixel / 2 + 1e-9)
        expect(Math.abs(set.coords[(n * 16 + j) * 2 + 1] - y)).toBeLessThanOrEqual(pixel / 2 + 1e-9)
        expect(set.confidence![n * 16 + j]).toBeCloseTo(1, 6)
      })
    })
  })
})

describe('evaluateCheckpoint on a project split', () => {
  let worker: InferenceWorker
  beforeAll(() => {
    worker = new InferenceWorker({ launcher: forkLauncher, backend: () => 'cpu' })
  })
  afterAll(() => worker.close())

  async function tinyCheckpoint(): Promise<string> {
    const net = createPyraNet({ nStack: 1, nFeats: 16, inputRes: 64, stemWidth: 8 }, { seed: 3 })
    const path = join(dir, 'checkpoint')
    await saveCheckpoint(path, net, { meta: { epoch: 3, inputMean: [0.5, 0.5, 0.5] } })
    net.dispose()
    return path
  }

  /** What predictPeople computes in this process from the same checkpoint. */
  async function inProcess(checkpoint: string, people: InferencePerson[], flip: boolean) {
    const { net } = await loadCheckpoint(checkpoint)
    try {
      return await predictPeople(finalStack(net), people, { inputRes: 64, mean: [0.5, 0.5, 0.5], flip, batchSize: 1 })
    } finally {
      net.dispose()
    }
  }

  it('predicts the scored people in the worker, stores them as the run’s set and records the score', async () => {
    const ids = await seededProject()
    const people = inferencePeople(db, 'val')
    expect(people.map((p) => [p.id, p.centre[1], p.scale])).toEqual([
      [ids[0], 240 + 15, 1.25],
      [ids[1], 240 + 15, 1.25]
    ])
    const checkpoint = await tinyCheckpoint()
    const reports: ProgressReport[] = []
    const { set, report } = await evaluateCheckpoint(db, worker, { checkpoint, split: 'val', runId: '5', name: 'run 5', onProgress: (r) => reports.push(r) })
    expect(set).toMatchObject({ kind: 'run', runId: '5', name: 'run 5', split: 'val', flip: true, people: 2, identity: { variant: 'B', stacks: 1, epochs: 3 } })
    expect(set.latest).toMatchObject({ people: 3, mean: report.at05.mean })
    expect(report.people).toBe(3)
    expect(reports.map((r) => r.stage)).toEqual(['loading the checkpoint', 'predicting', 'predicting', 'predicting', 'scoring'])
    expect(reports.filter((r) => r.stage === 'predicting').map((r) => r.done)).toEqual([0, 1, 2])
    // Person 2 has no annotated joint: it is not predicted, and scoring does not need it.
    const stored = predictionsFor(db, set.id, ids.slice(0, 2))
    const expected = await inProcess(checkpoint, people, true)
    expect(stored.coords).toEqual(expected.coords)
    expect(stored.confidence).toEqual(expected.confidence)
    const noFlip = await evaluateCheckpoint(db, worker, { checkpoint, split: 'val', name: 'no flip', flip: false })
    const storedNoFlip = predictionsFor(db, noFlip.set.id, ids.slice(0, 2))
    expect(storedNoFlip.coords).not.toEqual(stored.coords)
    expect(storedNoFlip.coords).toEqual((await inProcess(checkpoint, people, false)).coords)
  })

  it('stores nothing when cancelled, when a scored person cannot be cropped or the checkpoint is missing', async () => {
    const ids = await seededProject()
    const checkpoint = await tinyCheckpoint()
    const controller = new AbortController()
    controller.abort()
    const error = await evaluateCheckpoint(db, worker, { checkpoint, split: 'val', name: 'x', signal: controller.signal }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'cancelled' })
    const missing = await evaluateCheckpoint(db, worker, { checkpoint: join(dir, 'nowhere'), split: 'val', name: 'x' }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(WorkbenchError)
    expect(missing).toMatchObject({ code: 'not_found', message: `no checkpoint at ${join(dir, 'nowhere')} (config.json is missing)` })
    editPerson(db, ids[1], { op: 'setCenterScale', center: null }, { author: 'test' })
    const noCentre = await evaluateCheckpoint(db, worker, { checkpoint, split: 'val', name: 'x' }).catch((e: unknown) => e)
    expect(noCentre).toBeInstanceOf(WorkbenchError)
    expect((noCentre as Error).message).toContain(`split val: 1 people have no centre or scale to crop around (person ${ids[1]} in val-1.jpg first)`)
    expect(listPredictionSets(db)).toEqual([])
  })
})
