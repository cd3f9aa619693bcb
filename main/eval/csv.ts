// The two CSV exports of evaluations.
//
// Summary: one row per run or prediction set. The first nine columns are exactly those of the published
// MPII table (Mean = the unweighted 14-joint mean the original tools print); then the joint-count-weighted
// mean, the weighted PCKh@0.1, the AUC of the weighted curve over [0, 0.5], and the run's identity.
//
// Curves: one row per model and threshold (long format, so any number of models fits the same columns):
// Model, Threshold 0.00 … 0.50, the seven groups, Mean, WeightedMean.
//
// Every number has two decimals; a value that does not exist (no annotated joint) is an empty field.
import { csvDocument, twoDecimals } from './csv-text'
import { GROUP_NAMES } from './joints'
import type { PckhReport } from './pckh'

/** What identifies a run in an export; prediction files scored outside a run leave it empty. */
export interface RunIdentity {
  variant?: string
  stacks?: number
  epochs?: number
  split?: string
  labelRevision?: number | string
}

export interface EvaluationRow {
  model: string
  report: PckhReport
  identity?: RunIdentity
}

export const SUMMARY_COLUMNS = [
  'Model', 'Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'Mean',
  'WeightedMean', 'WeightedPCKh@0.1', 'AUC',
  'Variant', 'Stacks', 'Epochs', 'Split', 'LabelRevision', 'People', 'Rule'
] as const

export const CURVE_COLUMNS = [
  'Model', 'Threshold', 'Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle', 'Mean', 'WeightedMean'
] as const

export function summaryCsv(rows: EvaluationRow[]): string {
  return csvDocument(
    SUMMARY_COLUMNS,
    rows.map(({ model, report, identity = {} }) => [
      model,
      ...GROUP_NAMES.map((g) => twoDecimals(report.at05.groups[g])),
      twoDecimals(report.at05.mean),
      twoDecimals(report.at05.weightedMean),
      twoDecimals(report.at01.weightedMean),
      twoDecimals(report.auc.weightedMean),
      identity.variant,
      identity.stacks,
      identity.epochs,
      identity.split,
      identity.labelRevision,
      report.people,
      report.rule === 'le' ? '<=' : '<'
    ])
  )
}

export function curvesCsv(rows: EvaluationRow[]): string {
  return csvDocument(
    CURVE_COLUMNS,
    rows.flatMap(({ model, report }) =>
      report.curve.map((t) => [
        model,
        twoDecimals(t.threshold),
        ...GROUP_NAMES.map((g) => twoDecimals(t.groups[g])),
        twoDecimals(t.mean),
        twoDecimals(t.weightedMean)
      ])
    )
  )
}
