// Prediction sets in a real project database: the hand-computed case of fixtures/make_eval_fixtures.py
// stored as the project's validation split, a predictions file imported against it, and what a label
// correction does to the score.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../dataset/db'
import { addPerson, editPerson } from '../dataset/edits'
import { datasetMigrations } from '../dataset/schema'
import { WorkbenchError } from '../errors'
import { loadGroundTruth } from './load/ground-truth'
import { loadPredictions } from './load/predictions'
import { evalMigrations } from './migrations'
import { seedSmallProject } from './fixtures/seed-project'
import { scorePredictions } from './pckh'
import { projectGroundTruth } from './project-ground-truth'
import { evaluateStoredSet, importPredictionFile, scoreStoredSet } from './project-sets'
import { deletePredictionSet, evaluationHistory, listPredictionSets } from './store'

const fixture = (name: string) => resolve('main/eval/fixtures', name)
let dir: string
let db: Db

const seedProject = () => seedSmallProject(db)

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eval-project-'))
  db = openDatabase(join(dir, 'project.sqlite'), {
    lists: [
      { area: 'dataset', migrations: datasetMigrations },
      { area: 'eval', migrations: evalMigrations }
    ]
  })
})
afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The label mark of a set's first recorded evaluation. */
function history0(setId: number): number {
  return evaluationHistory(db, setId)[0].labelMark
}

describe('prediction sets of a project split', () => {
  it('reads the split as the evaluation ground truth, in id order with ids and image names', async () => {
    const ids = await seedProject()
    const gt = projectGroundTruth(db, 'val')
    const file = await loadGroundTruth(fixture('small-gt.mat'))
    expect(gt.personIds).toEqual(ids)
    expect(gt.imageNames).toEqual(['val-0.jpg', 'val-1.jpg', 'val-2.jpg'])
    const imageIdOf = db.prepare('SELECT image_id FROM people WHERE id = ?').pluck()
    expect(gt.imageIds).toEqual(ids.map((id) => imageIdOf.get(id)))
    expect(gt.missing).toEqual(file.missing)
    expect(gt.headBoxes.subarray(0, 8)).toEqual(file.headBoxes.subarray(0, 8))
    for (let i = 0; i < file.missing.length; i++) {
      if (!file.missing[i]) expect([gt.joints[i * 2], gt.joints[i * 2 + 1]]).toEqual([file.joints[i * 2], file.joints[i * 2 + 1]])
    }
  })

  it('imports a predictions file as a set that scores exactly as the file does', async () => {
    const ids = await seedProject()
    const set = await importPredictionFile(db, { file: fixture('small-preds.h5'), split: 'val' })
    expect(set).toMatchObject({ name: 'small-preds', kind: 'import', split: 'val', people: 3, runId: null, latest: null })
    const scored = scoreStoredSet(db, set.id)
    expect(scored.identity).toEqual({ split: 'val', labelRevision: 0 })
    expect(scored.predictions.confidence![0]).toBeCloseTo(0.1, 12)
    const fromFiles = scorePredictions(await loadGroundTruth(fixture('small-gt.mat')), await loadPredictions(fixture('small-preds.mat')))
    const { report } = evaluateStoredSet(db, set.id)
    expect(report).toEqual(fromFiles)
    expect(listPredictionSets(db)[0].latest).toMatchObject({ labelMark: 0, people: 3, weightedMean: fromFiles.at05.weightedMean })
    expect(ids).toHaveLength(3)
  })

  it('scores against the current labels, and keeps the score of each label revision', async () => {
    const ids = await seedProject()
    const set = await importPredictionFile(db, { file: fixture('small-preds.mat'), split: 'val', name: 'hg' })
    const before = evaluateStoredSet(db, set.id).report
    // Person 0's head top was predicted 15 px off (a tie at 0.5): moving the label onto the prediction
    // leaves the PCKh@0.5 as it was but raises PCKh@0.1 by one of 27 instances.
    editPerson(db, ids[0], { op: 'moveJoint', joint: 9, x: 100 + 90 + 9, y: 200 + 45 + 12 }, { author: 'test' })
    const after = evaluateStoredSet(db, set.id).report
    expect(after.at05.weightedMean).toBeCloseTo(before.at05.weightedMean!, 12)
    expect(after.at01.weightedMean! - before.at01.weightedMean!).toBeCloseTo(100 / 27, 10)
    // The labels as they were when the set was first evaluated are still there to score against.
    const asBefore = projectGroundTruth(db, 'val', { asOf: history0(set.id) })
    expect(asBefore.source).toBe('split val of the project at label revision 0')
    expect(asBefore.joints[(9 * 2)]).toBe(190)
    expect(projectGroundTruth(db, 'val').joints[9 * 2]).toBe(199)
    const history = evaluationHistory(db, set.id)
    expect(history.map((h) => h.labelMark)).toEqual([0, history[1].labelMark])
    expect(history[1].labelMark).toBeGreaterThan(0)
  })

  it('refuses a file with another number of people, and a set missing people added later', async () => {
    await seedProject()
    const error = await importPredictionFile(db, { file: fixture('bad-missing-people.mat'), split: 'val' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(WorkbenchError)
    expect((error as Error).message).toContain('predictions for 2 people, but the ground truth (split val of the project) has 3')
    expect(listPredictionSets(db)).toEqual([])

    const set = await importPredictionFile(db, { file: fixture('small-preds.mat'), split: 'val' })
    const imageId = (db.prepare("SELECT id FROM images WHERE name = 'val-1.jpg'").get() as { id: number }).id
    // A person added with no annotated joint is not scored, so it needs no prediction; once it has a
    // joint, the set is missing a person.
    const added = addPerson(db, imageId, null, { author: 'test' }).person.id
    expect(scoreStoredSet(db, set.id).errors.count).toBe(4)
    editPerson(db, added, { op: 'setHeadBox', headBox: { x1: 0, y1: 0, x2: 10, y2: 10 } }, { author: 'test' })
    editPerson(db, added, { op: 'addJoint', joint: 3, x: 5, y: 5 }, { author: 'test' })
    expect(() => scoreStoredSet(db, set.id)).toThrow(`has no predictions for 1 of the 4 people of split val (person ${added} first`)
    deletePredictionSet(db, set.id)
    expect(listPredictionSets(db)).toEqual([])
  })

  it('names the people without head boxes', async () => {
    const ids = await seedProject()
    editPerson(db, ids[1], { op: 'setHeadBox', headBox: null }, { author: 'test' })
    expect(() => projectGroundTruth(db, 'val')).toThrow(`1 of 3 people have annotated joints but no head box (person ${ids[1]} in val-1.jpg first)`)
    expect(() => projectGroundTruth(db, 'test')).toThrow('split test of the project has no people')
  })
})
