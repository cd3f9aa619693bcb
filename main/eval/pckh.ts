// PCKh as the MPII protocol defines it (pyranet-reference.md §5.2-5.6): a joint is correct when its error,
// divided by 0.6 x the person's head-box diagonal, is within the threshold. Only unannotated joints are
// left out; occluded but annotated joints count.
//
// Two Means are reported, both over the same 14 joints (pelvis and thorax dropped):
//   mean         - the unweighted average of the 14 per-joint PCKh values, as the Tompson/bearpaw script
//                  (and so the original PyraNet tool) prints it;
//   weightedMean - every annotated joint instance pooled, i.e. weighted by joint count, as HRNet, MMPose
//                  and the official MPII toolkit ("Total") report it. About +0.5 on real predictions.
// PCKh@0.1 uses the threshold 0.10 exactly (not HRNet's off-by-one 0.11). The curve runs over the 51
// thresholds k/100, k = 0..50, and its area is the trapezoid rule over them divided by 0.5 (the MPII
// toolkit's `area_under_curve(scale01(0:0.01:0.5), ...)`), in percent.
//
// Rule at the threshold: 'le' (error <= threshold) is the default, as in the official MPII toolkit and
// HRNet; 'lt' (<) is the Tompson/bearpaw and MMPose convention. They differ only on exact ties, which
// float predictions essentially never hit (the published tables are identical under both) but integer
// coordinates against integer head boxes can.
import { GROUP_JOINTS, GROUP_NAMES, JOINT_COUNT, SCORED_JOINTS, type GroupName } from './joints'
import { headSize, validateGroundTruth, validatePredictions, type EvalGroundTruth, type PredictionSet } from './types'

export type ThresholdRule = 'le' | 'lt'

/** Per person and joint: error / head size; NaN where the joint is unannotated. */
export interface NormalisedErrors {
  count: number
  /** [count * 16] */
  values: Float64Array
}

export interface PckhTable {
  threshold: number
  /** Percent per joint (MPII order); null for a joint with no annotated instance. */
  perJoint: (number | null)[]
  /** Percent per group of the published table (left/right averaged). */
  groups: Record<GroupName, number | null>
  /** Unweighted mean of the 14 scored joints (Tompson/bearpaw "Mean"). */
  mean: number | null
  /** Joint-count-weighted mean of the 14 scored joints (HRNet/MMPose "Mean", MPII toolkit "Total"). */
  weightedMean: number | null
}

export interface AreaUnderCurve {
  /** The AUC of the pooled total (the headline number, pyranet-reference.md §5.6). */
  weightedMean: number | null
  mean: number | null
  groups: Record<GroupName, number | null>
}

export interface PckhReport {
  rule: ThresholdRule
  people: number
  /** Annotated instances per joint (the weights of weightedMean). */
  jointCounts: number[]
  /** PCKh@0.5 */
  at05: PckhTable
  /** PCKh@0.1 */
  at01: PckhTable
  /** One table per threshold in CURVE_THRESHOLDS. */
  curve: PckhTable[]
  /** Percent; trapezoid over CURVE_THRESHOLDS, normalised by 0.5. */
  auc: AreaUnderCurve
}

export interface PckhOptions {
  rule?: ThresholdRule
}

const CURVE_STEPS = 50
/** 0, 0.01, …, 0.5 as k/100, so 0.1 and 0.5 are exactly the doubles nearest to them. */
export const CURVE_THRESHOLDS: readonly number[] = Array.from({ length: CURVE_STEPS + 1 }, (_, k) => k / 100)
export const CURVE_END = 0.5

export function normalisedErrors(gt: EvalGroundTruth, preds: PredictionSet): NormalisedErrors {
  validateGroundTruth(gt)
  validatePredictions(gt, preds)
  const values = new Float64Array(gt.count * JOINT_COUNT)
  for (let n = 0; n < gt.count; n++) {
    const size = headSize(gt, n)
    for (let j = 0; j < JOINT_COUNT; j++) {
      const i = n * JOINT_COUNT + j
      if (gt.missing[i]) {
        values[i] = NaN
        continue
      }
      const dx = preds.coords[i * 2] - gt.joints[i * 2]
      const dy = preds.coords[i * 2 + 1] - gt.joints[i * 2 + 1]
      values[i] = Math.hypot(dx, dy) / size
    }
  }
  return { count: gt.count, values }
}

