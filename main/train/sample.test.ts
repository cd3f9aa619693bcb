// The sample maths: the crop puts the person where the model's crop transform says, joints land where the
// image content lands (under scale, rotation and flip), flips swap the left/right channels, and targets
// decode back to the joints they were drawn from.
import { describe, expect, it } from 'vitest'
import { cropToImage, decodeHeatmaps, imageToCrop, peakToImage } from '../model'
import type { DecodedImage } from './images'
import { FLIP_PARTNER, JOINT_COUNT, JointState } from './joints'
import {
  drawAugmentation,
  heatmapTransform,
  NO_AUGMENTATION,
  REFERENCE_AUGMENTATION,
  renderInput,
  renderTargets,
  sampleJoints,
  sampleTransform,
  type Augmentation,
  type SampleShape
} from './sample'
import { draws } from './seeded'
import type { SnapshotPerson } from './snapshot'

const shape: SampleShape = { inputRes: 64, mean: [0, 0, 0] }

/** Joints spread over a 200 x 200 box around (250, 200); pelvis missing, a few occluded. */
function testPerson(): SnapshotPerson {
  const joints: number[] = []
  const states: number[] = []
  for (let j = 0; j < JOINT_COUNT; j++) {
    joints.push(160 + (j % 4) * 55 + (j >> 2) * 7, 110 + (j >> 2) * 55)
    states.push(j === 6 ? JointState.missing : j % 5 === 0 ? JointState.occluded : JointState.visible)
  }
  return { id: 1, image: 'markers', centre: [250, 200], scale: 1.4, joints, states, headBox: null }
}

/** A black image with a 7x7 marker per joint: green 255, red (j + 1)·15 so the marker names its joint. */
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

const person = testPerson()
const image = markerImage(person, 500, 400)
const still = (aug: Augmentation): Augmentation => ({ ...aug, colour: [1, 1, 1] })
const augmentations: Augmentation[] = [
  NO_AUGMENTATION,
  { scale: 1.2, rotation: 35, flip: false, colour: [1, 1, 1] },
  { scale: 0.8, rotation: -50, flip: true, colour: [1, 1, 1] },
  ...Array.from({ length: 6 }, (_, i) => still(drawAugmentation(draws(7, i), REFERENCE_AUGMENTATION)))
]

describe('the crop of a sample', () => {
  it('maps the centre to the middle and 100·scale pixels to the edge', () => {
    // the reference's own half-pixel mix: the centre is used as given while points become p - 1, so the
    // crop's middle is image point centre + 1 (MPII) — harmless, and kept so decoding matches the authors'
    const t = sampleTransform({ centre: [301, 201], scale: 2 }, NO_AUGMENTATION, 256)
    const [cx, cy] = imageToCrop(t, [302, 202])
    expect(cx).toBeCloseTo(128, 9)
    expect(cy).toBeCloseTo(128, 9)
    const [x, y] = imageToCrop(t, [302 + 200, 202 - 100])
    expect(x).toBeCloseTo(128 + 128, 9)
    expect(y).toBeCloseTo(128 - 64, 9)
  })

  it('mirrors the crop when flipped, and the heatmap transform is the crop transform at a quarter size', () => {
    const plain = sampleTransform(person, NO_AUGMENTATION, 64)
    const flipped = sampleTransform(person, { ...NO_AUGMENTATION, flip: true }, 64)
    const [px, py] = imageToCrop(plain, [213, 171])
    const [fx, fy] = imageToCrop(flipped, [213, 171])
    expect(fx).toBeCloseTo(64 - px, 9)
    expect(fy).toBeCloseTo(py, 9)
    const [hx, hy] = imageToCrop(heatmapTransform(flipped), [213, 171])
    expect(hx).toBeCloseTo(fx / 4, 9)
    expect(hy).toBeCloseTo(fy / 4, 9)
    expect(cropToImage(flipped, [fx, fy]).map((v) => Number(v.toFixed(9)))).toEqual([213, 171])
  })

  it.each(augmentations.map((aug, i) => [i, aug] as const))('augmentation %i: each joint channel points at that joint in the crop', (_i, aug) => {
    const t = sampleTransform(person, aug, shape.inputRes)
    const input = new Float32Array(shape.inputRes * shape.inputRes * 3)
    renderInput(image, t, aug, shape, input, 0)
    const points = sampleJoints(person, t, aug.flip)
    let checked = 0
    for (let channel = 0; channel < JOINT_COUNT; channel++) {
      const source = aug.flip ? FLIP_PARTNER[channel] : channel
      const hx = points[channel * 2]
      const hy = points[channel * 2 + 1]
      if (person.states[source] === JointState.missing) {
        expect(Number.isNaN(hx) && Number.isNaN(hy)).toBe(true)
        continue
      }
      // continuous heatmap x -> crop pixel index 4x - 0.5
      const u = Math.round(hx * 4 - 0.5)
      const v = Math.round(hy * 4 - 0.5)
      if (u < 1 || v < 1 || u > shape.inputRes - 2 || v > shape.inputRes - 2) continue
      const p = (v * shape.inputRes + u) * 3
      expect(input[p + 1], `channel ${channel} lands on a marker`).toBeGreaterThan(0.5)
      expect(Math.round((input[p] * 255) / 15) - 1, `channel ${channel} lands on joint ${source}'s marker`).toBe(source)
      checked++
    }
    expect(checked).toBeGreaterThan(8)
  })

  it('applies colour jitter per channel, clamps to [0, 1] and subtracts the mean', () => {
    const flat: DecodedImage = { width: 4, height: 4, data: new Uint8Array(48).fill(200) }
    const input = new Float32Array(4 * 4 * 3)
    const aug: Augmentation = { scale: 1, rotation: 0, flip: false, colour: [0.5, 1.2, 1] }
    renderInput(flat, sampleTransform({ centre: [2.5, 2.5], scale: 0.02 }, aug, 4), aug, { inputRes: 4, mean: [0.1, 0.2, 0.3] }, input, 0)
    expect(input[0]).toBeCloseTo((200 / 255) * 0.5 - 0.1, 6)
    expect(input[1]).toBeCloseTo(Math.min(1, (200 / 255) * 1.2) - 0.2, 6)
    expect(input[2]).toBeCloseTo(200 / 255 - 0.3, 6)
  })
})

