// Training end to end, through the api layer, with real trainer processes (forked, wasm engine), real
// loader threads and a real SQLite project made by the demo generator and the dataset importer.
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventName, Params, Payload, RequestName, Result, RunSummary } from '../../contract'
import { editPerson } from '../dataset/edits'
import { datasetOf } from '../dataset/project-dataset'
import { annotatedPeople } from '../dataset/queries'
import { labelMark } from '../dataset/revisions'
import { CHECKPOINT_FILES, loadCheckpoint } from '../model'
import { decodeSafetensors } from '../model/safetensors'
import { Workbench } from '../workbench'
import type { DataSnapshot } from './snapshot'
import { createTestProject, MICRO_RUN, type TestProject } from './test-project'

const TIMEOUT = 180_000

let root: string
let fixture: TestProject
let workbench: Workbench
const seen: { name: EventName; payload: unknown }[] = []

async function call<N extends RequestName>(method: N, params: Params<N>): Promise<Result<N>> {
  const reply = await workbench.call(method, params)
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { api: reply.error })
  return reply.result
}

function events<N extends EventName>(name: N, runId: string): Payload<N>[] {
  return seen
    .filter((e) => e.name === name && ((e.payload as { runId?: string; id?: string }).runId ?? (e.payload as { id?: string }).id) === runId)
    .map((e) => e.payload as Payload<N>)
}

/** Resolves with the first event (from now on) that passes `test`. */
function next<N extends EventName>(name: N, test: (payload: Payload<N>) => boolean, timeoutMs = 120_000): Promise<Payload<N>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe()
      reject(new Error(`no ${name} event in ${timeoutMs} ms`))
    }, timeoutMs)
    const unsubscribe = workbench.events.subscribe((eventName: EventName, payload: unknown) => {
      if (eventName !== name || !test(payload as Payload<N>)) return
      clearTimeout(timer)
      unsubscribe()
      resolve(payload as Payload<N>)
    })
  })
}

const ended = (runId: string) => next('runStatus', (r) => r.id === runId && ['completed', 'failed', 'stopped'].includes(r.status))

function db() {
  return datasetOf(workbench.workspace.requireProject()).db
}

function snapshotOf(runId: string): DataSnapshot {
  return JSON.parse(readFileSync(join(fixture.projectDir, 'runs', runId, 'snapshot.json'), 'utf8')) as DataSnapshot
}

function optimizerStep(checkpointDir: string): number {
  const file = decodeSafetensors(readFileSync(join(checkpointDir, CHECKPOINT_FILES.optimizer)))
  return Number(file.metadata.step)
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'train-test-'))
  fixture = await createTestProject(root)
  workbench = new Workbench({ host: 'cli', dataDir: fixture.dataDir })
  await workbench.workspace.openProject(fixture.projectDir)
  workbench.events.subscribe((name, payload) => seen.push({ name, payload }))
  await tf.setBackend('cpu')
}, TIMEOUT)

afterAll(async () => {
  await workbench?.dispose()
  if (root) rmSync(root, { recursive: true, force: true })
}, TIMEOUT)

