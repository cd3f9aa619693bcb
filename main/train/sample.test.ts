// The crop maths and the sample renderer: joints land where the image content lands, flips swap the
// left/right channels, and the flip of a heatmap is exactly the heatmap of the flipped crop.
import { describe, expect, it } from 'vitest'
import { applyAffine, cropToMpii, cropTransform, heatmapToMpii, invertAffine, mpiiToCrop, cropToHeatmap } from './crop-transform'
import type { DecodedImage } from './images'
import { FLIP_PARTNER, JOINT_COUNT, JointState } from './joints'
import { drawAugmentation, NO_AUGMENTATION, REFERENCE_AUGMENTATION, renderInput, renderTargets, sampleJoints, sampleTransform, type Augmentation, type SampleShape } from './sample'
import { draws } from './seeded'
import type { SnapshotPerson } from './snapshot'

const shape: SampleShape = { inputRes: 64, sigma: 1, mean: [0, 0, 0] }

describe('crop transform', () => {
  it('puts the centre in the middle of the crop and 100·scale pixels at the edge', () => {
    const m = cropTransform({ centre: [301, 201], scale: 2, rotation: 0, res: 256 })
    expect(mpiiToCrop(m, 301, 201)).toEqual([127.5, 127.5])
    const [x, y] = mpiiToCrop(m, 301 + 200, 201 - 100)
    expect(x).toBeCloseTo(127.5 + 128, 9)
    expect(y).toBeCloseTo(127.5 - 64, 9)
  })

  it('rotates counter-clockwise for a positive angle: a point right of the centre goes up', () => {
    const m = cropTransform({ centre: [100, 100], scale: 1, rotation: 90, res: 200 })
    const [x, y] = mpiiToCrop(m, 150, 100)
    expect(x).toBeCloseTo(99.5, 9)
    expect(y).toBeCloseTo(99.5 - 50, 9)
  })

  it('inverts exactly, also through the heatmap', () => {
    const m = cropTransform({ centre: [412.5, 233.25], scale: 3.1, rotation: -37, res: 128 })
    const inv = invertAffine(m)
    const [cx, cy] = applyAffine(inv, ...applyAffine(m, 17, 930))
    expect(cx).toBeCloseTo(17, 9)
    expect(cy).toBeCloseTo(930, 9)
    const [hx, hy] = mpiiToCrop(m, 500, 300).map(cropToHeatmap)
    const [bx, by] = heatmapToMpii(m, hx, hy)
    expect(bx).toBeCloseTo(500, 9)
    expect(by).toBeCloseTo(300, 9)
    expect(cropToMpii(m, 63.5, 63.5).map((v) => Number(v.toFixed(9)))).toEqual([412.5, 233.25])
  })
})

/** A black image with one bright square per joint; joint j's square has colour (j + 1) * 15 in red. */
function markerImage(person: SnapshotPerson, width: number, height: number): DecodedImage {
  const data = new Uint8Array(width * height * 3)
  for (let j = 0; j < JOINT_COUNT; j++) {
    if (person.states[j] === JointState.missing) continue
    const x = Math.round(person.joints[j * 2] - 1)
    const y = Math.round(person.joints[j * 2 + 1] - 1)
    for (let dy = -3; dy <= 3; dy++) {
      for (let dx = -3; dx <= 3; dx++) {
        const p = ((y + dy) * width + (x + dx)) * 3
        data[p] = (j + 1) * 15
        data[p + 1] = 255
      }
    }
  }
  return { width, height, data }
}

function personWithJoints(): SnapshotPerson {
  const joints: number[] = []
  const states: number[] = []
  for (let j = 0; j < JOINT_COUNT; j++) {
    // spread over a 200 x 200 box around (250, 200), distinct and away from each other
    joints.push(160 + (j % 4) * 55 + (j >> 2) * 7, 110 + (j >> 2) * 55)
    states.push(j === 6 ? JointState.missing : j % 5 === 0 ? JointState.occluded : JointState.visible)
  }
  return { id: 1, image: 'markers', centre: [250, 200], scale: 1.4, joints, states, headBox: null }
}

function cropPixel(out: Float32Array, res: number, x: number, y: number): [number, number, number] {
  const p = (Math.round(y) * res + Math.round(x)) * 3
  return [out[p], out[p + 1], out[p + 2]]
}

