// What the skeleton components draw, independent of where the people come from (labels, a run's
// predictions, an evaluation's worst cases). Coordinates are MPII's 1-based pixel positions, as the
// dataset and the eval contract carry them; `toPlane` is the one conversion to canvas coordinates.
import type { Person } from '../../../../contract'
import { MPII_JOINT_SIDES, type MpiiSide } from '../../../../contract/mpii'

export type HeadBox = NonNullable<Person['headBox']>

export type SkeletonJointState = 'visible' | 'occluded' | 'missing'

export interface SkeletonJoint {
  x: number | null
  y: number | null
  state: SkeletonJointState
  /** A prediction's heatmap maximum (0..1), drawn as the handle's opacity. */
  confidence?: number | null
}

export interface SkeletonPerson {
  id: number
  joints: readonly SkeletonJoint[]
  /** Shows the "edited" marker. */
  edited?: boolean
  /** Short text drawn beside the person ("P1"). */
  label?: string
}

export interface SkeletonColours {
  right: string
  left: string
  centre: string
  /** Ring around the selected joint. */
  selected: string
}

/** Right orange, left blue, centre violet: the workbench's CSS variables --right/--left/--center. */
export const LABEL_COLOURS: SkeletonColours = { right: '#f0883e', left: '#4fb3f7', centre: '#c297ff', selected: '#ffffff' }
/** Predictions: the same sides in lighter, yellower tones so labels and predictions never look alike. */
export const PREDICTION_COLOURS: SkeletonColours = { right: '#ffd166', left: '#a0f0a0', centre: '#f5f5a0', selected: '#ffffff' }

export function sideColour(colours: SkeletonColours, side: MpiiSide): string {
  return colours[side]
}

export function jointColour(colours: SkeletonColours, joint: number): string {
  return colours[MPII_JOINT_SIDES[joint]]
}

/**
 * MPII 1-based pixel positions to the canvas plane, where the image spans [0, W] × [0, H] and pixel k
 * (0-based) covers [k, k + 1): the centre of MPII pixel 1 is 0.5 (main/dataset/conventions.ts).
 */
export function toPlane(value: number): number {
  return value - 0.5
}

export function fromPlane(value: number): number {
  return value + 0.5
}

export interface JointRef {
  personId: number
  joint: number
}
