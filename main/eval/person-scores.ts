// One summary per person of how far a prediction set is from the ground truth, in head sizes. The error
// ranking orders people by it and the paired comparison differences it.
import { JOINT_COUNT, SCORED_JOINTS } from './joints'
import type { NormalisedErrors, ThresholdRule } from './pckh'

export interface PersonScore {
  /** Position in the ground truth. */
  index: number
  /** Annotated joints among those considered. */
  annotated: number
  /** Percent of the annotated joints within the threshold (the person's own PCKh); null with none annotated. */
  pckh: number | null
  /** Mean normalised error over the annotated joints. */
  meanError: number | null
  /** The annotated joint with the largest normalised error (the editor opens there). */
  worstJoint: number | null
  worstError: number | null
}

export type JointSelection = 'scored' | 'all'

export interface PersonScoreOptions {
  rule?: ThresholdRule
  /** Default 0.5. */
  threshold?: number
  /** 'scored' (default): the 14 joints of the PCKh Mean; 'all': pelvis and thorax too. */
  joints?: JointSelection
}

export const ALL_JOINTS: readonly number[] = Array.from({ length: JOINT_COUNT }, (_, j) => j)

export function jointsOf(selection: JointSelection): readonly number[] {
  return selection === 'all' ? ALL_JOINTS : SCORED_JOINTS
}

export function personScores(errors: NormalisedErrors, options: PersonScoreOptions = {}): PersonScore[] {
  const { rule = 'le', threshold = 0.5, joints = 'scored' } = options
  const considered = jointsOf(joints)
  const scores: PersonScore[] = []
  for (let n = 0; n < errors.count; n++) {
    let annotated = 0
    let within = 0
    let sum = 0
    let worstJoint: number | null = null
    let worstError = -Infinity
    for (const j of considered) {
      const e = errors.values[n * JOINT_COUNT + j]
      if (Number.isNaN(e)) continue
      annotated++
      sum += e
      if (rule === 'le' ? e <= threshold : e < threshold) within++
      if (e > worstError) {
        worstError = e
        worstJoint = j
      }
    }
    scores.push({
      index: n,
      annotated,
      pckh: annotated ? (100 * within) / annotated : null,
      meanError: annotated ? sum / annotated : null,
      worstJoint,
      worstError: annotated ? worstError : null
    })
  }
  return scores
}
