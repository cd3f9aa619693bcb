// The evaluation requests through the real dispatcher (results validated against the contract).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { datasetOf } from '../dataset/project-dataset'
import { seedSmallProject } from '../eval/fixtures/seed-project'
import { insertPredictionSet } from '../eval/store'
import { loadPredictions } from '../eval/load/predictions'
import { Workbench } from '../workbench'

const fixture = (name: string) => resolve('main/eval/fixtures', name)
const mpii = (name: string) => resolve('../shared/data/mpii', name)
const small = (predictions: string, model?: string) => ({ kind: 'file' as const, predictions: fixture(predictions), groundTruth: fixture('small-gt.mat'), model })

let dir: string
let workbench: Workbench

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-eval-api-'))
  workbench = new Workbench({ host: 'cli', dataDir: dir })
})
afterAll(async () => {
  await workbench.dispose()
  rmSync(dir, { recursive: true, force: true })
})

describe('evaluation requests', () => {
  it('getEvaluation scores the published predictions to the published table', async () => {
    const reply = await workbench.call('getEvaluation', {
      source: { kind: 'file', predictions: mpii('bearpaw-hg_s2_b1.mat'), groundTruth: mpii('detections_our_format.mat') }
    })
    expect(reply.ok).toBe(true)
    if (!reply.ok) return
    expect(reply.result.model).toBe('bearpaw-hg_s2_b1')
    expect(reply.result.report.rule).toBe('le')
    expect(reply.result.report.at05.mean!.toFixed(2)).toBe('86.76')
    expect(reply.result.report.curve).toHaveLength(51)
  })

  it('compareEvaluations, rankEvaluationErrors and exportEvaluationCsv answer in the contract shape', async () => {
    const comparison = await workbench.call('compareEvaluations', { sources: [small('small-preds.mat', 'A'), small('small-preds.h5', 'B')] })
    expect(comparison.ok).toBe(true)
    if (comparison.ok) {
      expect(comparison.result.pairs[0].paired).toMatchObject({ meanDifference: 0, low: 0, high: 0, resamples: 2000, seed: 1, significant: false })
    }
    const ranking = await workbench.call('rankEvaluationErrors', { source: small('small-preds.mat'), limit: 1 })
    expect(ranking.ok && ranking.result.items.map((p) => [p.index, p.worstJoint])).toEqual([[0, 1]])
    const csv = await workbench.call('exportEvaluationCsv', { sources: [small('small-preds.mat', 'PyraNet, "s2"')] })
    expect(csv.ok).toBe(true)
    if (csv.ok) {
      expect(csv.result.summary.fileName).toBe('PyraNet-s2-pckh.csv')
      expect(csv.result.summary.csv.split('\n')[1].startsWith('"PyraNet, ""s2""",100.00,100.00,50.00,')).toBe(true)
      expect(csv.result.curves.csv.split('\n')).toHaveLength(1 + 51 + 1)
    }
  })

  it('answers bad input with one error naming the file', async () => {
    const reply = await workbench.call('getEvaluation', { source: small('bad-nan.mat') })
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_input' } })
    if (!reply.ok) expect(reply.error.message).toContain('bad-nan.mat (preds): person 1, joint 4 (lkne): y is NaN')
    const noBoxes = await workbench.call('getEvaluation', { source: { ...small('small-preds.mat'), groundTruth: fixture('small-gt-no-headboxes.mat') } })
    expect(!noBoxes.ok && noBoxes.error.message).toContain('small-gt-no-headboxes.mat: the ground truth has no head boxes')
  })

  it('refuses to compare sources scored on different people', async () => {
    const reply = await workbench.call('compareEvaluations', {
      sources: [small('small-preds.mat', 'A'), { kind: 'file', predictions: mpii('bearpaw-hg_s2_b1.mat'), groundTruth: mpii('detections_our_format.mat') }]
    })
    expect(!reply.ok && reply.error.message).toContain('compare on the same people')
  })
})

describe('prediction sets of the open project', () => {
  it('imports, lists, scores (now and at a label mark), compares, ranks, exports and deletes', async () => {
    expect(await workbench.call('listPredictionSets', {})).toMatchObject({ ok: false, error: { code: 'not_found', message: 'no project is open' } })
    expect((await workbench.call('createProject', { name: 'eval api' })).ok).toBe(true)
    const db = datasetOf(workbench.workspace.requireProject()).db
    const ids = await seedSmallProject(db)

    const imported = await workbench.call('importPredictions', { path: fixture('small-preds.mat'), name: 'reference' })
    if (!imported.ok) throw new Error(imported.error.message)
    expect(imported.result).toMatchObject({ name: 'reference', kind: 'import', split: 'val', people: 3 })
    // What an inference over the split stores: a run's set (here the same predictions, with confidences).
    const predictions = await loadPredictions(fixture('small-preds.h5'))
    const runSet = insertPredictionSet(
      db,
      { name: 'run 7 best', kind: 'run', runId: '7', origin: 'best', split: 'val', flip: true, identity: { variant: 'B', stacks: 2, epochs: 40 }, labelMark: 0 },
      ids,
      predictions
    )

    const byRun = await workbench.call('getEvaluation', { source: { kind: 'run', runId: '7' }, record: true })
    if (!byRun.ok) throw new Error(byRun.error.message)
    expect(byRun.result.identity).toEqual({ variant: 'B', stacks: 2, epochs: 40, split: 'val', labelRevision: 0 })
    expect(byRun.result.groundTruth).toBe('split val of the project')
    const sets = await workbench.call('listPredictionSets', { runId: '7' })
    expect(sets.ok && sets.result.map((s) => [s.id, s.latest?.mean])).toEqual([[runSet, byRun.result.report.at05.mean]])

    const comparison = await workbench.call('compareEvaluations', {
      sources: [
        { kind: 'predictionSet', id: imported.result.id },
        { kind: 'run', runId: '7' },
        { kind: 'file', predictions: fixture('small-preds.mat'), groundTruth: fixture('small-gt.mat') }
      ]
    })
    if (!comparison.ok) throw new Error(comparison.error.message)
    expect(comparison.result.pairs.map((p) => [p.other, p.paired.meanDifference])).toEqual([['run 7 best', 0], ['small-preds', 0]])

    const ranking = await workbench.call('rankEvaluationErrors', { source: { kind: 'run', runId: '7' }, limit: 1 })
    expect(ranking.ok && ranking.result.items[0]).toMatchObject({ personId: ids[0], imageName: 'val-0.jpg', worstJoint: 1 })

    const csv = await workbench.call('exportEvaluationCsv', { sources: [{ kind: 'run', runId: '7' }, { kind: 'predictionSet', id: imported.result.id }] })
    if (!csv.ok) throw new Error(csv.error.message)
    expect(csv.result.summary.fileName).toBe('comparison-pckh.csv')
    expect(csv.result.summary.csv.split('\n')[1].split(',').slice(12)).toEqual(['B', '2', '40', 'val', '0', '3', '<='])

    const missing = await workbench.call('getEvaluation', { source: { kind: 'run', runId: '8' } })
    expect(!missing.ok && missing.error).toMatchObject({ code: 'not_found', message: 'run 8 has no predictions on split val; evaluate it first' })
    expect((await workbench.call('evaluationHistory', { id: runSet })).ok).toBe(true)
    expect(await workbench.call('deletePredictionSet', { id: runSet })).toEqual({ ok: true, result: { deleted: true } })
    const left = await workbench.call('listPredictionSets', {})
    expect(left.ok && left.result.map((s) => s.name)).toEqual(['reference'])
  })
})
