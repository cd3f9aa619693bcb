// Prediction sets of the open project: scoring a stored set against its split's current labels, and
// importing a predictions file as a set (to compare a published model with the project's own runs).
import { basename, extname, resolve } from 'node:path'
import type { Db } from '../dataset/db'
import { notFound } from '../errors'
import { labelMark } from '../dataset/revisions'
import { JOINT_COUNT } from './joints'
import { loadPredictions } from './load/predictions'
import { normalisedErrors, pckhReport, type PckhReport, type ThresholdRule } from './pckh'
import { projectGroundTruth, splitPersonIds, type ProjectGroundTruth } from './project-ground-truth'
import type { ScoredSource } from './sources'
import { getPredictionSet, insertPredictionSet, listPredictionSets, predictionsFor, recordEvaluation, type PredictionSetInfo } from './store'
import { validatePredictions } from './types'

/** Reads each split's ground truth once per request. */
export class ProjectGroundTruthCache {
  private readonly splits = new Map<string, ProjectGroundTruth>()

  constructor(private readonly db: Db) {}

  get(split: string, asOf?: number): ProjectGroundTruth {
    const key = `${split}@${asOf ?? 'now'}`
    let gt = this.splits.get(key)
    if (!gt) {
      gt = projectGroundTruth(this.db, split, { asOf })
      this.splits.set(key, gt)
    }
    return gt
  }
}

export interface ScoredStoredSet extends ScoredSource {
  setId: number
  groundTruth: ProjectGroundTruth
}

export interface ScoreStoredOptions {
  /** Labels as they were at this label mark (default: now). */
  asOf?: number
  cache?: ProjectGroundTruthCache
}

/** The latest prediction set of a run on a split. */
export function latestSetOfRun(db: Db, runId: string, split: string): PredictionSetInfo {
  const sets = listPredictionSets(db, { runId, split })
  if (!sets.length) throw notFound(`run ${runId} has no predictions on split ${split}; evaluate it first`, 'runId')
  return sets[sets.length - 1]
}

export function scoreStoredSet(db: Db, setId: number, options: ScoreStoredOptions = {}): ScoredStoredSet {
  const set = getPredictionSet(db, setId)
  const groundTruth = (options.cache ?? new ProjectGroundTruthCache(db)).get(set.split, options.asOf)
  const predictions = predictionsFor(db, setId, groundTruth.personIds, unannotatedPeople(groundTruth))
  return {
    setId,
    model: set.name,
    identity: { ...set.identity, split: set.split, labelRevision: groundTruth.labelMark },
    groundTruth,
    predictions,
    errors: normalisedErrors(groundTruth, predictions)
  }
}

function unannotatedPeople(gt: ProjectGroundTruth): Set<number> {
  const ids = new Set<number>()
  gt.personIds.forEach((id, n) => {
    if (!gt.missing.subarray(n * JOINT_COUNT, (n + 1) * JOINT_COUNT).includes(0)) ids.add(id)
  })
  return ids
}

/** Scores a stored set on its split's labels and records the result in its history. */
export function evaluateStoredSet(
  db: Db,
  setId: number,
  rule: ThresholdRule = 'le',
  options: ScoreStoredOptions = {}
): { scored: ScoredStoredSet; report: PckhReport } {
  const scored = scoreStoredSet(db, setId, options)
  const report = pckhReport(scored.errors, { rule })
  recordEvaluation(db, setId, scored.groundTruth.labelMark, report)
  return { scored, report }
}

export interface ImportPredictionsOptions {
  file: string
  split: string
  name?: string
  /** Added to every coordinate (1 for 0-based predictions). */
  offset?: number
}

/**
 * Reads a predictions file whose people are the split's, in the split's order (id order: the order the
 * split was imported in, Tompson's for MPII's validation people), and stores it as a set.
 */
export async function importPredictionFile(db: Db, options: ImportPredictionsOptions): Promise<PredictionSetInfo> {
  const file = resolve(options.file)
  const personIds = splitPersonIds(db, options.split)
  const predictions = await loadPredictions(file, { expectedCount: personIds.length, offset: options.offset })
  validatePredictions({ source: `split ${options.split} of the project`, count: personIds.length }, predictions)
  const setId = insertPredictionSet(
    db,
    {
      name: options.name ?? basename(file, extname(file)),
      kind: 'import',
      origin: file,
      split: options.split,
      labelMark: labelMark(db)
    },
    personIds,
    predictions
  )
  return getPredictionSet(db, setId)
}
