// Training runs: start (from a preset with overrides, or fine-tuned from another run's checkpoint on the
// current labels), pause, resume, stop, list, inspect, delete; and the live events of a run in progress.
// A run records the label mark it trained on, so "edits since this run" is always answerable.
import { z } from 'zod'
import { event, request } from './define'
import { BackendNameSchema } from './system'

export const TrainPresetNameSchema = z.enum(['paper', 'demo'])
export const BackendPreferenceSchema = z.union([z.literal('auto'), BackendNameSchema])
export const RunStatusSchema = z.enum(['queued', 'running', 'paused', 'stopped', 'completed', 'failed'])
export type RunStatus = z.infer<typeof RunStatusSchema>

const positiveInt = z.number().int().positive()

export const ModelConfigSchema = z.object({
  /** 'A' | 'B' | 'C': the PRM variants; 'residual': the plain stacked hourglass. */
  variant: z.enum(['A', 'B', 'C', 'residual']),
  nStack: positiveInt,
  nFeats: positiveInt,
  nModules: positiveInt,
  /** A multiple of 64; heatmaps are a quarter of it. */
  inputRes: positiveInt,
  cardinality: positiveInt,
  baseWidth: positiveInt,
  nJoints: positiveInt,
  stemWidth: positiveInt
})

export const AugmentationSchema = z.object({
  scaleSigma: z.number().min(0),
  scaleLimit: z.number().min(0).lt(1),
  rotationSigma: z.number().min(0),
  rotationLimit: z.number().min(0),
  rotationProbability: z.number().min(0).max(1),
  flipProbability: z.number().min(0).max(1),
  colourJitter: z.number().min(0)
})

export const TrainConfigSchema = z.object({
  preset: z.string(),
  model: ModelConfigSchema,
  batchSize: positiveInt,
  epochs: positiveInt,
  /** Cap on steps per epoch; null: a full pass over the training people. */
  stepsPerEpoch: positiveInt.nullable(),
  learningRate: z.number().positive(),
  rmspropAlpha: z.number().gt(0).lt(1),
  rmspropEpsilon: z.number().positive(),
  /** The learning rate is multiplied by lrDropFactor at each of these epochs (1-based). */
  lrMilestones: z.array(positiveInt),
  lrDropFactor: z.number().gt(0).max(1),
  augment: AugmentationSchema,
  /** RGB mean subtracted from RGB / 255. */
  inputMean: z.tuple([z.number(), z.number(), z.number()]),
  /** Validation people scored per epoch; null: all. */
  valLimit: positiveInt.nullable(),
  validationFlip: z.boolean(),
  seed: positiveInt,
  loaderThreads: positiveInt,
  prefetch: z.number().int().min(0),
  previewSeconds: z.number().positive(),
  keepCheckpoints: z.number().int().min(0)
})
export type TrainConfig = z.infer<typeof TrainConfigSchema>

/** Any field of a config, model and augmentation fields one by one. */
export const TrainOverridesSchema = TrainConfigSchema.omit({ preset: true, model: true, augment: true })
  .partial()
  .extend({ model: ModelConfigSchema.partial().optional(), augment: AugmentationSchema.partial().optional() })

export const RunSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  preset: z.string(),
  status: RunStatusSchema,
  /** Why it failed (the trainer's error, or how its process ended). */
  error: z.string().nullable(),
  backendRequested: BackendPreferenceSchema,
  /** The backend and device the trainer actually got (null until it started). */
  backend: z.string().nullable(),
  device: z.string().nullable(),
  /** The label revision mark (max revision id) its data snapshot was read at. */
  labelMark: z.number().int(),
  /** Revisions recorded since that mark ("N edits since this run") and the people they touched. */
  editsSince: z.number().int(),
  peopleChangedSince: z.number().int(),
  trainPeople: z.number().int(),
  valPeople: z.number().int(),
  /** The run it was fine-tuned from. */
  fromRun: z.string().nullable(),
  /** Optimizer steps done. */
  step: z.number().int(),
  totalSteps: z.number().int().nullable(),
  stepsPerEpoch: z.number().int().nullable(),
  epochs: z.number().int(),
  epochsDone: z.number().int(),
  /** Validation PCKh@0.5 (unweighted 14-joint mean) of the last epoch and the best one. */
  lastPckh: z.number().nullable(),
  bestPckh: z.number().nullable(),
  model: z.object({ variant: z.string(), nStack: z.number().int(), nFeats: z.number().int(), inputRes: z.number().int() }),
  batchSize: z.number().int(),
  /** Seconds spent training (pauses excluded), over all its sessions. */
  trainSeconds: z.number(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string()
})
export type RunSummary = z.infer<typeof RunSummarySchema>

export const EpochRecordSchema = z.object({
  epoch: z.number().int(),
  step: z.number().int(),
  trainLoss: z.number().nullable(),
  valLoss: z.number().nullable(),
  /** Validation PCKh@0.5, unweighted 14-joint mean (Tompson/bearpaw). */
  pckh: z.number().nullable(),
  /** The joint-count-weighted mean (HRNet/MMPose). */
  pckhWeighted: z.number().nullable(),
  valPeople: z.number().int(),
  seconds: z.number(),
  at: z.string()
})
export type EpochRecord = z.infer<typeof EpochRecordSchema>

