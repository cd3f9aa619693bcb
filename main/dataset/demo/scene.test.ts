import { describe, expect, it } from 'vitest'
import { loadPoseTable } from './pose-table'
import { headBoxFor, jointVisibility, planScene, scaleForHeadLength, type DemoPerson } from './scene'
import type { Shape } from './shapes'
import { Joint as J } from './skeleton'

const table = loadPoseTable()
const grey = { r: 128, g: 128, b: 128 }

function plannedPeople(count: number, seed = 5): { person: DemoPerson; width: number; height: number }[] {
  const out: { person: DemoPerson; width: number; height: number }[] = []
  for (let index = 0; index < count; index++) {
    const scene = planScene(table, { seed, index, poses: index % 5 === 0 ? [index, index + 1] : [index] })
    for (const person of scene.people) out.push({ person, width: scene.width, height: scene.height })
  }
  return out
}

describe('scene', () => {
  it('builds the MPII head box: centred on the head segment, diagonal 1.25 x its length', () => {
    const [x1, y1, x2, y2] = headBoxFor({ x: 100, y: 200 }, { x: 110, y: 120 }, 0.77)
    expect((x1 + x2) / 2).toBeCloseTo(105, 9)
    expect((y1 + y2) / 2).toBeCloseTo(160, 9)
    expect(Math.hypot(x2 - x1, y2 - y1)).toBeCloseTo(1.25 * Math.hypot(10, 80), 9)
    expect((x2 - x1) / (y2 - y1)).toBeCloseTo(0.77, 9)
    expect(scaleForHeadLength(100)).toBeCloseTo(3, 9)
  })

  it('calls a joint occluded exactly when something other than its own body part lies on top of it', () => {
    const joints = Array.from({ length: 16 }, (_, j) => ({ x: 20 * j + 10, y: 50 }))
    const shapes: Shape[] = [
      // person 0's forearm, covering elbow and wrist
      { geometry: { kind: 'capsule', a: joints[J.rElbow], b: joints[J.rWrist], ra: 6, rb: 6 }, fill: grey, owner: { person: 0, joints: [J.rElbow, J.rWrist] } },
      // a box over the wrist, drawn later
      { geometry: { kind: 'rect', centre: joints[J.rWrist], width: 8, height: 8, angle: 0, corner: 0 }, fill: grey },
      // another person's limb over the knee
      { geometry: { kind: 'ellipse', centre: joints[J.rKnee], rx: 5, ry: 5, angle: 0 }, fill: grey, owner: { person: 1, joints: [J.rKnee] } }
    ]
    const visible = jointVisibility(0, joints, shapes)
    expect(visible[J.rElbow]).toBe(true)
    expect(visible[J.rWrist]).toBe(false)
    expect(visible[J.rKnee]).toBe(false)
    expect(visible[J.rAnkle]).toBe(true)
  })

  it('annotates like MPII: joints outside the frame unannotated, some occluded, scales and head boxes in range', () => {
    const people = plannedPeople(150)
    let annotated = 0
    let occluded = 0
    let missing = 0
    for (const { person, width, height } of people) {
      person.joints.forEach((p, j) => {
        if (!p) {
          missing++
          expect(person.visible[j]).toBe(false)
          return
        }
        annotated++
        if (!person.visible[j]) occluded++
        // 1-based pixel coordinates inside the image
        expect(p[0]).toBeGreaterThanOrEqual(0.5)
        expect(p[1]).toBeGreaterThanOrEqual(0.5)
        expect(p[0]).toBeLessThan(width + 0.5)
        expect(p[1]).toBeLessThan(height + 0.5)
      })
      const [x1, y1, x2, y2] = person.headBox
      const diagonal = Math.hypot(x2 - x1, y2 - y1)
      // MPII's raw scale is 0.024 x the head-box diagonal (normalize / scale = 20 in every val.h5 row)
      expect(0.6 * diagonal / (1.25 * person.scale)).toBeCloseTo(20, 1)
      expect((x2 - x1) / (y2 - y1)).toBeGreaterThan(0.6)
      expect((x2 - x1) / (y2 - y1)).toBeLessThan(1.05)
      // people fill a good part of a 320-480 px image (val.h5's raw scales run 0.6-12 on photos of ~1280 px)
      expect(person.scale).toBeGreaterThan(0.3)
      expect(person.scale).toBeLessThan(4)
      const neck = person.joints[J.upperNeck]
      const top = person.joints[J.headTop]
      if (neck && top) {
        expect((x1 + x2) / 2).toBeCloseTo((neck[0] + top[0]) / 2, 1)
        expect(diagonal / Math.hypot(top[0] - neck[0], top[1] - neck[1])).toBeCloseTo(1.25, 2)
      }
    }
    expect(people.length).toBe(180)
    // val.h5 has 23% of annotated joints occluded; the synthetic people should be in the same region
    expect(occluded / annotated).toBeGreaterThan(0.08)
    expect(occluded / annotated).toBeLessThan(0.35)
    // some people are cut by the frame
    expect(missing).toBeGreaterThan(0)
    expect(missing / (16 * people.length)).toBeLessThan(0.15)
  })

  it('plans the same scene from the same seed and index', () => {
    const a = planScene(table, { seed: 9, index: 3, poses: [10, 20] })
    const b = planScene(table, { seed: 9, index: 3, poses: [10, 20] })
    const c = planScene(table, { seed: 9, index: 4, poses: [10, 20] })
    expect(b.people).toEqual(a.people)
    expect(b.background.pixels.equals(a.background.pixels)).toBe(true)
    expect(c.people).not.toEqual(a.people)
    expect(a.people.map((p) => p.source.pose)).toEqual([10, 20])
  })
})
