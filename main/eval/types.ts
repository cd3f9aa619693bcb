// The two inputs of every evaluation, as flat typed arrays in person-major order ([person][joint][x, y]),
// whatever file or table they came from. Coordinates are in the ground truth's convention: MPII's
// 1-based MATLAB pixels for the real files and the project's index alike.
import { badInput } from '../errors'
import { JOINT_COUNT, JOINT_NAMES } from './joints'

export interface EvalGroundTruth {
  /** Where it came from (a file path, "project split val"), for error messages and reports. */
  source: string
  count: number
  /** [count * 16 * 2] x, y per joint. Values of missing joints are never read. */
  joints: Float64Array
  /** [count * 16] 1 where the joint is unannotated (MPII `jnt_missing`): only these are left out. */
  missing: Uint8Array
  /** [count * 4] head box x1, y1, x2, y2 per person. */
  headBoxes: Float64Array
  /** The project's person ids in the same order, when the ground truth came from the project. */
  personIds?: readonly number[]
  /** Image names in the same order, when known (shown in rankings). */
  imageNames?: readonly string[]
  /** The project's image ids in the same order, when the ground truth came from the project (the editor opens them). */
  imageIds?: readonly number[]
}

export interface PredictionSet {
  /** Where it came from (a file path, "run 3"), for error messages. */
  source: string
  count: number
  /** [count * 16 * 2] x, y per joint. */
  coords: Float64Array
  /** [count * 16] per-joint confidence (heatmap maximum), when the source has one. */
  confidence?: Float64Array
}

/** 0.6 x the head-box diagonal: MPII's head size (`SC_BIAS = 0.6`, pyranet-reference.md §4.1). */
export const HEAD_SIZE_FACTOR = 0.6

export function headSize(gt: EvalGroundTruth, person: number): number {
  const b = person * 4
  return HEAD_SIZE_FACTOR * Math.hypot(gt.headBoxes[b + 2] - gt.headBoxes[b], gt.headBoxes[b + 3] - gt.headBoxes[b + 1])
}

export function jointName(joint: number): string {
  return `${joint} (${JOINT_NAMES[joint]})`
}

/**
 * Checks what the arithmetic relies on: sizes agree, every annotated joint has finite coordinates, and
 * every person with an annotated joint has a head box of positive size.
 */
export function validateGroundTruth(gt: EvalGroundTruth): void {
  const { source, count } = gt
  if (!Number.isInteger(count) || count < 1) throw badInput(`${source}: the ground truth has no people`, 'groundTruth')
  expectLength(source, 'joint coordinates', gt.joints.length, count * JOINT_COUNT * 2)
  expectLength(source, 'missing-joint flags', gt.missing.length, count * JOINT_COUNT)
  expectLength(source, 'head boxes', gt.headBoxes.length, count * 4)
  if (gt.personIds && gt.personIds.length !== count) expectLength(source, 'person ids', gt.personIds.length, count)
  for (let n = 0; n < count; n++) {
    let annotated = 0
    for (let j = 0; j < JOINT_COUNT; j++) {
      if (gt.missing[n * JOINT_COUNT + j]) continue
      annotated++
      const k = (n * JOINT_COUNT + j) * 2
      if (!Number.isFinite(gt.joints[k]) || !Number.isFinite(gt.joints[k + 1])) {
        throw badInput(`${source}: person ${n}, joint ${jointName(j)} is annotated but its position is not a number`, 'groundTruth')
      }
    }
    if (annotated === 0) continue
    const size = headSize(gt, n)
    if (!(size > 0) || !Number.isFinite(size)) {
      const box = Array.from(gt.headBoxes.subarray(n * 4, n * 4 + 4)).join(', ')
      throw badInput(`${source}: person ${n} has annotated joints but no usable head box (${box}); PCKh needs one`, 'groundTruth')
    }
  }
}

/** Checks a prediction set against the ground truth (or the people) it is to be scored on. */
export function validatePredictions(gt: Pick<EvalGroundTruth, 'source' | 'count'>, preds: PredictionSet): void {
  const { source } = preds
  if (preds.count < gt.count) {
    throw badInput(
      `${source}: predictions for ${preds.count} people, but the ground truth (${gt.source}) has ${gt.count}; ` +
        `${gt.count - preds.count} people are missing`,
      'predictions'
    )
  }
  if (preds.count > gt.count) {
    throw badInput(`${source}: predictions for ${preds.count} people, but the ground truth (${gt.source}) has only ${gt.count}`, 'predictions')
  }
  expectLength(source, 'prediction coordinates', preds.coords.length, preds.count * JOINT_COUNT * 2)
  if (preds.confidence) expectLength(source, 'confidences', preds.confidence.length, preds.count * JOINT_COUNT)
  for (let i = 0; i < preds.coords.length; i++) {
    if (!Number.isFinite(preds.coords[i])) {
      const person = Math.floor(i / (JOINT_COUNT * 2))
      const joint = Math.floor(i / 2) % JOINT_COUNT
      throw badInput(
        `${source}: person ${person}, joint ${jointName(joint)}: ${i % 2 ? 'y' : 'x'} is ${preds.coords[i]}, not a finite number`,
        'predictions'
      )
    }
  }
}

function expectLength(source: string, what: string, actual: number, expected: number): void {
  if (actual !== expected) throw badInput(`${source}: ${what} hold ${actual} values, expected ${expected}`)
}
