// The MPII skeleton as plain constants both sides share: joint ids and names, the limbs drawn between
// them, each joint's side, and the left/right pairs a flip (or a "swap left and right") exchanges.
// Joint order is MPII's annopoints id (architecture.md "Data facts"; pyranet-reference §3.3).

export const MPII_JOINT_COUNT = 16

/** Short names, index = MPII joint id (Tompson's `dataset_joints`). */
export const MPII_JOINT_KEYS = [
  'rank', 'rkne', 'rhip', 'lhip', 'lkne', 'lank', 'pelv', 'thor',
  'neck', 'head', 'rwri', 'relb', 'rsho', 'lsho', 'lelb', 'lwri'
] as const

/** Names for people, index = MPII joint id. */
export const MPII_JOINT_LABELS = [
  'right ankle', 'right knee', 'right hip', 'left hip', 'left knee', 'left ankle', 'pelvis', 'thorax',
  'upper neck', 'head top', 'right wrist', 'right elbow', 'right shoulder', 'left shoulder', 'left elbow', 'left wrist'
] as const

export type MpiiSide = 'right' | 'left' | 'centre'

/** The person's own side (MPII's "right" is the person's right, usually on the image's left). */
export const MPII_JOINT_SIDES: readonly MpiiSide[] = [
  'right', 'right', 'right', 'left', 'left', 'left', 'centre', 'centre',
  'centre', 'centre', 'right', 'right', 'right', 'left', 'left', 'left'
]

/** Left/right pairs a horizontal flip or a left/right swap exchanges. */
export const MPII_FLIP_PAIRS: ReadonlyArray<readonly [number, number]> = [
  [0, 5], [1, 4], [2, 3], [10, 15], [11, 14], [12, 13]
]

/** Each joint's mirror partner (itself on the centre line). */
export const MPII_MIRROR: readonly number[] = (() => {
  const mirror = Array.from({ length: MPII_JOINT_COUNT }, (_, j) => j)
  for (const [a, b] of MPII_FLIP_PAIRS) {
    mirror[a] = b
    mirror[b] = a
  }
  return mirror
})()

export interface MpiiLimb {
  from: number
  to: number
  /** The side it is drawn in: a limb touching one side's joint belongs to that side. */
  side: MpiiSide
}

/** The 15 limbs of the MPII skeleton: legs to the pelvis, spine to the head top, arms to the thorax. */
export const MPII_LIMBS: readonly MpiiLimb[] = (
  [
    [0, 1], [1, 2], [2, 6], [3, 6], [4, 3], [5, 4],
    [6, 7], [7, 8], [8, 9],
    [10, 11], [11, 12], [12, 7], [13, 7], [14, 13], [15, 14]
  ] as const
).map(([from, to]) => {
  const sides = [MPII_JOINT_SIDES[from], MPII_JOINT_SIDES[to]]
  const side = sides.find((s) => s !== 'centre') ?? 'centre'
  return { from, to, side }
})

/**
 * The order a keyboard walks through a person's joints: head down the spine, the right arm, the left
 * arm, the right leg, the left leg — the order annotators place them in, not the id order.
 */
export const MPII_WALK_ORDER: readonly number[] = [9, 8, 7, 12, 11, 10, 13, 14, 15, 6, 2, 1, 0, 3, 4, 5]
