// The MPII joint layout as the data pipeline needs it: how many, and which swap under a horizontal flip
// (pyranet-reference.md §3.3).
export const JOINT_COUNT = 16

/** Left/right pairs, 0-based MPII ids: ankles, knees, hips, wrists, elbows, shoulders. */
export const FLIP_PAIRS: ReadonlyArray<readonly [number, number]> = [
  [0, 5], [1, 4], [2, 3], [10, 15], [11, 14], [12, 13]
]

/** The joint each joint becomes in a mirrored image (itself on the centre line). */
export const FLIP_PARTNER: readonly number[] = (() => {
  const partner = Array.from({ length: JOINT_COUNT }, (_, j) => j)
  for (const [a, b] of FLIP_PAIRS) {
    partner[a] = b
    partner[b] = a
  }
  return partner
})()

/** A joint's annotation state, as the snapshot carries it. */
export const JointState = { missing: 0, visible: 1, occluded: 2 } as const
export type JointStateCode = (typeof JointState)[keyof typeof JointState]
