// The project's inference worker through the api, with real processes (forked, cpu engine) on a real
// project (demo generator + importer): main answers requests while the worker evaluates, a cancel stops the
// worker between batches, a killed worker fails the request in flight with the crash and is replaced, the
// editor's predictions are those computed in-process, and closing the project ends the worker.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventName, Params, Payload, Progress, RequestName, Result } from '../../contract'
import { inferenceOf } from '../api/predictions'
import { toPoseH5CenterScale } from '../dataset/conventions'
import { imageFile } from '../dataset/images-folder'
import { datasetOf } from '../dataset/project-dataset'
import { getImage } from '../dataset/queries'
import { labelMark } from '../dataset/revisions'
import { initEngine } from '../engine/engine'
import { finalStack } from '../eval/inference'
import { loadCheckpoint, saveCheckpoint } from '../model/checkpoint'
import { createPyraNet } from '../model/pyranet'
import { predictPeopleWithHeatmaps } from '../predictions/person-predictions'
import { MPII_MEAN, resolveTrainConfig } from '../train/config'
import { insertRun, recordCheckpoint } from '../train/runs-store'
import { createTestProject, MICRO_RUN, type TestProject } from '../train/test-project'
import { Workbench } from '../workbench'

const TIMEOUT = 60_000

let root: string
let fixture: TestProject
let workbench: Workbench
let checkpoint: string
const source = () => ({ kind: 'run' as const, runId, checkpoint: 'best' })
let runId: string

