// The MPII skeleton as the demo generator sees it: joint ids (reference §3.3), which side each joint is
// on, the flip pairs, and the kinematic tree used to complete and re-proportion a pose.

import { MPII_FLIP_PAIRS, MPII_JOINT_COUNT, MPII_JOINT_SIDES, MPII_MIRROR, type MpiiSide } from '../../../contract/mpii'

export const JOINT_COUNT = MPII_JOINT_COUNT

export const Joint = {
  rAnkle: 0,
  rKnee: 1,
  rHip: 2,
  lHip: 3,
  lKnee: 4,
  lAnkle: 5,
  pelvis: 6,
  thorax: 7,
  upperNeck: 8,
  headTop: 9,
  rWrist: 10,
  rElbow: 11,
  rShoulder: 12,
  lShoulder: 13,
  lElbow: 14,
  lWrist: 15
} as const

export const FLIP_PAIRS = MPII_FLIP_PAIRS
export const MIRROR = MPII_MIRROR
export type Side = MpiiSide

export function sideOf(joint: number): Side {
  return MPII_JOINT_SIDES[joint]
}

/** Parent of each joint in a tree rooted at the pelvis (-1 for the root). */
export const PARENT: readonly number[] = [
  1, 2, 6, 6, 3, 4, -1, 6, 7, 8, 11, 12, 7, 7, 13, 14
]

/** Joints in an order where every parent comes before its children. */
export const TREE_ORDER: readonly number[] = [6, 2, 3, 1, 4, 0, 5, 7, 8, 9, 12, 13, 11, 14, 10, 15]

/** Limb segments drawn as tapered capsules, proximal joint first. */
export const LIMBS = {
  rThigh: [Joint.rHip, Joint.rKnee],
  rShin: [Joint.rKnee, Joint.rAnkle],
  lThigh: [Joint.lHip, Joint.lKnee],
  lShin: [Joint.lKnee, Joint.lAnkle],
  rUpperArm: [Joint.rShoulder, Joint.rElbow],
  rForearm: [Joint.rElbow, Joint.rWrist],
  lUpperArm: [Joint.lShoulder, Joint.lElbow],
  lForearm: [Joint.lElbow, Joint.lWrist]
} as const
