// The MPII skeleton as the demo generator sees it: joint ids (reference §3.3), which side each joint is
// on, the flip pairs, and the kinematic tree used to complete and re-proportion a pose.

export const JOINT_COUNT = 16

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

export const JOINT_NAMES = [
  'r_ankle', 'r_knee', 'r_hip', 'l_hip', 'l_knee', 'l_ankle', 'pelvis', 'thorax',
  'upper_neck', 'head_top', 'r_wrist', 'r_elbow', 'r_shoulder', 'l_shoulder', 'l_elbow', 'l_wrist'
] as const

export const FLIP_PAIRS: ReadonlyArray<readonly [number, number]> = [
  [0, 5], [1, 4], [2, 3], [10, 15], [11, 14], [12, 13]
]

/** The joint's mirror partner (itself for the centre line). */
export const MIRROR: readonly number[] = (() => {
  const mirror = Array.from({ length: JOINT_COUNT }, (_, j) => j)
  for (const [a, b] of FLIP_PAIRS) {
    mirror[a] = b
    mirror[b] = a
  }
  return mirror
})()

export type Side = 'right' | 'left' | 'centre'

export function sideOf(joint: number): Side {
  if ([0, 1, 2, 10, 11, 12].includes(joint)) return 'right'
  if ([3, 4, 5, 13, 14, 15].includes(joint)) return 'left'
  return 'centre'
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