describe('a training run', () => {
  it(
    'lowers the loss, scores PCKh, records its backend and label mark, and fine-tunes on the current labels',
    async () => {
      const mark = labelMark(db())
      const started = await call('startRun', { backend: 'wasm', overrides: { ...MICRO_RUN, epochs: 3, stepsPerEpoch: 4 } })
      expect(started.labelMark).toBe(mark)
      const done = await ended(started.id)
      expect(done.status, done.error ?? '').toBe('completed')

      const run = await call('getRun', { runId: started.id })
      expect(run.backend).toBe('wasm')
      expect(run.device).toMatch(/WebAssembly/)
      expect(run.step).toBe(12)
      expect(run.epochList.map((e) => e.epoch)).toEqual([1, 2, 3])
      // three epochs of RMSprop from scratch: the heatmap loss falls well below where it started
      const [first, , last] = run.epochList
      expect(last.trainLoss!).toBeLessThan(first.trainLoss! * 0.8)
      for (const e of run.epochList) {
        expect(e.valPeople).toBe(8)
        expect(e.pckh).toBeGreaterThanOrEqual(0)
        expect(e.pckh).toBeLessThanOrEqual(100)
      }
      expect(run.checkpoints.length).toBeGreaterThan(0)
      for (const c of run.checkpoints) expect(existsSync(join(c.path, CHECKPOINT_FILES.config))).toBe(true)

      const preview = events('trainHeatmaps', started.id).at(-1)!
      expect(preview.size).toBe(16)
      expect(Buffer.from(preview.heatmaps, 'base64').length).toBe(16 * 16 * 16)
      expect(Buffer.from(preview.crop, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]))
      expect(events('trainStep', started.id).length).toBeGreaterThan(0)
      expect(events('runStatus', started.id).map((r) => r.status)).toEqual(expect.arrayContaining(['queued', 'running', 'completed']))

      // an edit after the run: the run still claims its own labels and counts the edit as "since"
      const person = annotatedPeople(db(), { split: 'train' })[0]
      const joint = person.annotation.joints.findIndex((j) => j.state !== 'missing')
      const moved = { x: person.annotation.joints[joint].x! + 7, y: person.annotation.joints[joint].y! - 3 }
      editPerson(db(), person.personId, { op: 'moveJoint', joint, ...moved }, { author: 'test' })
      const listed = (await call('listRuns', {})).runs.find((r) => r.id === started.id)!
      expect(listed.editsSince).toBe(1)
      expect(listed.labelMark).toBe(mark)

      const refused = await workbench.call('startRun', { fromRun: started.id, overrides: { model: { nFeats: 32 } } })
      expect(refused.ok).toBe(false)
      if (!refused.ok) expect(refused.error.field).toBe('overrides.model')

      const tuned = await call('startRun', { fromRun: started.id, backend: 'wasm', overrides: { epochs: 1, stepsPerEpoch: 2 } })
      expect(tuned.fromRun).toBe(started.id)
      expect(tuned.labelMark).toBe(labelMark(db()))
      expect(tuned.labelMark).toBeGreaterThan(mark)
      const tunedDone = await ended(tuned.id)
      expect(tunedDone.status, tunedDone.error ?? '').toBe('completed')
      const tunedDetail = await call('getRun', { runId: tuned.id })
      expect(run.checkpoints.map((c) => c.path)).toContain(tunedDetail.fromCheckpoint)

      const jointOf = (snapshot: DataSnapshot) => {
        const p = snapshot.train.find((q) => q.id === person.personId)!
        return [p.joints[joint * 2], p.joints[joint * 2 + 1]]
      }
      expect(jointOf(snapshotOf(tuned.id))).toEqual([moved.x, moved.y])
      expect(jointOf(snapshotOf(started.id))).toEqual([person.annotation.joints[joint].x, person.annotation.joints[joint].y])
    },
    TIMEOUT
  )

  it(
    'pauses and resumes, stops and resumes, and always continues from the same step with its optimizer state',
    async () => {
      // far more steps than the test waits for, so the run never completes under the test's feet
      const run = await call('startRun', { backend: 'wasm', overrides: { ...MICRO_RUN, epochs: 10, stepsPerEpoch: 10, valLimit: 4 } })
      await next('trainStep', (s) => s.runId === run.id && s.step >= 2)
      const paused = await call('pauseRun', { runId: run.id })
      expect(paused.status).toBe('paused')
      const pausedAt = paused.step
      await new Promise((resolve) => setTimeout(resolve, 1500))
      expect(Math.max(...events('trainStep', run.id).map((s) => s.step))).toBe(pausedAt)

      const afterPause = next('trainStep', (s) => s.runId === run.id)
      expect((await call('resumeRun', { runId: run.id })).status).toBe('running')
      expect((await afterPause).step).toBe(pausedAt + 1)

      await next('trainStep', (s) => s.runId === run.id && s.step >= pausedAt + 2)
      const stopped = await call('stopRun', { runId: run.id })
      expect(stopped.status).toBe('stopped')
      const stopCheckpoint = (await call('getRun', { runId: run.id })).checkpoints.find((c) => c.step === stopped.step)!
      // a stop that lands on an epoch's end keeps that epoch's checkpoint rather than writing another
      expect(['stop', 'epoch']).toContain(stopCheckpoint.reason)
      expect(optimizerStep(stopCheckpoint.path)).toBe(stopped.step)

      const afterStop = next('trainStep', (s) => s.runId === run.id)
      await call('resumeRun', { runId: run.id })
      expect((await afterStop).step).toBe(stopped.step + 1)
      await next('trainStep', (s) => s.runId === run.id && s.step >= stopped.step + 3)
      const again = await call('stopRun', { runId: run.id })
      expect(again.status).toBe('stopped')
      expect(again.step).toBeGreaterThanOrEqual(stopped.step + 3)
      const detail = await call('getRun', { runId: run.id })
      // had the optimizer restarted on resume, it would count only the steps since the first stop
      expect(optimizerStep(detail.checkpoints.find((c) => c.step === again.step)!.path)).toBe(again.step)
      expect(detail.step).toBe(again.step)
    },
    TIMEOUT
  )

  it(
    'fails when its trainer is killed, and its last checkpoint loads and resumes',
    async () => {
      const run = await call('startRun', { backend: 'wasm', overrides: { ...MICRO_RUN, epochs: 10, stepsPerEpoch: 3, valLimit: 4 } })
      await next('trainCheckpoint', (c) => c.runId === run.id)
      const { trainerPid } = await call('getRun', { runId: run.id })
      const failed = ended(run.id)
      process.kill(trainerPid!, 'SIGKILL')
      const status: RunSummary = await failed
      expect(status.status).toBe('failed')
      expect(status.error).toMatch(/killed \(SIGKILL\)/)

      const latest = (await call('getRun', { runId: run.id })).checkpoints.at(-1)!
      const loaded = await loadCheckpoint(latest.path)
      try {
        expect(loaded.net.parameterCount).toBeGreaterThan(0)
        expect(loaded.optimizer?.step).toBe(latest.step)
      } finally {
        loaded.net.dispose()
        loaded.optimizer?.dispose()
      }

      const resumedStep = next('trainStep', (s) => s.runId === run.id)
      await call('resumeRun', { runId: run.id })
      expect((await resumedStep).step).toBe(latest.step + 1)
      const stopped = await call('stopRun', { runId: run.id })
      expect(stopped.status).toBe('stopped')
      expect(stopped.error).toBeNull()
    },
    TIMEOUT
  )

  it('refuses bad requests with the field at fault and changes nothing', async () => {
    const before = (await call('listRuns', {})).runs.length
    const badBatch = await workbench.call('startRun', { overrides: { batchSize: 0 } })
    expect(badBatch.ok).toBe(false)
    if (!badBatch.ok) expect(badBatch.error.field).toBe('overrides.batchSize')
    const badRes = await workbench.call('startRun', { overrides: { model: { inputRes: 100 } } })
    expect(badRes.ok).toBe(false)
    if (!badRes.ok) expect(badRes.error.message).toMatch(/inputRes must be a multiple of 64/)
    const tooBig = await workbench.call('startRun', { overrides: { batchSize: 10_000 } })
    expect(tooBig.ok).toBe(false)
    if (!tooBig.ok) expect(tooBig.error.message).toMatch(/usable training people, fewer than one batch/)
    const missing = await workbench.call('resumeRun', { runId: 'run-999' })
    expect(missing.ok).toBe(false)
    if (!missing.ok) expect(missing.error.code).toBe('not_found')
    expect((await call('listRuns', {})).runs.length).toBe(before)
  })
})
