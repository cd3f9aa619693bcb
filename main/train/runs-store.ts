// Training runs in the project database: rows for runs, their epochs and their checkpoints. Only main
// writes them (the trainer process never opens the database).
import { isAbsolute, join, relative } from 'node:path'
import { notFound } from '../errors'
import { statement, type Db } from '../dataset/db'
import { changesSince } from '../dataset/revisions'
import type { TrainConfig } from './config'
import type { BackendPreference } from './protocol'

export type RunStatus = 'queued' | 'running' | 'paused' | 'stopped' | 'completed' | 'failed'
export const RUN_STATUSES: readonly RunStatus[] = ['queued', 'running', 'paused', 'stopped', 'completed', 'failed']
/** Statuses in which a trainer process is (or should be) working on the run. */
export const ACTIVE_STATUSES: readonly RunStatus[] = ['running', 'paused']

export interface RunSummary {
  id: string
  name: string
  preset: string
  status: RunStatus
  error: string | null
  backendRequested: BackendPreference
  /** What the trainer actually got, once it started ("wasm", "cpu", …) and on what. */
  backend: string | null
  device: string | null
  /** The label mark (max revision id) the run's data snapshot was read at. */
  labelMark: number
  /** Revisions recorded since that mark (edits, imports, undos…) and the people they touched. */
  editsSince: number
  peopleChangedSince: number
  trainPeople: number
  valPeople: number
  fromRun: string | null
  step: number
  totalSteps: number | null
  stepsPerEpoch: number | null
  epochs: number
  epochsDone: number
  lastPckh: number | null
  bestPckh: number | null
  model: { variant: string; nStack: number; nFeats: number; inputRes: number }
  batchSize: number
  trainSeconds: number
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  updatedAt: string
}

export interface EpochRecord {
  epoch: number
  step: number
  trainLoss: number | null
  valLoss: number | null
  pckh: number | null
  pckhWeighted: number | null
  valPeople: number
  seconds: number
  at: string
}

export interface CheckpointRecord {
  step: number
  epoch: number
  /** Absolute folder of the checkpoint (config.json, model.safetensors, optimizer.safetensors). */
  path: string
  reason: 'epoch' | 'stop' | 'final'
  pckh: number | null
  at: string
}

export interface RunDetail extends RunSummary {
  config: TrainConfig
  fromCheckpoint: string | null
  ownerPid: number | null
  trainerPid: number | null
  epochList: EpochRecord[]
  checkpoints: CheckpointRecord[]
}

interface RunRow {
  id: string
  name: string
  preset: string
  config: string
  status: RunStatus
  error: string | null
  backend_requested: BackendPreference
  backend: string | null
  device: string | null
  label_mark: number
  train_people: number
  val_people: number
  from_run: string | null
  from_checkpoint: string | null
  step: number
  total_steps: number | null
  steps_per_epoch: number | null
  train_seconds: number
  owner_pid: number | null
  trainer_pid: number | null
  created_at: string
  started_at: string | null
  updated_at: string
  finished_at: string | null
  epochs_done: number
  last_pckh: number | null
  best_pckh: number | null
}

const RUN_SELECT = `SELECT r.*,
    (SELECT count(*) FROM run_epochs e WHERE e.run_id = r.id) AS epochs_done,
    (SELECT e.pckh FROM run_epochs e WHERE e.run_id = r.id ORDER BY e.epoch DESC LIMIT 1) AS last_pckh,
    (SELECT max(e.pckh) FROM run_epochs e WHERE e.run_id = r.id) AS best_pckh
  FROM runs r`

export interface NewRun {
  name: string
  config: TrainConfig
  backendRequested: BackendPreference
  labelMark: number
  trainPeople: number
  valPeople: number
  fromRun: string | null
  fromCheckpoint: string | null
  ownerPid: number
}

