// Prediction sets and their evaluations in the project database (tables in migrations.ts). Writes are
// one transaction each and wait for no import (assertWritable refuses them while one runs).
import { badInput, notFound } from '../errors'
import { statement, type Db } from '../dataset/db'
import { assertWritable } from '../dataset/write-lock'
import type { RunIdentity } from './csv'
import { JOINT_COUNT } from './joints'
import type { PckhReport } from './pckh'
import type { PredictionSet } from './types'

export type PredictionSetKind = 'run' | 'import'

export interface PredictionSetInfo {
  id: number
  name: string
  kind: PredictionSetKind
  runId: string | null
  /** The checkpoint, or the imported file. */
  origin: string
  split: string
  flip: boolean
  /** Variant, stacks, epochs; split and label revision are added per evaluation. */
  identity: RunIdentity
  /** The label revision when the predictions were made. */
  labelMark: number
  people: number
  createdAt: string
  /** The most recent recorded evaluation, for lists. */
  latest: RecordedEvaluationSummary | null
}

export interface RecordedEvaluationSummary {
  labelMark: number
  rule: 'le' | 'lt'
  people: number
  mean: number | null
  weightedMean: number | null
  auc: number | null
  at: string
}

export interface NewPredictionSet {
  name: string
  kind: PredictionSetKind
  runId?: string | null
  origin: string
  split: string
  flip?: boolean
  identity?: RunIdentity
  labelMark: number
}

interface SetRow {
  id: number
  name: string
  kind: PredictionSetKind
  run_id: string | null
  origin: string
  split: string
  flip: number
  identity: string
  label_mark: number
  people: number
  created_at: string
}

interface EvaluationRow {
  label_mark: number
  rule: 'le' | 'lt'
  people: number
  mean: number | null
  weighted_mean: number | null
  auc: number | null
  at: string
}

const VALUES_PER_PERSON = JOINT_COUNT * 3

/**
 * Stores a set: one row per person, in `personIds` order matching `predictions`. Replaces nothing; the
 * caller deletes an older set when it wants to.
 */
