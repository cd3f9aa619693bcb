// The messages between main and a trainer process. Main owns the database and decides; the trainer owns
// tfjs and the engine, trains, writes checkpoint folders and reports. Every message is plain JSON-able
// data, so it crosses child_process IPC and Electron's utilityProcess port alike.
import type { TrainConfig } from './config'

export type BackendPreference = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu'

export interface TrainerJob {
  runId: string
  /** `<project>/runs/<runId>`: checkpoints go under it. */
  runDir: string
  config: TrainConfig
  /** The run's data snapshot (snapshot.ts), written by main before the trainer starts. */
  snapshotPath: string
  backend: BackendPreference
  /** Continue this run from its checkpoint: weights, optimizer state and step count. */
  resume: { checkpointDir: string; step: number } | null
  /** Start from another run's weights (fresh optimizer, step 0): fine-tuning. */
  initWeights: string | null
}

export type TrainerCommand =
  | { type: 'start'; job: TrainerJob }
  | { type: 'pause' }
  | { type: 'resume' }
  /** Finish the current step, save a checkpoint, report `stopped` and exit. */
  | { type: 'stop' }

export interface StepReport {
  /** Optimizer steps completed so far in the run (the next step's 0-based index). */
  step: number
  totalSteps: number
  /** 1-based epoch this step belongs to. */
  epoch: number
  loss: number
  learningRate: number
  /** Training throughput, smoothed over the last steps. */
  imagesPerSecond: number
  /** Milliseconds this step waited for its batch (0 when the loader kept ahead). */
  waitMs: number
  stepMs: number
}

export interface EpochReport {
  epoch: number
  step: number
  /** Mean training loss over the epoch's steps (of this process's share, after a resume). */
  trainLoss: number
  valLoss: number | null
  /** Validation PCKh@0.5, unweighted mean over the 14 scored joints (the Tompson/bearpaw Mean). */
  pckh: number | null
  /** Joint-count-weighted mean of the same (HRNet/MMPose). */
  pckhWeighted: number | null
  valPeople: number
  seconds: number
}

export interface HeatmapPreview {
  step: number
  epoch: number
  /** The validation person it shows. */
  personId: number
  /** Heatmap side (inputRes / 4). */
  size: number
  joints: number
  /** base64 of joints × size × size bytes, joint-major, value = clamp(heatmap, 0, 1) · 255. */
  heatmaps: string
  /** base64 JPEG of the input crop (inputRes × inputRes). */
  crop: string
  cropSize: number
}

export type TrainerEvent =
  | { type: 'engine'; backend: string; device: string; fallbacks: string[] }
  | { type: 'started'; step: number; totalSteps: number; stepsPerEpoch: number; trainPeople: number; valPeople: number }
  | ({ type: 'step' } & StepReport)
  | ({ type: 'epoch' } & EpochReport)
  | { type: 'checkpoint'; step: number; epoch: number; dir: string; reason: 'epoch' | 'stop' | 'final'; pckh: number | null }
  | ({ type: 'heatmaps' } & HeatmapPreview)
  | { type: 'paused'; step: number }
  | { type: 'resumed'; step: number }
  | { type: 'stopped'; step: number }
  | { type: 'completed'; step: number }
  | { type: 'failed'; message: string; stack?: string }
