import { describe, expect, it } from 'vitest'
import { completePose, headLengthOf, mirrorSkeleton, reproportion, rotateSkeleton } from './body'
import { distance } from './geometry'
import { loadPoseTable, type NormalisedPose } from './pose-table'
import { Random } from './random'
import { Joint as J } from './skeleton'

function poseWithout(missing: number[]): NormalisedPose {
  const pose = loadPoseTable().pose(0)
  return { joints: pose.joints.map((p, j) => (missing.includes(j) ? null : p)), visible: pose.visible.map((v, j) => v && !missing.includes(j)) }
}

describe('body', () => {
  it('keeps annotated joints and fills unannotated ones in anatomically sensible places', () => {
    const original = loadPoseTable().pose(0)
    const skeleton = completePose(poseWithout([J.rAnkle, J.lKnee, J.lAnkle, J.rWrist]))
    expect(skeleton.joints[J.rKnee]).toEqual(original.joints[J.rKnee])
    expect(skeleton.fromAnnotation[J.rAnkle]).toBe(false)
    expect(skeleton.fromAnnotation[J.rKnee]).toBe(true)
    const head = headLengthOf(skeleton.joints)
    // a filled knee hangs below its hip, a filled ankle below its knee, at thigh/shin lengths
    expect(skeleton.joints[J.lKnee].y).toBeGreaterThan(skeleton.joints[J.lHip].y)
    expect(skeleton.joints[J.lAnkle].y).toBeGreaterThan(skeleton.joints[J.lKnee].y)
    expect(distance(skeleton.joints[J.lKnee], skeleton.joints[J.lHip]) / head).toBeCloseTo(1.45, 1)
    expect(distance(skeleton.joints[J.rWrist], skeleton.joints[J.rElbow]) / head).toBeCloseTo(0.85, 1)
  })

  it('completes every pose of the table to 16 finite joints', () => {
    const table = loadPoseTable()
    for (let i = 0; i < table.count; i++) {
      const skeleton = completePose(table.pose(i))
      expect(skeleton.joints.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y))).toBe(true)
    }
  })

  it('mirrors by negating x and swapping left and right', () => {
    const skeleton = completePose(loadPoseTable().pose(5))
    const mirrored = mirrorSkeleton(skeleton)
    expect(mirrored.joints[J.lWrist]).toEqual({ x: -skeleton.joints[J.rWrist].x, y: skeleton.joints[J.rWrist].y })
    expect(mirrored.joints[J.pelvis].x).toBeCloseTo(-skeleton.joints[J.pelvis].x, 9)
    expect(mirrorSkeleton(mirrored).joints).toEqual(skeleton.joints.map((p) => ({ x: p.x === 0 ? 0 : p.x, y: p.y })))
  })

  it('re-proportions bones from the pelvis and rotates about the centre', () => {
    const skeleton = completePose(loadPoseTable().pose(7))
    const longLegs = reproportion(skeleton, { torso: 1, arms: 1, legs: 1.2, shoulders: 1, hips: 1 })
    expect(longLegs.joints[J.pelvis]).toEqual(skeleton.joints[J.pelvis])
    expect(longLegs.joints[J.headTop]).toEqual(skeleton.joints[J.headTop])
    expect(distance(longLegs.joints[J.rKnee], longLegs.joints[J.rHip])).toBeCloseTo(1.2 * distance(skeleton.joints[J.rKnee], skeleton.joints[J.rHip]), 9)
    const turned = rotateSkeleton(skeleton, Math.PI / 2)
    expect(turned.joints[J.headTop].x).toBeCloseTo(-skeleton.joints[J.headTop].y, 9)
  })

  it('draws the same numbers from the same seed and stream, different ones from another', () => {
    const a = Array.from({ length: 5 }, ((r) => () => r.uint32())(new Random(42, 2, 7)))
    const b = Array.from({ length: 5 }, ((r) => () => r.uint32())(new Random(42, 2, 7)))
    const c = Array.from({ length: 5 }, ((r) => () => r.uint32())(new Random(42, 2, 8)))
    expect(a).toEqual(b)
    expect(a).not.toEqual(c)
  })
})