describe('samples', () => {
  const person = personWithJoints()
  const image = markerImage(person, 500, 400)
  const augmentations: Augmentation[] = [
    NO_AUGMENTATION,
    { scale: 1.2, rotation: 35, flip: false, colour: [1, 1, 1] },
    { scale: 0.8, rotation: -50, flip: true, colour: [1, 1, 1] },
    ...Array.from({ length: 6 }, (_, i) => ({ ...drawAugmentation(draws(7, i), REFERENCE_AUGMENTATION), colour: [1, 1, 1] as [number, number, number] }))
  ]

  it.each(augmentations.map((aug, i) => [i, aug] as const))('augmentation %i: each joint channel points at that joint in the crop', (_i, aug) => {
    const m = sampleTransform(person, aug, shape.inputRes)
    const input = new Float32Array(shape.inputRes * shape.inputRes * 3)
    renderInput(image, m, aug, shape, input, 0)
    const joints = sampleJoints(person, m, aug.flip)
    let checked = 0
    joints.forEach((point, channel) => {
      const source = aug.flip ? FLIP_PARTNER[channel] : channel
      if (person.states[source] === JointState.missing) {
        expect(point).toBeNull()
        return
      }
      const [hx, hy] = point!
      const cx = hx * 4 + 1.5
      const cy = hy * 4 + 1.5
      if (cx < 1 || cy < 1 || cx > shape.inputRes - 2 || cy > shape.inputRes - 2) return
      const [r, g] = cropPixel(input, shape.inputRes, cx, cy)
      expect(g, `channel ${channel} lands on a marker`).toBeGreaterThan(0.5)
      expect(Math.round((r * 255) / 15) - 1, `channel ${channel} lands on joint ${source}'s marker`).toBe(source)
      checked++
    })
    expect(checked).toBeGreaterThan(8)
  })

  it('flipping swaps the left and right joints and mirrors the crop', () => {
    const plain = sampleJoints(person, sampleTransform(person, NO_AUGMENTATION, 64), false)
    const flipped = sampleJoints(person, sampleTransform(person, { ...NO_AUGMENTATION, flip: true }, 64), true)
    const size = 16
    for (let j = 0; j < JOINT_COUNT; j++) {
      const a = plain[FLIP_PARTNER[j]]
      const b = flipped[j]
      if (!a || !b) {
        expect(a).toBe(b)
        continue
      }
      expect(b[0]).toBeCloseTo(size - 1 - a[0], 9)
      expect(b[1]).toBeCloseTo(a[1], 9)
    }
    expect(FLIP_PARTNER[0]).toBe(5)
    expect(FLIP_PARTNER[12]).toBe(13)
    expect(FLIP_PARTNER[9]).toBe(9)
  })

  it('the heatmap of a flipped sample is the mirrored, channel-swapped heatmap of the plain one', () => {
    const hm = 16
    const targets = (aug: Augmentation) => {
      const out = new Float32Array(hm * hm * JOINT_COUNT)
      renderTargets(sampleJoints(person, sampleTransform(person, aug, 64), aug.flip), shape, out, 0)
      return out
    }
    const plain = targets(NO_AUGMENTATION)
    const flipped = targets({ ...NO_AUGMENTATION, flip: true })
    let worst = 0
    for (let y = 0; y < hm; y++) {
      for (let x = 0; x < hm; x++) {
        for (let j = 0; j < JOINT_COUNT; j++) {
          const a = plain[(y * hm + (hm - 1 - x)) * JOINT_COUNT + FLIP_PARTNER[j]]
          worst = Math.max(worst, Math.abs(a - flipped[(y * hm + x) * JOINT_COUNT + j]))
        }
      }
    }
    expect(worst).toBeLessThan(1e-6)
  })

  it('targets peak at the joint (sub-pixel centroid) and are empty for missing joints', () => {
    const hm = 16
    const out = new Float32Array(hm * hm * JOINT_COUNT)
    const points: ([number, number] | null)[] = Array.from({ length: JOINT_COUNT }, (_, j) => (j === 3 ? null : [3.3 + (j % 8), 4.6 + (j >> 3) * 5]))
    renderTargets(points, { ...shape, sigma: 1.5 }, out, 0)
    for (let j = 0; j < JOINT_COUNT; j++) {
      let sum = 0
      let sx = 0
      let sy = 0
      let peak = 0
      for (let y = 0; y < hm; y++) {
        for (let x = 0; x < hm; x++) {
          const v = out[(y * hm + x) * JOINT_COUNT + j]
          sum += v
          sx += v * x
          sy += v * y
          peak = Math.max(peak, v)
        }
      }
      if (!points[j]) {
        expect(sum).toBe(0)
        continue
      }
      expect(sx / sum).toBeCloseTo(points[j]![0], 1)
      expect(sy / sum).toBeCloseTo(points[j]![1], 1)
      expect(peak).toBeGreaterThan(0.8)
      expect(peak).toBeLessThanOrEqual(1)
    }
  })

  it('draws augmentations inside the recipe limits, the same for the same keys', () => {
    const all = Array.from({ length: 500 }, (_, i) => drawAugmentation(draws(3, 1, i), REFERENCE_AUGMENTATION))
    expect(drawAugmentation(draws(3, 1, 42), REFERENCE_AUGMENTATION)).toEqual(all[42])
    expect(Math.min(...all.map((a) => a.scale))).toBeGreaterThanOrEqual(0.75)
    expect(Math.max(...all.map((a) => a.scale))).toBeLessThanOrEqual(1.25)
    expect(Math.max(...all.map((a) => Math.abs(a.rotation)))).toBeLessThanOrEqual(60)
    const rotated = all.filter((a) => a.rotation !== 0).length / all.length
    expect(rotated).toBeGreaterThan(0.3)
    expect(rotated).toBeLessThan(0.5)
    const flipped = all.filter((a) => a.flip).length / all.length
    expect(flipped).toBeGreaterThan(0.4)
    expect(flipped).toBeLessThan(0.6)
    expect(all.flatMap((a) => a.colour).every((c) => c >= 0.8 && c <= 1.2)).toBe(true)
  })
})
