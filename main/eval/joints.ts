// The MPII joints as the evaluation sees them: their order, which of them the PCKh Mean scores, and the
// seven groups of the published table. Order and short names follow `dataset_joints` in Tompson's
// `detections_our_format.mat` (pyranet-reference.md §3.3, §5.2).

import { MPII_JOINT_COUNT, MPII_JOINT_KEYS, MPII_JOINT_LABELS } from '../../contract/mpii'

export const JOINT_COUNT = MPII_JOINT_COUNT
/** Short names (Tompson's `dataset_joints`), index = MPII joint id. */
export const JOINT_NAMES = MPII_JOINT_KEYS
export const JOINT_LABELS = MPII_JOINT_LABELS

export const PELVIS = 6
export const THORAX = 7

/**
 * The 14 joints every Mean is taken over: pelvis and thorax are dropped (Tompson's `PCKh.mask[6:8]`,
 * MATLAB `PCKh([1:6, 9:16])`), upper neck stays in.
 */
export const SCORED_JOINTS: readonly number[] = Array.from({ length: JOINT_COUNT }, (_, j) => j).filter(
  (j) => j !== PELVIS && j !== THORAX
)

export const GROUP_NAMES = ['head', 'shoulder', 'elbow', 'wrist', 'hip', 'knee', 'ankle'] as const
export type GroupName = (typeof GROUP_NAMES)[number]

/** The published table's columns: Head is the head top alone, the rest average left and right. */
export const GROUP_JOINTS: Readonly<Record<GroupName, readonly number[]>> = {
  head: [9],
  shoulder: [12, 13],
  elbow: [11, 14],
  wrist: [10, 15],
  hip: [2, 3],
  knee: [1, 4],
  ankle: [0, 5]
}

export const GROUP_LABELS: Readonly<Record<GroupName, string>> = {
  head: 'Head',
  shoulder: 'Shoulder',
  elbow: 'Elbow',
  wrist: 'Wrist',
  hip: 'Hip',
  knee: 'Knee',
  ankle: 'Ankle'
}