/** Sorted annotated errors per joint: counting hits at any threshold is then a binary search. */
class JointErrors {
  private readonly sorted: Float64Array[] = []

  constructor(errors: NormalisedErrors) {
    for (let j = 0; j < JOINT_COUNT; j++) {
      const list: number[] = []
      for (let n = 0; n < errors.count; n++) {
        const e = errors.values[n * JOINT_COUNT + j]
        if (!Number.isNaN(e)) list.push(e)
      }
      this.sorted.push(Float64Array.from(list).sort())
    }
  }

  count(joint: number): number {
    return this.sorted[joint].length
  }

  hits(joint: number, threshold: number, rule: ThresholdRule): number {
    const a = this.sorted[joint]
    let lo = 0
    let hi = a.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (rule === 'le' ? a[mid] <= threshold : a[mid] < threshold) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

export function pckhReport(errors: NormalisedErrors, { rule = 'le' }: PckhOptions = {}): PckhReport {
  const joints = new JointErrors(errors)
  const table = (threshold: number) => pckhTable(joints, threshold, rule)
  const curve = CURVE_THRESHOLDS.map(table)
  return {
    rule,
    people: errors.count,
    jointCounts: Array.from({ length: JOINT_COUNT }, (_, j) => joints.count(j)),
    at05: table(0.5),
    at01: table(0.1),
    curve,
    auc: {
      weightedMean: areaUnderCurve(curve.map((t) => t.weightedMean)),
      mean: areaUnderCurve(curve.map((t) => t.mean)),
      groups: Object.fromEntries(GROUP_NAMES.map((g) => [g, areaUnderCurve(curve.map((t) => t.groups[g]))])) as Record<
        GroupName,
        number | null
      >
    }
  }
}

/** Validates both inputs, then scores: the one call most callers need. */
export function scorePredictions(gt: EvalGroundTruth, preds: PredictionSet, options: PckhOptions = {}): PckhReport {
  return pckhReport(normalisedErrors(gt, preds), options)
}

function pckhTable(joints: JointErrors, threshold: number, rule: ThresholdRule): PckhTable {
  const perJoint: (number | null)[] = []
  for (let j = 0; j < JOINT_COUNT; j++) {
    const count = joints.count(j)
    perJoint.push(count ? (100 * joints.hits(j, threshold, rule)) / count : null)
  }
  const groups = Object.fromEntries(GROUP_NAMES.map((g) => [g, average(GROUP_JOINTS[g].map((j) => perJoint[j]))])) as Record<
    GroupName,
    number | null
  >
  let hits = 0
  let total = 0
  for (const j of SCORED_JOINTS) {
    hits += joints.hits(j, threshold, rule)
    total += joints.count(j)
  }
  return {
    threshold,
    perJoint,
    groups,
    mean: average(SCORED_JOINTS.map((j) => perJoint[j])),
    weightedMean: total ? (100 * hits) / total : null
  }
}

/** Mean of the values that exist: a joint nobody annotated drops out rather than voiding the mean. */
function average(values: (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null)
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null
}

/** Trapezoid rule over CURVE_THRESHOLDS, divided by the range, so a perfect curve gives 100. */
export function areaUnderCurve(values: (number | null)[]): number | null {
  if (values.length !== CURVE_THRESHOLDS.length || values.some((v) => v === null)) return null
  const v = values as number[]
  let area = 0
  for (let k = 1; k < v.length; k++) area += ((v[k - 1] + v[k]) / 2) * (CURVE_THRESHOLDS[k] - CURVE_THRESHOLDS[k - 1])
  return area / CURVE_END
}
