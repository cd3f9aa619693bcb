// The main side of training for one open project: it creates runs (config, data snapshot, label mark),
// starts one trainer process at a time through a launcher, turns the trainer's reports into database rows
// and throttled events, and marks a run failed when its trainer dies. Main is the only database writer.
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { applyMigrations } from '../dataset/migrations'
import type { Db } from '../dataset/db'
import { statement } from '../dataset/db'
import { badInput, conflict } from '../errors'
import { chooseCheckpoint, checkpointsToPrune, type CheckpointChoice } from './checkpoints'
import { resolveTrainConfig, type TrainOverrides } from './config'
import type { TrainerExit, TrainerHandle, TrainerLauncher } from './launcher'
import { trainMigrations } from './migrations'
import type { BackendPreference, HeatmapPreview, StepReport, TrainerEvent, TrainerJob } from './protocol'
import {
  findRun,
  forgetCheckpoint,
  insertRun,
  listRuns,
  recordCheckpoint,
  recordEpoch,
  requireRun,
  runDetail,
  updateRun,
  deleteRunRows,
  type CheckpointRecord,
  type EpochRecord,
  type RunDetail,
  type RunStatus,
  type RunSummary
} from './runs-store'
import { writeSnapshot } from './snapshot'
import { takeSnapshot } from './snapshot-source'
import { Throttle } from './throttle'

export type TrainingEvent =
  | { kind: 'step'; runId: string; report: StepReport }
  | { kind: 'epoch'; runId: string; epoch: EpochRecord }
  | { kind: 'checkpoint'; runId: string; checkpoint: CheckpointRecord }
  | { kind: 'heatmaps'; runId: string; preview: HeatmapPreview }
  | { kind: 'status'; run: RunSummary }

export interface TrainingServiceOptions {
  db: Db
  projectDir: string
  launcher: TrainerLauncher
  onEvent: (event: TrainingEvent) => void
  /** Step events reach listeners at most this often (default 250 ms); heatmaps at most once a second. */
  stepIntervalMs?: number
  heatmapIntervalMs?: number
  /** How long close() lets a trainer finish its step and save before killing it (default 30 s). */
  closeTimeoutMs?: number
  /** Extra environment for trainer processes. */
  env?: Record<string, string>
}

export interface StartRunOptions {
  /** 'paper' or 'demo' (default 'demo'; a fine-tune defaults to its source's preset). */
  preset?: string
  overrides?: TrainOverrides
  backend?: BackendPreference
  name?: string
  /** Fine-tune: start from this run's checkpoint, on the project's current labels. */
  fromRun?: string
  fromCheckpoint?: CheckpointChoice
}

interface ActiveRun {
  runId: string
  handle: TrainerHandle
  steps: Throttle<StepReport>
  heatmaps: Throttle<HeatmapPreview>
  /** What the trainer said last about how it ends; the exit decides. */
  outcome: { status: 'stopped' | 'completed' | 'failed'; error: string | null } | null
  paused: boolean
  step: number
  launchedAt: number
  pausedAt: number | null
  pausedMs: number
  baseSeconds: number
  waiters: { until: (event: TrainerEvent | 'exit') => boolean; resolve: () => void }[]
  exited: Promise<void>
}

const TERMINAL: readonly RunStatus[] = ['stopped', 'completed', 'failed']

/** Runs a trainer of this process is working on, whichever service (project connection) started it. */
const activeHere = new Set<string>()