describe('targets', () => {
  it('swap left and right channels under a flip and mirror the map', () => {
    const plain = sampleJoints(person, sampleTransform(person, NO_AUGMENTATION, 64), false)
    const flipped = sampleJoints(person, sampleTransform(person, { ...NO_AUGMENTATION, flip: true }, 64), true)
    for (let j = 0; j < JOINT_COUNT; j++) {
      const partner = FLIP_PARTNER[j]
      if (Number.isNaN(plain[partner * 2])) {
        expect(Number.isNaN(flipped[j * 2])).toBe(true)
        continue
      }
      expect(flipped[j * 2]).toBeCloseTo(16 - plain[partner * 2], 5)
      expect(flipped[j * 2 + 1]).toBeCloseTo(plain[partner * 2 + 1], 5)
    }
    expect([FLIP_PARTNER[0], FLIP_PARTNER[5], FLIP_PARTNER[12], FLIP_PARTNER[9]]).toEqual([5, 0, 13, 9])
  })

  it.each(augmentations.map((aug, i) => [i, aug] as const))('augmentation %i: decode back to the joints within the heatmap grid', (_i, aug) => {
    const res = 128
    const t = sampleTransform(person, aug, res)
    const hm = res / 4
    const maps = new Float32Array(hm * hm * JOINT_COUNT)
    renderTargets(sampleJoints(person, t, aug.flip), res, maps, 0)
    const peaks = decodeHeatmaps(maps, hm, JOINT_COUNT)
    // one heatmap pixel in image pixels: the crop side (200·scale·aug) over the heatmap side
    const cell = (200 * person.scale * aug.scale) / hm
    for (let channel = 0; channel < JOINT_COUNT; channel++) {
      const source = aug.flip ? FLIP_PARTNER[channel] : channel
      const peak = peaks[channel]
      if (person.states[source] === JointState.missing) {
        expect(peak.score).toBe(0)
        continue
      }
      const [hx, hy] = imageToCrop(heatmapTransform(t), [person.joints[source * 2], person.joints[source * 2 + 1]])
      if (hx < 1 || hy < 1 || hx > hm - 1 || hy > hm - 1) continue // its Gaussian is clipped by the border
      const [x, y] = peakToImage(heatmapTransform(t), peak)
      const error = Math.hypot(x - person.joints[source * 2], y - person.joints[source * 2 + 1])
      expect(error, `channel ${channel}`).toBeLessThanOrEqual(cell * 0.75)
    }
  })

  it('are the same for the same keys and stay inside the recipe limits', () => {
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