async function call<N extends RequestName>(method: N, params: Params<N>): Promise<Result<N>> {
  const reply = await workbench.call(method, params)
  if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`)
  return reply.result
}

/** Resolves with the first event from now on that passes `test`. */
function next<N extends EventName>(name: N, test: (payload: Payload<N>) => boolean): Promise<Payload<N>> {
  return new Promise((resolve) => {
    const unsubscribe = workbench.events.subscribe((eventName: EventName, payload: unknown) => {
      if (eventName !== name || !test(payload as Payload<N>)) return
      unsubscribe()
      resolve(payload as Payload<N>)
    })
  })
}

const predicting = (test: (p: Progress) => boolean = () => true) => next('progress', (p) => p.kind === 'evaluate' && p.stage === 'predicting' && test(p))

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'inference-worker-'))
  fixture = await createTestProject(root, { people: 32, valFraction: 0.25 })
  workbench = new Workbench({ host: 'cli', dataDir: fixture.dataDir })
  workbench.workspace.settings.update({ backend: 'cpu' })
  await workbench.workspace.openProject(fixture.projectDir)
  // the worker's engine, so that this process computes with the same kernels
  await initEngine('cpu')
  const { db } = datasetOf(workbench.workspace.requireProject())
  const config = resolveTrainConfig('demo', MICRO_RUN)
  runId = insertRun(db, { name: 'micro', config, backendRequested: 'cpu', labelMark: labelMark(db), trainPeople: 24, valPeople: 8, fromRun: null, fromCheckpoint: null, ownerPid: process.pid })
  const net = createPyraNet(config.model, { seed: 4 })
  checkpoint = join(fixture.projectDir, 'runs', runId, 'epoch-0001')
  await saveCheckpoint(checkpoint, net, { meta: { epoch: 1 } })
  net.dispose()
  recordCheckpoint(db, fixture.projectDir, runId, { step: 6, epoch: 1, path: checkpoint, reason: 'epoch', pckh: null })
  await call('status', {}) // probes the backends once, before anything is timed against it
}, TIMEOUT)

afterAll(async () => {
  await workbench?.dispose()
  rmSync(root, { recursive: true, force: true })
})

describe('the inference worker', () => {
  it('leaves main free: status and listImages answer while the worker is inside a batch', { timeout: TIMEOUT }, async () => {
    const order: string[] = []
    const started = predicting((p) => p.done === 0)
    // the whole split in one forward pass: in main, nothing else could run until it ended
    const evaluation = call('evaluateRun', { source: source(), batchSize: 64, name: 'one batch' }).then((r) => (order.push('evaluation'), r))
    await started
    const batchDone = predicting((p) => p.done > 0).then(() => order.push('batch done'))
    const others = [call('status', {}).then(() => order.push('status')), call('listImages', { limit: 10 }).then(() => order.push('listImages'))]
    const [result] = await Promise.all([evaluation, batchDone, ...others])
    expect(result.set.people).toBe(8)
    expect(order.slice(2)).toEqual(['batch done', 'evaluation'])
    expect(order.slice(0, 2).sort()).toEqual(['listImages', 'status'])
  })

  it('stops between batches when the task is cancelled, stores nothing and keeps the worker', { timeout: TIMEOUT }, async () => {
    const setsBefore = await call('listPredictionSets', {})
    const seen: Progress[] = []
    const unsubscribe = workbench.events.subscribe((name, payload) => {
      if (name === 'progress') seen.push(payload as Progress)
    })
    const firstBatch = predicting((p) => p.done >= 1)
    const evaluation = workbench.call('evaluateRun', { source: source(), batchSize: 1, name: 'cancelled' })
    const { taskId } = await firstBatch
    const pid = inferenceOf(workbench.context).pid
    expect(await call('cancelTask', { taskId })).toEqual({ cancelled: true })
    const reply = await evaluation
    unsubscribe()
    expect(reply).toMatchObject({ ok: false, error: { code: 'cancelled' } })
    const mine = seen.filter((p) => p.taskId === taskId)
    expect(mine.at(-1)).toMatchObject({ state: 'cancelled' })
    // the last batch is always reported: the worker stopped before it
    expect(mine.some((p) => p.stage === 'predicting' && p.done === p.total)).toBe(false)
    expect(await call('listPredictionSets', {})).toEqual(setsBefore)
    const [image] = (await call('listImages', { filter: { split: 'val' }, limit: 1 })).images
    expect((await call('predictImage', { imageId: image.id, source: source() })).people.length).toBeGreaterThan(0)
    expect(inferenceOf(workbench.context).pid).toBe(pid)
  })

  it('fails the request in flight with the crash when the worker is killed; the next request starts a new one', { timeout: TIMEOUT }, async () => {
    const running = predicting()
    const evaluation = workbench.call('evaluateRun', { source: source(), batchSize: 1, name: 'killed' })
    await running
    const pid = inferenceOf(workbench.context).pid!
    process.kill(pid, 'SIGKILL')
    const reply = await evaluation
    expect(reply).toMatchObject({
      ok: false,
      error: {
        code: 'internal',
        message: `Evaluating 8 people with ${checkpoint} failed: the inference worker (pid ${pid}) crashed: it was killed (SIGKILL); the next request starts a new one`
      }
    })
    const again = await call('evaluateRun', { source: source(), name: 'after the crash' })
    expect(again.set.people).toBe(8)
    expect(inferenceOf(workbench.context).pid).not.toBe(pid)
  })

  it("gives the editor the predictions and heatmaps computed in-process from the same checkpoint", { timeout: TIMEOUT }, async () => {
    const { db } = datasetOf(workbench.workspace.requireProject())
    const [image] = (await call('listImages', { filter: { split: 'val' }, limit: 1 })).images
    const result = await call('predictImage', { imageId: image.id, source: source() })
    const file = imageFile(db, image.id)!
    const people = getImage(db, image.id).people.map((p) => {
      const { center, scale } = toPoseH5CenterScale(p.center!, p.scale!)
      return { id: p.id, image: file, centre: [center.x, center.y] as [number, number], scale }
    })
    const { net } = await loadCheckpoint(checkpoint)
    try {
      const expected = await predictPeopleWithHeatmaps(finalStack(net), people, { inputRes: 64, mean: MPII_MEAN, flip: true })
      expect(result.people).toEqual(
        expected.map((p) => ({ personId: p.personId, joints: p.joints, heatmapSize: p.size, heatmaps: Buffer.from(p.heatmaps).toString('base64'), origin: p.origin, pixel: p.pixel }))
      )
    } finally {
      net.dispose()
    }
    const without = await call('predictImage', { imageId: image.id, source: source(), heatmaps: false })
    expect(without.people.map((p) => p.heatmaps)).toEqual(people.map(() => null))
  })

  it('ends with the project: a request in flight is cancelled and the process is gone', { timeout: TIMEOUT }, async () => {
    const running = predicting()
    const evaluation = workbench.call('evaluateRun', { source: source(), batchSize: 1, name: 'closed' })
    await running
    const pid = inferenceOf(workbench.context).pid!
    await workbench.workspace.closeProject()
    expect(await evaluation).toMatchObject({ ok: false, error: { code: 'cancelled' } })
    expect(isAlive(pid)).toBe(false)
  })
})