function isAlive(pid: number | null): boolean {
  if (!pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export class TrainingService {
  private active: ActiveRun | null = null
  private closed = false
  private readonly db: Db
  private readonly projectDir: string

  constructor(private readonly options: TrainingServiceOptions) {
    this.db = options.db
    this.projectDir = options.projectDir
    applyMigrations(this.db, [{ area: 'train', migrations: trainMigrations }])
    this.recoverOrphans()
  }

  /** Runs left running, paused or queued by a workbench process that is gone: their trainer died with it. */
  private recoverOrphans(): void {
    const rows = statement(this.db, "SELECT id, status, owner_pid FROM runs WHERE status IN ('queued', 'running', 'paused')").all() as {
      id: string
      status: RunStatus
      owner_pid: number | null
    }[]
    for (const row of rows) {
      if (activeHere.has(row.id) || (row.owner_pid !== process.pid && isAlive(row.owner_pid))) continue
      if (row.status === 'queued') updateRun(this.db, row.id, { status: 'stopped', ownerPid: null })
      else {
        updateRun(this.db, row.id, {
          status: 'failed',
          error: `the workbench process that ran it (pid ${row.owner_pid}) ended; resume continues from its last checkpoint`,
          ownerPid: null,
          trainerPid: null
        })
      }
    }
  }

  runDir(runId: string): string {
    return join(this.projectDir, 'runs', runId)
  }

  list(): RunSummary[] {
    return listRuns(this.db)
  }

  get(runId: string): RunDetail {
    return runDetail(this.db, this.projectDir, runId)
  }

  /** Creates a run on the current labels and starts it (or queues it behind the run in progress). */
  async start(options: StartRunOptions = {}): Promise<RunSummary> {
    this.assertOpen()
    let fromCheckpoint: CheckpointRecord | null = null
    let presetName = options.preset ?? 'demo'
    let overrides = options.overrides ?? {}
    if (options.fromRun) {
      const source = runDetail(this.db, this.projectDir, options.fromRun)
      fromCheckpoint = chooseCheckpoint(source.checkpoints, options.fromCheckpoint ?? 'best')
      if (!fromCheckpoint) throw badInput(`run ${source.id} has no checkpoint${options.fromCheckpoint ? ` '${options.fromCheckpoint}'` : ''} to start from`, 'fromRun')
      presetName = options.preset ?? source.preset
      if (overrides.model && JSON.stringify({ ...source.config.model, ...overrides.model }) !== JSON.stringify(source.config.model)) {
        throw badInput(`a run fine-tuned from ${source.id} keeps its network (${describeModel(source)}); leave the model settings out`, 'overrides.model')
      }
      overrides = { ...overrides, model: source.config.model }
    }
    const config = resolveTrainConfig(presetName, overrides)
    const { snapshot, stats } = takeSnapshot(this.db)
    if (snapshot.train.length < config.batchSize) {
      const skipped = Object.entries(stats.skipped).filter(([, n]) => n > 0).map(([why, n]) => `${n} ${why}`)
      throw badInput(
        `the project has ${snapshot.train.length} usable training people, fewer than one batch of ${config.batchSize}${skipped.length ? ` (left out: ${skipped.join(', ')})` : ''}`,
        'batchSize'
      )
    }
    const name = options.name?.trim() || (options.fromRun ? `fine-tune of ${options.fromRun}` : `${config.preset} ${config.model.variant === 'residual' ? 'hourglass' : `PRM-${config.model.variant}`} ×${config.model.nStack}`)
    const runId = insertRun(this.db, {
      name,
      config,
      backendRequested: options.backend ?? 'auto',
      labelMark: snapshot.labelRevision,
      trainPeople: snapshot.train.length,
      valPeople: snapshot.val.length,
      fromRun: options.fromRun ?? null,
      fromCheckpoint: fromCheckpoint?.path ?? null,
      ownerPid: process.pid
    })
    mkdirSync(this.runDir(runId), { recursive: true })
    writeSnapshot(this.snapshotPath(runId), snapshot)
    this.emitStatus(runId)
    this.pump()
    return requireRun(this.db, runId)
  }

  private snapshotPath(runId: string): string {
    return join(this.runDir(runId), 'snapshot.json')
  }

  /** Pauses the run in progress between two steps; resolves once the trainer has paused. */
  async pause(runId: string): Promise<RunSummary> {
    const active = this.requireActive(runId, 'pause')
    if (!active.paused) {
      const paused = this.waitFor(active, (e) => e === 'exit' || e.type === 'paused')
      active.handle.send({ type: 'pause' })
      await paused
    }
    return requireRun(this.db, runId)
  }

  /**
   * Resumes a paused run, or continues a stopped or failed one from its latest checkpoint (weights,
   * optimizer state, step count) on the data snapshot it started with.
   */
  async resume(runId: string): Promise<RunSummary> {
    this.assertOpen()
    const run = requireRun(this.db, runId)
    if (this.active?.runId === runId) {
      if (this.active.paused) {
        const resumed = this.waitFor(this.active, (e) => e === 'exit' || e.type === 'resumed')
        this.active.handle.send({ type: 'resume' })
        await resumed
      }
      return requireRun(this.db, runId)
    }
    this.assertOwned(runId)
    if (run.status === 'completed') throw conflict(`run ${runId} has completed; start a new run from it to train further`, 'runId')
    if (run.status === 'queued' || run.status === 'running' || run.status === 'paused') return run
    updateRun(this.db, runId, { status: 'queued', error: null, ownerPid: process.pid })
    this.emitStatus(runId)
    this.pump()
    return requireRun(this.db, runId)
  }

  /** Stops a run: the trainer finishes its step, saves a checkpoint and exits. Resolves once it has. */
  async stop(runId: string): Promise<RunSummary> {
    const run = requireRun(this.db, runId)
    if (this.active?.runId === runId) {
      const active = this.active
      active.handle.send({ type: 'stop' })
      await active.exited
      return requireRun(this.db, runId)
    }
    if (run.status === 'queued') {
      this.assertOwned(runId)
      updateRun(this.db, runId, { status: 'stopped' })
      this.emitStatus(runId)
    }
    return requireRun(this.db, runId)
  }

  /** Deletes a run that is not in progress: its rows, its snapshot and its checkpoints. */
  delete(runId: string): void {
    const run = requireRun(this.db, runId)
    if (this.active?.runId === runId || run.status === 'running' || run.status === 'paused') {
      throw conflict(`run ${runId} is ${run.status}; stop it before deleting it`, 'runId')
    }
    deleteRunRows(this.db, runId)
    rmSync(this.runDir(runId), { recursive: true, force: true })
  }

  /** Stops the run in progress (killing it after closeTimeoutMs) and leaves queued runs stopped. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const active = this.active
    if (active) {
      active.handle.send({ type: 'stop' })
      const timeout = this.options.closeTimeoutMs ?? 30_000
      let timer: NodeJS.Timeout | undefined
      const killed = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          active.outcome ??= { status: 'failed', error: `stopped by closing the workbench after ${timeout / 1000} s; resume continues from its last checkpoint` }
          active.handle.kill()
          resolve()
        }, timeout)
      })
      await Promise.race([active.exited, killed])
      clearTimeout(timer)
      await active.exited
    }
    for (const run of listRuns(this.db, { status: ['queued'] })) {
      if (this.isOwned(run.id)) updateRun(this.db, run.id, { status: 'stopped' })
    }
  }

  private assertOpen(): void {
    if (this.closed) throw conflict('the project is closing')
  }

  private ownerOf(runId: string): number | null {
    return (statement(this.db, 'SELECT owner_pid FROM runs WHERE id = ?').get(runId) as { owner_pid: number | null } | undefined)?.owner_pid ?? null
  }

  private isOwned(runId: string): boolean {
    if (activeHere.has(runId)) return this.active?.runId === runId
    const owner = this.ownerOf(runId)
    return owner === null || owner === process.pid || !isAlive(owner)
  }

  private assertOwned(runId: string): void {
    if (!this.isOwned(runId)) throw conflict(`run ${runId} is driven by another workbench process (pid ${this.ownerOf(runId)})`, 'runId')
  }

  private requireActive(runId: string, action: string): ActiveRun {
    const run = requireRun(this.db, runId)
    if (this.active?.runId !== runId) {
      this.assertOwned(runId)
      throw conflict(`run ${runId} is ${run.status}; only a running run can ${action}`, 'runId')
    }
    return this.active
  }

  private waitFor(active: ActiveRun, until: (event: TrainerEvent | 'exit') => boolean): Promise<void> {
    return new Promise((resolve) => active.waiters.push({ until, resolve }))
  }

  private notifyWaiters(active: ActiveRun, event: TrainerEvent | 'exit'): void {
    const ready = active.waiters.filter((w) => w.until(event))
    active.waiters = active.waiters.filter((w) => !ready.includes(w))
    for (const w of ready) w.resolve()
  }

  /** Starts the oldest queued run of this process when no trainer is busy. */
  private pump(): void {
    if (this.active || this.closed) return
    const next = statement(this.db, "SELECT id FROM runs WHERE status = 'queued' AND owner_pid = ? ORDER BY seq LIMIT 1").get(process.pid) as { id: string } | undefined
    if (next) this.launch(next.id)
  }

  private launch(runId: string): void {
    const detail = runDetail(this.db, this.projectDir, runId)
    const latest = chooseCheckpoint(detail.checkpoints, 'latest')
    const job: TrainerJob = {
      runId,
      runDir: this.runDir(runId),
      config: detail.config,
      snapshotPath: this.snapshotPath(runId),
      backend: detail.backendRequested,
      resume: latest ? { checkpointDir: latest.path, step: latest.step } : null,
      initWeights: latest ? null : detail.fromCheckpoint
    }
    let handle: TrainerHandle
    try {
      handle = this.options.launcher.launch({ env: this.options.env })
    } catch (error) {
      updateRun(this.db, runId, { status: 'failed', error: `the trainer could not start: ${(error as Error).message}` })
      this.emitStatus(runId)
      return
    }
    let markExited: () => void = () => undefined
    const active: ActiveRun = {
      runId,
      handle,
      steps: new Throttle(this.options.stepIntervalMs ?? 250, (report) => {
        updateRun(this.db, runId, { step: report.step })
        this.options.onEvent({ kind: 'step', runId, report })
      }),
      heatmaps: new Throttle(this.options.heatmapIntervalMs ?? 1000, (preview) => this.options.onEvent({ kind: 'heatmaps', runId, preview })),
      outcome: null,
      paused: false,
      step: job.resume?.step ?? 0,
      launchedAt: Date.now(),
      pausedAt: null,
      pausedMs: 0,
      baseSeconds: detail.trainSeconds,
      waiters: [],
      exited: new Promise((resolve) => (markExited = resolve))
    }
    this.active = active
    activeHere.add(runId)
    handle.onEvent((event) => {
      try {
        this.onTrainerEvent(active, event)
      } finally {
        this.notifyWaiters(active, event)
      }
    })
    handle.onExit((exit) => {
      try {
        this.onTrainerExit(active, exit)
      } finally {
        this.notifyWaiters(active, 'exit')
        markExited()
        activeHere.delete(runId)
        if (this.active === active) this.active = null
        this.pump()
      }
    })
    updateRun(this.db, runId, {
      status: 'running',
      error: null,
      trainerPid: handle.pid ?? null,
      ownerPid: process.pid,
      startedAt: detail.startedAt ?? new Date().toISOString(),
      finishedAt: null
    })
    this.emitStatus(runId)
    handle.send({ type: 'start', job })
  }

  private onTrainerEvent(active: ActiveRun, event: TrainerEvent): void {
    const { runId } = active
    switch (event.type) {
      case 'engine':
        updateRun(this.db, runId, { backend: event.backend, device: event.device })
        return this.emitStatus(runId)
      case 'started':
        updateRun(this.db, runId, { totalSteps: event.totalSteps, stepsPerEpoch: event.stepsPerEpoch, step: event.step })
        return this.emitStatus(runId)
      case 'step': {
        const { type: _type, ...report } = event
        active.step = report.step
        return active.steps.push(report)
      }
      case 'epoch': {
        active.steps.flush()
        const { type: _type, ...epoch } = event
        const record = recordEpoch(this.db, runId, epoch)
        this.options.onEvent({ kind: 'epoch', runId, epoch: record })
        return this.emitStatus(runId)
      }
      case 'checkpoint': {
        const record = recordCheckpoint(this.db, this.projectDir, runId, { step: event.step, epoch: event.epoch, path: event.dir, reason: event.reason, pckh: event.pckh })
        this.pruneCheckpoints(runId)
        this.options.onEvent({ kind: 'checkpoint', runId, checkpoint: record })
        return
      }
      case 'heatmaps': {
        const { type: _type, ...preview } = event
        return active.heatmaps.push(preview)
      }
      case 'paused':
        active.steps.flush()
        active.paused = true
        active.pausedAt = Date.now()
        updateRun(this.db, runId, { status: 'paused', step: event.step })
        return this.emitStatus(runId)
      case 'resumed':
        active.paused = false
        if (active.pausedAt !== null) active.pausedMs += Date.now() - active.pausedAt
        active.pausedAt = null
        updateRun(this.db, runId, { status: 'running', step: event.step })
        return this.emitStatus(runId)
      case 'stopped':
        active.step = event.step
        active.outcome = { status: 'stopped', error: null }
        return
      case 'completed':
        active.step = event.step
        active.outcome = { status: 'completed', error: null }
        return
      case 'failed':
        active.outcome = { status: 'failed', error: event.message }
        return
    }
  }

  private onTrainerExit(active: ActiveRun, exit: TrainerExit): void {
    active.steps.flush()
    active.heatmaps.flush()
    const pausedMs = active.pausedMs + (active.pausedAt === null ? 0 : Date.now() - active.pausedAt)
    const seconds = active.baseSeconds + Math.max(0, Date.now() - active.launchedAt - pausedMs) / 1000
    let outcome = active.outcome
    if (!outcome || (outcome.status !== 'failed' && exit.code !== 0)) {
      const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`
      const tail = active.handle.stderrTail().split('\n').slice(-6).join('\n')
      outcome = { status: 'failed', error: `the trainer process ${how} at step ${active.step}${tail ? `:\n${tail}` : ''}` }
    }
    updateRun(this.db, active.runId, {
      status: outcome.status,
      error: outcome.error,
      step: active.step,
      trainSeconds: seconds,
      trainerPid: null,
      finishedAt: new Date().toISOString()
    })
    this.emitStatus(active.runId)
  }

  /** Deletes superseded checkpoint folders, keeping any another run starts from. */
  private pruneCheckpoints(runId: string): void {
    const detail = runDetail(this.db, this.projectDir, runId)
    const protectedPaths = new Set(
      listRuns(this.db)
        .map((r) => (r.fromRun === runId ? runDetail(this.db, this.projectDir, r.id).fromCheckpoint : null))
        .filter((p): p is string => p !== null)
    )
    for (const checkpoint of checkpointsToPrune(detail.checkpoints, detail.config.keepCheckpoints, protectedPaths)) {
      forgetCheckpoint(this.db, runId, checkpoint.step)
      rmSync(checkpoint.path, { recursive: true, force: true })
    }
  }

  private emitStatus(runId: string): void {
    const run = findRun(this.db, runId)
    if (run) this.options.onEvent({ kind: 'status', run })
  }
}

function describeModel(run: RunDetail): string {
  const m = run.config.model
  return `${m.variant === 'residual' ? 'hourglass' : `PRM-${m.variant}`}, ${m.nStack} stacks, ${m.nFeats} features, ${m.inputRes} px`
}

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL.includes(status)
}
