// From a real MPII pose (some joints unannotated) to the complete 16-joint skeleton of one synthetic
// person: fill in what the annotators could not see with typical proportions, optionally mirror it,
// tilt it and vary the limb proportions. Everything here is in the pose table's units (offsets from the
// person's centre in units of its scale), so the person's MPII centre stays at the origin.
import { add, length, lerp, perpendicular, rotate, scale, sub, unit, type Vec } from './geometry'
import type { NormalisedPose } from './pose-table'
import type { Random } from './random'
import { Joint as J, JOINT_COUNT, MIRROR, PARENT, TREE_ORDER } from './skeleton'

/**
 * Head length (upper neck to head top) in pose-table units when nothing else is known. In the real
 * files MPII's raw scale is 0.03 x this length (measured on all 2,958 val.h5 people), and the h5 scale is
 * 1.25 x the raw scale, so the length is 1 / (0.03 x 1.25) = 26.7 units.
 */
export const HEAD_LENGTH_UNITS = 1 / (0.03 * 1.25)

/** Bone lengths as multiples of the head length, a little above the median projected lengths in val.h5. */
const TYPICAL = { torso: 1.8, neck: 0.25, hipHalf: 0.33, shoulderHalf: 0.55, thigh: 1.45, shin: 1.4, upperArm: 1.0, forearm: 0.85 }

export interface Skeleton {
  joints: Vec[]
  /** Which joints the source annotators had labelled (the rest were filled in). */
  fromAnnotation: boolean[]
}

/** Fills every unannotated joint of a real pose so a whole body can be drawn. */
export function completePose(pose: NormalisedPose): Skeleton {
  const known = pose.joints.map((joint) => joint !== null)
  const p: (Vec | null)[] = pose.joints.map((joint) => (joint ? { ...joint } : null))
  const has = (j: number) => p[j] !== null
  const at = (j: number) => p[j]!

  const headLength =
    has(J.upperNeck) && has(J.headTop) && length(sub(at(J.headTop), at(J.upperNeck))) > 1
      ? length(sub(at(J.headTop), at(J.upperNeck)))
      : has(J.thorax) && has(J.pelvis)
        ? length(sub(at(J.thorax), at(J.pelvis))) / TYPICAL.torso
        : HEAD_LENGTH_UNITS
  const up: Vec = { x: 0, y: -1 }

  if (!has(J.thorax)) {
    p[J.thorax] = has(J.rShoulder) && has(J.lShoulder) ? lerp(at(J.rShoulder), at(J.lShoulder), 0.5)
      : has(J.upperNeck) ? add(at(J.upperNeck), { x: 0, y: TYPICAL.neck * headLength })
      : has(J.pelvis) ? add(at(J.pelvis), scale(up, TYPICAL.torso * headLength))
      : { x: 0, y: -0.8 * TYPICAL.torso * headLength }
  }
  if (!has(J.pelvis)) {
    p[J.pelvis] = has(J.rHip) && has(J.lHip) ? lerp(at(J.rHip), at(J.lHip), 0.5)
      : add(at(J.thorax), { x: 0, y: TYPICAL.torso * headLength })
  }
  const down = unit(sub(at(J.pelvis), at(J.thorax)))
  if (!has(J.upperNeck)) {
    p[J.upperNeck] = has(J.headTop) ? add(at(J.headTop), scale(down, headLength))
      : add(at(J.thorax), scale(down, -TYPICAL.neck * headLength))
  }
  if (!has(J.headTop)) {
    p[J.headTop] = add(at(J.upperNeck), scale(unit(sub(at(J.upperNeck), at(J.thorax)), scale(down, -1)), headLength))
  }
  // A person facing the camera shows its right side on the image's left.
  const toRight = scale(perpendicular(down), 1)
  const pair = (right: number, left: number, centre: number, half: number) => {
    if (!has(right) && has(left)) p[right] = sub(scale(at(centre), 2), at(left))
    else if (has(right) && !has(left)) p[left] = sub(scale(at(centre), 2), at(right))
    else if (!has(right) && !has(left)) {
      p[right] = add(at(centre), scale(toRight, half * headLength))
      p[left] = add(at(centre), scale(toRight, -half * headLength))
    }
  }
  pair(J.rHip, J.lHip, J.pelvis, TYPICAL.hipHalf)
  pair(J.rShoulder, J.lShoulder, J.thorax, TYPICAL.shoulderHalf)
  const extend = (joint: number, from: number, direction: Vec, bone: number) => {
    if (!has(joint)) p[joint] = add(at(from), scale(direction, bone * headLength))
  }
  for (const [hip, knee, ankle] of [[J.rHip, J.rKnee, J.rAnkle], [J.lHip, J.lKnee, J.lAnkle]]) {
    extend(knee, hip, down, TYPICAL.thigh)
    extend(ankle, knee, unit(sub(at(knee), at(hip)), down), TYPICAL.shin)
  }
  for (const [shoulder, elbow, wrist] of [[J.rShoulder, J.rElbow, J.rWrist], [J.lShoulder, J.lElbow, J.lWrist]]) {
    extend(elbow, shoulder, down, TYPICAL.upperArm)
    extend(wrist, elbow, unit(sub(at(elbow), at(shoulder)), down), TYPICAL.forearm)
  }
  return { joints: p.map((joint) => joint!), fromAnnotation: known }
}

/** The mirror image: x negated and left and right swapped, as a horizontal flip of the photo would. */
export function mirrorSkeleton(skeleton: Skeleton): Skeleton {
  return {
    joints: MIRROR.map((m) => ({ x: -skeleton.joints[m].x, y: skeleton.joints[m].y })),
    fromAnnotation: MIRROR.map((m) => skeleton.fromAnnotation[m])
  }
}

export function rotateSkeleton(skeleton: Skeleton, radians: number): Skeleton {
  return { ...skeleton, joints: skeleton.joints.map((joint) => rotate(joint, radians)) }
}

export interface Proportions {
  torso: number
  arms: number
  legs: number
  shoulders: number
  hips: number
}

export function randomProportions(random: Random): Proportions {
  const around = (sd: number) => Math.min(1 + 2 * sd, Math.max(1 - 2 * sd, random.normal(1, sd)))
  return { torso: around(0.05), arms: around(0.06), legs: around(0.06), shoulders: around(0.08), hips: around(0.08) }
}

/** Stretches each bone by its group's factor, rebuilding the skeleton outward from the pelvis. */
export function reproportion(skeleton: Skeleton, proportions: Proportions): Skeleton {
  const factor = (joint: number): number => {
    switch (joint) {
      case J.rHip: case J.lHip: return proportions.hips
      case J.rKnee: case J.lKnee: case J.rAnkle: case J.lAnkle: return proportions.legs
      case J.thorax: case J.upperNeck: return proportions.torso
      case J.rShoulder: case J.lShoulder: return proportions.shoulders
      case J.rElbow: case J.lElbow: case J.rWrist: case J.lWrist: return proportions.arms
      default: return 1
    }
  }
  const out: Vec[] = new Array(JOINT_COUNT)
  for (const joint of TREE_ORDER) {
    const parent = PARENT[joint]
    out[joint] = parent < 0 ? skeleton.joints[joint]
      : add(out[parent], scale(sub(skeleton.joints[joint], skeleton.joints[parent]), factor(joint)))
  }
  return { ...skeleton, joints: out }
}

export function headLengthOf(joints: readonly Vec[]): number {
  return length(sub(joints[J.headTop], joints[J.upperNeck]))
}