export const CheckpointRecordSchema = z.object({
  step: z.number().int(),
  epoch: z.number().int(),
  /** The checkpoint folder: config.json, model.safetensors (PyTorch names), optimizer.safetensors. */
  path: z.string(),
  reason: z.enum(['epoch', 'stop', 'final']),
  pckh: z.number().nullable(),
  at: z.string()
})
export type CheckpointRecord = z.infer<typeof CheckpointRecordSchema>

export const RunDetailSchema = RunSummarySchema.extend({
  config: TrainConfigSchema,
  fromCheckpoint: z.string().nullable(),
  ownerPid: z.number().int().nullable(),
  trainerPid: z.number().int().nullable(),
  epochList: z.array(EpochRecordSchema),
  checkpoints: z.array(CheckpointRecordSchema)
})
export type RunDetail = z.infer<typeof RunDetailSchema>

export const TrainPresetSchema = z.object({ name: TrainPresetNameSchema, summary: z.string(), config: TrainConfigSchema })

const RunIdSchema = z.object({ runId: z.string().min(1) })

export const trainRequests = {
  trainPresets: request('The training presets (complete configs the Train form starts from).', z.object({}), z.object({ presets: z.array(TrainPresetSchema) })),
  startRun: request(
    'Creates a run on the current labels (a snapshot of the train and val people and the label mark) and starts it, or queues it behind the run in progress.',
    z.object({
      preset: TrainPresetNameSchema.optional().describe("default 'demo'; a fine-tune defaults to its source run's preset"),
      name: z.string().max(120).optional(),
      /** Default: the backend setting ('auto' unless the user chose one). */
      backend: BackendPreferenceSchema.optional(),
      overrides: TrainOverridesSchema.default({}),
      /** Fine-tune: start from this run's checkpoint (its network is kept; model overrides are refused). */
      fromRun: z.string().min(1).optional(),
      /** 'best' (default), 'latest', 'epoch-N' or 'step-N'. */
      fromCheckpoint: z.string().regex(/^(best|latest|epoch-\d+|step-\d+)$/, "'best', 'latest', 'epoch-N' or 'step-N'").optional()
    }),
    RunSummarySchema
  ),
  pauseRun: request('Pauses the run in progress between two steps; resolves once it has paused.', RunIdSchema, RunSummarySchema),
  resumeRun: request(
    'Resumes a paused run, or continues a stopped or failed run from its latest checkpoint (optimizer state and step count included).',
    RunIdSchema,
    RunSummarySchema
  ),
  stopRun: request('Stops a run: the trainer finishes its step, saves a checkpoint and exits (resolves then). A stopped run can be resumed.', RunIdSchema, RunSummarySchema),
  listRuns: request('The runs of the open project, newest first.', z.object({}), z.object({ runs: z.array(RunSummarySchema) })),
  getRun: request('One run with its config, per-epoch metrics and checkpoints.', RunIdSchema, RunDetailSchema),
  deleteRun: request('Deletes a run that is not in progress, with its checkpoints.', RunIdSchema, z.object({ deleted: z.literal(true) }))
}

export const StepEventSchema = z.object({
  runId: z.string(),
  /** Steps done. */
  step: z.number().int(),
  totalSteps: z.number().int(),
  epoch: z.number().int(),
  loss: z.number(),
  learningRate: z.number(),
  imagesPerSecond: z.number(),
  /** How long the step waited for its batch (0 when the loader kept ahead). */
  waitMs: z.number(),
  stepMs: z.number()
})

export const HeatmapsEventSchema = z.object({
  runId: z.string(),
  step: z.number().int(),
  epoch: z.number().int(),
  /** The validation person shown (always the same one during a run). */
  personId: z.number().int(),
  /** Heatmap side: inputRes / 4 (64 for 256 px input, 32 for the demo preset's 128). */
  size: z.number().int(),
  joints: z.number().int(),
  /** base64 of joints × size × size bytes, joint-major (MPII order), row-major within a map; value = clamp(h, 0, 1) · 255. */
  heatmaps: z.string(),
  /** base64 JPEG of the input crop the heatmaps belong to (cropSize × cropSize); heatmap pixel (x, y) covers crop pixels 4x..4x+3. */
  crop: z.string(),
  cropSize: z.number().int()
})

export const trainEvents = {
  trainStep: event('A training step of a run in progress (throttled to about 4 per second per run).', StepEventSchema),
  trainEpoch: event('A run finished an epoch: its validation loss and PCKh@0.5.', EpochRecordSchema.extend({ runId: z.string() })),
  trainCheckpoint: event('A run saved a checkpoint.', CheckpointRecordSchema.extend({ runId: z.string() })),
  trainHeatmaps: event('Live heatmaps of a fixed validation crop (at most one per second per run).', HeatmapsEventSchema),
  runStatus: event('A run changed: status, backend, progress at a status change, epochs done.', RunSummarySchema)
}