/** Inserts a queued run and returns its id ("run-<n>", n never reused). */
export function insertRun(db: Db, run: NewRun): string {
  const now = new Date().toISOString()
  return db.transaction(() => {
    const placeholder = `new-${process.pid}-${Date.now()}-${Math.random()}`
    const { lastInsertRowid } = statement(
      db,
      `INSERT INTO runs (id, name, preset, config, status, backend_requested, label_mark, train_people, val_people,
         from_run, from_checkpoint, owner_pid, created_at, updated_at)
       VALUES (?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    ).run(
      placeholder,
      run.name,
      run.config.preset,
      JSON.stringify(run.config),
      run.backendRequested,
      run.labelMark,
      run.trainPeople,
      run.valPeople,
      run.fromRun,
      run.fromCheckpoint,
      run.ownerPid,
      now,
      now
    )
    const id = `run-${lastInsertRowid}`
    statement(db, 'UPDATE runs SET id = ? WHERE seq = ?').run(id, lastInsertRowid)
    return id
  })()
}

export type RunPatch = Partial<{
  status: RunStatus
  error: string | null
  backend: string | null
  device: string | null
  step: number
  totalSteps: number
  stepsPerEpoch: number
  trainSeconds: number
  ownerPid: number | null
  trainerPid: number | null
  startedAt: string
  finishedAt: string | null
}>

const PATCH_COLUMNS: Record<keyof RunPatch, string> = {
  status: 'status',
  error: 'error',
  backend: 'backend',
  device: 'device',
  step: 'step',
  totalSteps: 'total_steps',
  stepsPerEpoch: 'steps_per_epoch',
  trainSeconds: 'train_seconds',
  ownerPid: 'owner_pid',
  trainerPid: 'trainer_pid',
  startedAt: 'started_at',
  finishedAt: 'finished_at'
}

export function updateRun(db: Db, runId: string, patch: RunPatch): void {
  const keys = (Object.keys(patch) as (keyof RunPatch)[]).filter((k) => patch[k] !== undefined)
  const sets = keys.map((k) => `${PATCH_COLUMNS[k]} = ?`)
  statement(db, `UPDATE runs SET ${[...sets, 'updated_at = ?'].join(', ')} WHERE id = ?`).run(...keys.map((k) => patch[k]), new Date().toISOString(), runId)
}

function runRow(db: Db, runId: string): RunRow | undefined {
  return statement(db, `${RUN_SELECT} WHERE r.id = ?`).get(runId) as RunRow | undefined
}

function toSummary(db: Db, row: RunRow): RunSummary {
  const config = JSON.parse(row.config) as TrainConfig
  const since = changesSince(db, row.label_mark)
  return {
    id: row.id,
    name: row.name,
    preset: row.preset,
    status: row.status,
    error: row.error,
    backendRequested: row.backend_requested,
    backend: row.backend,
    device: row.device,
    labelMark: row.label_mark,
    editsSince: since.revisions,
    peopleChangedSince: since.people,
    trainPeople: row.train_people,
    valPeople: row.val_people,
    fromRun: row.from_run,
    step: row.step,
    totalSteps: row.total_steps,
    stepsPerEpoch: row.steps_per_epoch,
    epochs: config.epochs,
    epochsDone: row.epochs_done,
    lastPckh: row.last_pckh,
    bestPckh: row.best_pckh,
    model: { variant: config.model.variant, nStack: config.model.nStack, nFeats: config.model.nFeats, inputRes: config.model.inputRes },
    batchSize: config.batchSize,
    trainSeconds: row.train_seconds,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at
  }
}

export function findRun(db: Db, runId: string): RunSummary | null {
  const row = runRow(db, runId)
  return row ? toSummary(db, row) : null
}

export function requireRun(db: Db, runId: string): RunSummary {
  const run = findRun(db, runId)
  if (!run) throw notFound(`no run ${JSON.stringify(runId)} in this project`, 'runId')
  return run
}

export function listRuns(db: Db, filter: { status?: RunStatus[] } = {}): RunSummary[] {
  const rows = statement(db, `${RUN_SELECT} ORDER BY r.seq DESC`).all() as RunRow[]
  return rows.filter((r) => !filter.status || filter.status.includes(r.status)).map((row) => toSummary(db, row))
}

export function runDetail(db: Db, projectDir: string, runId: string): RunDetail {
  const row = runRow(db, runId)
  if (!row) throw notFound(`no run ${JSON.stringify(runId)} in this project`, 'runId')
  return {
    ...toSummary(db, row),
    config: JSON.parse(row.config) as TrainConfig,
    fromCheckpoint: row.from_checkpoint === null ? null : absolute(projectDir, row.from_checkpoint),
    ownerPid: row.owner_pid,
    trainerPid: row.trainer_pid,
    epochList: runEpochs(db, runId),
    checkpoints: runCheckpoints(db, projectDir, runId)
  }
}

export function runEpochs(db: Db, runId: string): EpochRecord[] {
  return (statement(db, 'SELECT * FROM run_epochs WHERE run_id = ? ORDER BY epoch').all(runId) as Record<string, number | string | null>[]).map((r) => ({
    epoch: r.epoch as number,
    step: r.step as number,
    trainLoss: r.train_loss as number | null,
    valLoss: r.val_loss as number | null,
    pckh: r.pckh as number | null,
    pckhWeighted: r.pckh_weighted as number | null,
    valPeople: r.val_people as number,
    seconds: r.seconds as number,
    at: r.at as string
  }))
}

export function recordEpoch(db: Db, runId: string, epoch: Omit<EpochRecord, 'at'>): EpochRecord {
  const record = { ...epoch, at: new Date().toISOString() }
  statement(
    db,
    `INSERT OR REPLACE INTO run_epochs (run_id, epoch, step, train_loss, val_loss, pckh, pckh_weighted, val_people, seconds, at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(runId, record.epoch, record.step, record.trainLoss, record.valLoss, record.pckh, record.pckhWeighted, record.valPeople, record.seconds, record.at)
  return record
}

export function runCheckpoints(db: Db, projectDir: string, runId: string): CheckpointRecord[] {
  return (statement(db, 'SELECT * FROM run_checkpoints WHERE run_id = ? ORDER BY step').all(runId) as Record<string, number | string | null>[]).map((r) => ({
    step: r.step as number,
    epoch: r.epoch as number,
    path: absolute(projectDir, r.path as string),
    reason: r.reason as CheckpointRecord['reason'],
    pckh: r.pckh as number | null,
    at: r.at as string
  }))
}

export function recordCheckpoint(db: Db, projectDir: string, runId: string, checkpoint: Omit<CheckpointRecord, 'at'>): CheckpointRecord {
  const record = { ...checkpoint, at: new Date().toISOString() }
  statement(db, 'INSERT OR REPLACE INTO run_checkpoints (run_id, step, epoch, path, reason, pckh, at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    runId,
    record.step,
    record.epoch,
    relativeTo(projectDir, record.path),
    record.reason,
    record.pckh,
    record.at
  )
  return record
}

export function forgetCheckpoint(db: Db, runId: string, step: number): void {
  statement(db, 'DELETE FROM run_checkpoints WHERE run_id = ? AND step = ?').run(runId, step)
}

export function deleteRunRows(db: Db, runId: string): void {
  statement(db, 'DELETE FROM runs WHERE id = ?').run(runId)
}

/** Paths inside the project are stored relative to it, so a moved project keeps its runs. */
function relativeTo(projectDir: string, path: string): string {
  const rel = relative(projectDir, path)
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel
}

function absolute(projectDir: string, stored: string): string {
  return isAbsolute(stored) ? stored : join(projectDir, stored)
}
