// Evaluation: PCKh tables, curves and AUC of prediction sets, comparisons between them, error rankings
// and CSV exports. Definitions (both Means, the threshold rule, the AUC) are in main/eval/pckh.ts.
//
// What is evaluated is named by an EvaluationSource:
//   { kind: 'file', predictions, groundTruth }  a predictions file (.mat/.h5/.json/.csv) scored against a
//                                               ground truth in the evaluation layout (detections_our_format.mat)
//   { kind: 'predictionSet', id }               predictions stored in the open project (made by a run's
//                                               checkpoint, or imported from a file), scored against the
//                                               current labels of their split (or those at label mark `asOf`)
//   { kind: 'run', runId, split }               the latest prediction set of a training run on a split
import { z } from 'zod'
import { request } from './define'
import { PredictionSourceSchema } from './predictions'

const percent = z.number().nullable()
const JOINTS = 16

export const ThresholdRuleSchema = z
  .enum(['le', 'lt'])
  .describe("'le': error <= threshold (MPII toolkit, HRNet); 'lt': error < threshold (Tompson/bearpaw, MMPose)")
export type ThresholdRule = z.infer<typeof ThresholdRuleSchema>

export const GroupValuesSchema = z.object({
  head: percent,
  shoulder: percent,
  elbow: percent,
  wrist: percent,
  hip: percent,
  knee: percent,
  ankle: percent
})

export const PckhTableSchema = z.object({
  threshold: z.number(),
  /** Percent per joint in MPII order; null where no instance is annotated. */
  perJoint: z.array(percent).length(JOINTS),
  groups: GroupValuesSchema,
  /** Unweighted mean of the 14 joints (pelvis, thorax out): the Tompson/bearpaw "Mean". */
  mean: percent,
  /** Joint-count-weighted mean of the same 14 joints: the HRNet/MMPose "Mean", MPII toolkit "Total". */
  weightedMean: percent
})
export type PckhTable = z.infer<typeof PckhTableSchema>

export const PckhReportSchema = z.object({
  rule: ThresholdRuleSchema,
  people: z.number().int(),
  jointCounts: z.array(z.number().int()).length(JOINTS),
  at05: PckhTableSchema,
  at01: PckhTableSchema,
  /** 51 tables, thresholds 0, 0.01, …, 0.5. */
  curve: z.array(PckhTableSchema),
  /** Percent; trapezoid over the 51 thresholds / 0.5. `weightedMean` is the headline AUC. */
  auc: z.object({ weightedMean: percent, mean: percent, groups: GroupValuesSchema })
})
export type PckhReport = z.infer<typeof PckhReportSchema>

export const RunIdentitySchema = z.object({
  variant: z.string().optional(),
  stacks: z.number().int().optional(),
  epochs: z.number().int().optional(),
  split: z.string().optional(),
  labelRevision: z.union([z.number(), z.string()]).optional()
})
export type RunIdentity = z.infer<typeof RunIdentitySchema>

export const EvaluationSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('file'),
    /** Path of a .mat/.h5 (`preds`), .json or .csv predictions file. */
    predictions: z.string().min(1),
    /** Path of a ground truth with pos_gt_src, headboxes_src, jnt_missing. */
    groundTruth: z.string().min(1),
    /** Name in tables and exports (default: the file name without its extension). */
    model: z.string().min(1).optional(),
    /** Added to every predicted coordinate (1 for 0-based predictions). */
    offset: z.number().default(0)
  }),
  z.object({
    kind: z.literal('predictionSet'),
    id: z.number().int(),
    /** Score against the labels as they were at this label mark (default: now). */
    asOf: z.number().int().min(0).optional()
  }),
  z.object({
    kind: z.literal('run'),
    runId: z.string().min(1),
    split: z.string().min(1).default('val'),
    asOf: z.number().int().min(0).optional()
  })
])
export type EvaluationSource = z.infer<typeof EvaluationSourceSchema>

export const RecordedEvaluationSchema = z.object({
  /** The label revision the ground truth was read at. */
  labelMark: z.number().int(),
  rule: ThresholdRuleSchema,
  people: z.number().int(),
  mean: percent,
  weightedMean: percent,
  auc: percent,
  at: z.string()
})