export function insertPredictionSet(db: Db, info: NewPredictionSet, personIds: readonly number[], predictions: PredictionSet): number {
  if (personIds.length !== predictions.count) {
    throw badInput(`${predictions.source}: ${predictions.count} predictions for ${personIds.length} people`, 'predictions')
  }
  assertWritable(db)
  return db.transaction(() => {
    const { lastInsertRowid } = statement(
      db,
      `INSERT INTO prediction_sets (name, kind, run_id, origin, split, flip, identity, label_mark, people, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ).run(
      info.name,
      info.kind,
      info.runId ?? null,
      info.origin,
      info.split,
      info.flip ? 1 : 0,
      JSON.stringify(info.identity ?? {}),
      info.labelMark,
      personIds.length,
      new Date().toISOString()
    )
    const setId = Number(lastInsertRowid)
    const insert = statement(db, 'INSERT INTO predictions (set_id, person_id, joints) VALUES (?, ?, ?)')
    const values = new Float64Array(VALUES_PER_PERSON)
    for (let n = 0; n < personIds.length; n++) {
      for (let j = 0; j < JOINT_COUNT; j++) {
        const i = n * JOINT_COUNT + j
        values[j * 3] = predictions.coords[i * 2]
        values[j * 3 + 1] = predictions.coords[i * 2 + 1]
        values[j * 3 + 2] = predictions.confidence ? predictions.confidence[i] : NaN
      }
      insert.run(setId, personIds[n], encode(values))
    }
    return setId
  })()
}

export function listPredictionSets(db: Db, filter: { runId?: string; split?: string } = {}): PredictionSetInfo[] {
  const rows = statement(
    db,
    'SELECT * FROM prediction_sets WHERE (@runId IS NULL OR run_id = @runId) AND (@split IS NULL OR split = @split) ORDER BY id'
  ).all({ runId: filter.runId ?? null, split: filter.split ?? null }) as SetRow[]
  return rows.map((row) => toInfo(db, row))
}

export function getPredictionSet(db: Db, setId: number): PredictionSetInfo {
  const row = statement(db, 'SELECT * FROM prediction_sets WHERE id = ?').get(setId) as SetRow | undefined
  if (!row) throw notFound(`no prediction set ${setId} in this project`, 'id')
  return toInfo(db, row)
}

export function deletePredictionSet(db: Db, setId: number): void {
  getPredictionSet(db, setId)
  assertWritable(db)
  statement(db, 'DELETE FROM prediction_sets WHERE id = ?').run(setId)
}

/**
 * The set's predictions for `personIds`, in that order. A person without a prediction (added to the
 * split after the set was made) is an error naming how many and the first one, unless `unscored` says
 * nothing of that person is scored (no annotated joint): its joints are then zeros no score reads.
 */
export function predictionsFor(db: Db, setId: number, personIds: readonly number[], unscored: ReadonlySet<number> = new Set()): PredictionSet {
  const info = getPredictionSet(db, setId)
  const source = `prediction set ${setId} (${info.name})`
  const rows = statement(db, 'SELECT person_id, joints FROM predictions WHERE set_id = ?').all(setId) as { person_id: number; joints: Buffer }[]
  const byPerson = new Map(rows.map((r) => [r.person_id, r.joints]))
  const missing = personIds.filter((id) => !byPerson.has(id) && !unscored.has(id))
  if (missing.length) {
    throw badInput(
      `${source} has no predictions for ${missing.length} of the ${personIds.length} people of split ${info.split} ` +
        `(person ${missing[0]} first; people added since it was made): evaluate it again`,
      'source'
    )
  }
  const count = personIds.length
  const coords = new Float64Array(count * JOINT_COUNT * 2)
  const confidence = new Float64Array(count * JOINT_COUNT)
  let hasConfidence = count > 0
  const unpredicted = new Float64Array(VALUES_PER_PERSON).fill(0)
  personIds.forEach((id, n) => {
    const blob = byPerson.get(id)
    const values = blob ? decode(blob) : unpredicted
    for (let j = 0; j < JOINT_COUNT; j++) {
      coords[(n * JOINT_COUNT + j) * 2] = values[j * 3]
      coords[(n * JOINT_COUNT + j) * 2 + 1] = values[j * 3 + 1]
      confidence[n * JOINT_COUNT + j] = values[j * 3 + 2]
      if (Number.isNaN(values[j * 3 + 2])) hasConfidence = false
    }
  })
  return { source, count, coords, ...(hasConfidence ? { confidence } : {}) }
}

export function recordEvaluation(db: Db, setId: number, labelMark: number, report: PckhReport): void {
  assertWritable(db)
  statement(
    db,
    `INSERT INTO evaluations (set_id, label_mark, rule, people, mean, weighted_mean, auc, report, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(
    setId,
    labelMark,
    report.rule,
    report.people,
    report.at05.mean,
    report.at05.weightedMean,
    report.auc.weightedMean,
    JSON.stringify(report),
    new Date().toISOString()
  )
}

/** Every recorded evaluation of a set, oldest first (how its score moved as labels were corrected). */
export function evaluationHistory(db: Db, setId: number): RecordedEvaluationSummary[] {
  getPredictionSet(db, setId)
  const rows = statement(
    db,
    'SELECT label_mark, rule, people, mean, weighted_mean, auc, at FROM evaluations WHERE set_id = ? ORDER BY id'
  ).all(setId) as EvaluationRow[]
  return rows.map(toSummary)
}

function toInfo(db: Db, row: SetRow): PredictionSetInfo {
  const latest = statement(
    db,
    'SELECT label_mark, rule, people, mean, weighted_mean, auc, at FROM evaluations WHERE set_id = ? ORDER BY id DESC LIMIT 1'
  ).get(row.id) as EvaluationRow | undefined
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    runId: row.run_id,
    origin: row.origin,
    split: row.split,
    flip: row.flip !== 0,
    identity: JSON.parse(row.identity) as RunIdentity,
    labelMark: row.label_mark,
    people: row.people,
    createdAt: row.created_at,
    latest: latest ? toSummary(latest) : null
  }
}

function toSummary(row: EvaluationRow): RecordedEvaluationSummary {
  return {
    labelMark: row.label_mark,
    rule: row.rule,
    people: row.people,
    mean: row.mean,
    weightedMean: row.weighted_mean,
    auc: row.auc,
    at: row.at
  }
}

function encode(values: Float64Array): Buffer {
  const buffer = Buffer.alloc(values.length * 8)
  for (let i = 0; i < values.length; i++) buffer.writeDoubleLE(values[i], i * 8)
  return buffer
}

function decode(blob: Buffer): Float64Array {
  if (blob.length !== VALUES_PER_PERSON * 8) throw new Error(`a stored prediction holds ${blob.length} bytes, expected ${VALUES_PER_PERSON * 8}`)
  const values = new Float64Array(VALUES_PER_PERSON)
  for (let i = 0; i < values.length; i++) values[i] = blob.readDoubleLE(i * 8)
  return values
}
