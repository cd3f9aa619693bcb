// A training run's checkpoint evaluated through the contract, on a real project made the way a user's is
// (the demo generator's images and MMPose JSON through the dataset importer): the evaluate task with its
// progress events, the run's evaluation, comparison, ranking and CSV, all by run id. The network runs in the
// project's inference worker; this process only makes the checkpoint (on tfjs's cpu backend).
import '@tensorflow/tfjs-backend-cpu'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Progress } from '../../contract'
import { datasetOf } from '../dataset/project-dataset'
import { labelMark } from '../dataset/revisions'
import { saveCheckpoint } from '../model/checkpoint'
import { createPyraNet } from '../model/pyranet'
import { resolveTrainConfig } from '../train/config'
import { insertRun, recordCheckpoint } from '../train/runs-store'
import { createTestProject, MICRO_RUN } from '../train/test-project'
import { Workbench } from '../workbench'

let root: string
let workbench: Workbench
let runId: string

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'wb-eval-run-'))
  const { dataDir, projectDir } = await createTestProject(root, { people: 24, valFraction: 0.25 })
  workbench = new Workbench({ host: 'cli', dataDir })
  workbench.workspace.settings.update({ backend: 'cpu' })
  await workbench.workspace.openProject(projectDir)
  // What a finished run leaves in the project: its row and a checkpoint folder.
  const { db } = datasetOf(workbench.workspace.requireProject())
  const config = resolveTrainConfig('demo', MICRO_RUN)
  runId = insertRun(db, { name: 'micro', config, backendRequested: 'cpu', labelMark: labelMark(db), trainPeople: 18, valPeople: 6, fromRun: null, fromCheckpoint: null, ownerPid: process.pid })
  const net = createPyraNet(config.model, { seed: 4 })
  const path = join(projectDir, 'runs', runId, 'epoch-0002')
  await saveCheckpoint(path, net, { meta: { epoch: 2 } })
  net.dispose()
  recordCheckpoint(db, projectDir, runId, { step: 20, epoch: 2, path, reason: 'epoch', pckh: 12.5 })
})
afterAll(async () => {
  await workbench?.dispose()
  rmSync(root, { recursive: true, force: true })
})

describe("a run's evaluation through the contract", () => {
  it('evaluates the best checkpoint as a task, then answers by run id', async () => {
    const progress: Progress[] = []
    const unsubscribe = workbench.events.subscribe((name, payload) => {
      if (name === 'progress') progress.push(payload as Progress)
    })
    const reply = await workbench.call('evaluateRun', { source: { kind: 'run', runId, checkpoint: 'best' } })
    unsubscribe()
    if (!reply.ok) throw new Error(reply.error.message)
    const { set, evaluation } = reply.result
    expect(set).toMatchObject({ kind: 'run', runId, name: 'micro · epoch 2', split: 'val', flip: true })
    expect(set.people).toBeGreaterThan(0)
    expect(evaluation.identity).toMatchObject({ variant: 'B', stacks: 1, epochs: 2, split: 'val' })
    expect(evaluation.report.curve).toHaveLength(51)
    expect(progress[0]).toMatchObject({ kind: 'evaluate', title: 'Evaluating micro · epoch 2 on val', state: 'running' })
    expect(progress.at(-1)).toMatchObject({ kind: 'evaluate', state: 'finished' })
    expect(progress.some((p) => p.stage === 'predicting')).toBe(true)

    const byRun = await workbench.call('getEvaluation', { source: { kind: 'run', runId } })
    expect(byRun.ok && byRun.result.report).toEqual(evaluation.report)

    const second = await workbench.call('evaluateRun', { source: { kind: 'run', runId, checkpoint: 'epoch-2' }, flip: false, name: 'no flip' })
    if (!second.ok) throw new Error(second.error.message)
    const comparison = await workbench.call('compareEvaluations', {
      sources: [{ kind: 'predictionSet', id: set.id }, { kind: 'predictionSet', id: second.result.set.id }]
    })
    if (!comparison.ok) throw new Error(comparison.error.message)
    expect(comparison.result.pairs[0]).toMatchObject({ baseline: 'micro · epoch 2', other: 'no flip' })
    expect(comparison.result.pairs[0].paired.people).toBeGreaterThan(0)

    const ranking = await workbench.call('rankEvaluationErrors', { source: { kind: 'run', runId }, limit: 3 })
    if (!ranking.ok) throw new Error(ranking.error.message)
    expect(ranking.result.items[0].personId).toBeTypeOf('number')
    expect(ranking.result.items[0].imageName).toMatch(/\.jpg$/)
    expect(ranking.result.items[0].worstError).toBeGreaterThanOrEqual(ranking.result.items.at(-1)!.worstError!)

    // A run's source is its latest set: here the one without the flip test.
    const csv = await workbench.call('exportEvaluationCsv', { sources: [{ kind: 'run', runId }] })
    if (!csv.ok) throw new Error(csv.error.message)
    expect(csv.result.summary.fileName).toBe('no-flip-pckh.csv')
    expect(csv.result.summary.csv.split('\n')[1].split(',').slice(12, 16)).toEqual(['B', '1', '2', 'val'])

    const missing = await workbench.call('evaluateRun', { source: { kind: 'run', runId, checkpoint: 'epoch-9' } })
    expect(!missing.ok && missing.error).toMatchObject({ code: 'not_found', message: 'run micro has no epoch-9 checkpoint yet' })
  })
})