export const PredictionSetSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  /** 'run': made by a training run's checkpoint; 'import': read from a predictions file. */
  kind: z.enum(['run', 'import']),
  runId: z.string().nullable(),
  /** The checkpoint, or the imported file. */
  origin: z.string(),
  split: z.string(),
  flip: z.boolean(),
  identity: RunIdentitySchema,
  /** The label revision when the predictions were made. */
  labelMark: z.number().int(),
  people: z.number().int(),
  createdAt: z.string(),
  /** The most recent recorded evaluation (for lists without scoring every set). */
  latest: RecordedEvaluationSchema.nullable()
})
export type PredictionSetInfo = z.infer<typeof PredictionSetSchema>

export const EvaluationSchema = z.object({
  model: z.string(),
  identity: RunIdentitySchema,
  /** What was scored against what, as text for display. */
  predictions: z.string(),
  groundTruth: z.string(),
  report: PckhReportSchema
})
export type Evaluation = z.infer<typeof EvaluationSchema>

const PersonRefShape = {
  /** Position in the evaluated people (ground-truth order). */
  index: z.number().int(),
  /** The project's person id, when the people came from the project. */
  personId: z.number().int().optional(),
  imageName: z.string().optional(),
  /** The project's image id, when the people came from the project (what the editor opens). */
  imageId: z.number().int().optional()
}

export const RankedPersonSchema = z.object({
  ...PersonRefShape,
  rank: z.number().int(),
  annotated: z.number().int(),
  pckh: z.number().nullable(),
  meanError: z.number().nullable(),
  /** The joint to open the editor at. */
  worstJoint: z.number().int().nullable(),
  worstError: z.number().nullable()
})

export const RankingOrderSchema = z.enum(['worstJoint', 'meanError', 'pckh'])
export const JointSelectionSchema = z.enum(['scored', 'all'])

export const RankingPageSchema = z.object({
  order: RankingOrderSchema,
  total: z.number().int(),
  unannotated: z.number().int(),
  offset: z.number().int(),
  items: z.array(RankedPersonSchema)
})
export type RankingPage = z.infer<typeof RankingPageSchema>

const TableDeltaSchema = z.object({
  perJoint: z.array(percent).length(JOINTS),
  groups: GroupValuesSchema,
  mean: percent,
  weightedMean: percent
})

const PersonChangeSchema = z.object({ ...PersonRefShape, baseline: z.number(), other: z.number(), difference: z.number() })

export const PairedMetricSchema = z
  .enum(['pckh', 'meanError'])
  .describe("'pckh': percent of a person's scored joints within 0.5 head sizes; 'meanError': their mean normalised error")

export const ComparisonSchema = z.object({
  rule: ThresholdRuleSchema,
  people: z.number().int(),
  sets: z.array(z.object({ name: z.string(), report: PckhReportSchema })),
  /** The first set (baseline) against each other one; every difference is other - baseline. */
  pairs: z.array(
    z.object({
      baseline: z.string(),
      other: z.string(),
      at05: TableDeltaSchema,
      at01: TableDeltaSchema,
      auc: z.object({ weightedMean: percent, mean: percent, groups: GroupValuesSchema }),
      paired: z.object({
        metric: PairedMetricSchema,
        higherIsBetter: z.boolean(),
        people: z.number().int(),
        meanDifference: z.number(),
        low: z.number(),
        high: z.number(),
        level: z.number(),
        resamples: z.number().int(),
        seed: z.number().int(),
        improved: z.number().int(),
        worsened: z.number().int(),
        unchanged: z.number().int(),
        significant: z.boolean()
      }),
      muchBetter: z.array(PersonChangeSchema),
      muchWorse: z.array(PersonChangeSchema)
    })
  )
})
export type Comparison = z.infer<typeof ComparisonSchema>

export const CsvFileSchema = z.object({ fileName: z.string(), csv: z.string() })

export const evalRequests = {
  getEvaluation: request(
    "A source's PCKh: per joint and group at 0.5 and 0.1, both Means, the 0-0.5 curve and its AUC. With " +
      "`record`, a project source's result is also kept in its history (evaluationHistory).",
    z.object({ source: EvaluationSourceSchema, rule: ThresholdRuleSchema.default('le'), record: z.boolean().default(false) }),
    EvaluationSchema
  ),
  compareEvaluations: request(
    'Two or more sources on the same people: deltas against the first, the curves, a paired per-person ' +
      'difference with a seeded bootstrap 95% interval, and the people who got much better or worse.',
    z.object({
      sources: z.array(EvaluationSourceSchema).min(2),
      rule: ThresholdRuleSchema.default('le'),
      metric: PairedMetricSchema.default('pckh'),
      resamples: z.number().int().min(100).max(100_000).default(2000),
      seed: z.number().int().min(0).max(2 ** 32 - 1).default(1),
      /** Default 25 points ('pckh') or 0.25 head sizes ('meanError'). */
      minDifference: z.number().positive().optional(),
      limit: z.number().int().min(0).max(1000).default(20)
    }),
    ComparisonSchema
  ),
  rankEvaluationErrors: request(
    "A page of the source's people, worst prediction first, each with the joint to open the editor at.",
    z.object({
      source: EvaluationSourceSchema,
      order: RankingOrderSchema.default('worstJoint'),
      joints: JointSelectionSchema.default('scored'),
      rule: ThresholdRuleSchema.default('le'),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(50)
    }),
    RankingPageSchema
  ),
  exportEvaluationCsv: request(
    'CSV texts and suggested file names: the summary (one row per source; first columns exactly ' +
      'Model,Head,Shoulder,Elbow,Wrist,Hip,Knee,Ankle,Mean) and the curves (one row per source and threshold).',
    z.object({ sources: z.array(EvaluationSourceSchema).min(1), rule: ThresholdRuleSchema.default('le') }),
    z.object({ summary: CsvFileSchema, curves: CsvFileSchema })
  ),
  listPredictionSets: request(
    "The open project's prediction sets, oldest first, optionally of one run or split.",
    z.object({ runId: z.string().optional(), split: z.string().optional() }),
    z.array(PredictionSetSchema)
  ),
  importPredictions: request(
    "Stores a predictions file (layouts as for a 'file' source) as a prediction set of a split. Its rows " +
      "must be the split's people in id order, i.e. the order the split was imported in (Tompson's for MPII val).",
    z.object({ path: z.string().min(1), split: z.string().min(1).default('val'), name: z.string().min(1).optional(), offset: z.number().default(0) }),
    PredictionSetSchema
  ),
  deletePredictionSet: request('Deletes a prediction set with its evaluations.', z.object({ id: z.number().int() }), z.object({ deleted: z.boolean() })),
  evaluateRun: request(
    "Runs a run's checkpoint (or a checkpoint folder) over a split of the open project, flip test by default, as " +
      "a task ('evaluate' progress events, cancellable); stores the predictions as a prediction set of the run, " +
      'scores them against the split and records the score.',
    z.object({
      /** { kind: 'run', runId, checkpoint: 'best' | 'latest' | 'epoch-N' | 'step-N' } or { kind: 'checkpoint', path }. */
      source: PredictionSourceSchema,
      split: z.string().min(1).default('val'),
      name: z.string().min(1).optional(),
      flip: z.boolean().default(true),
      /** 'official' truncates decoded coordinates as the authors' code, for published-comparable numbers. */
      rounding: z.enum(['float', 'official']).default('float'),
      /** People per forward pass (default: 1 on the cpu and wasm engines, 8 on GPU engines). */
      batchSize: z.number().int().min(1).max(256).optional(),
      rule: ThresholdRuleSchema.default('le')
    }),
    z.object({ set: PredictionSetSchema, evaluation: EvaluationSchema })
  ),
  evaluationHistory: request(
    "A prediction set's recorded evaluations, oldest first: how its score moved as labels were corrected.",
    z.object({ id: z.number().int() }),
    z.array(RecordedEvaluationSchema)
  )
}
