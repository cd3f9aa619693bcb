// Targets, decoding and flip test: synthetic Gaussians at known sub-pixel positions, the flip pairs, and
// the crop transform's round trip between image and heatmap coordinates.
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { cropToImage, cropTransform, imageToCrop } from './crop-transform'
import { decodeHeatmaps, flipHeatmapsBack, flipPermutation, flipTest, MPII_FLIP_PAIRS, peakToImage } from './decode'
import { renderTargets, TARGET_SIGMA } from './heatmaps'

beforeAll(async () => {
  await tf.setBackend('cpu')
})

/** A continuous Gaussian centred at (cx, cy) in pixel-centre coordinates (pixel k's centre is k + 0.5). */
function gaussianMap(res: number, nJoints: number, centres: Array<[number, number]>, sigma = TARGET_SIGMA): Float32Array {
  const maps = new Float32Array(res * res * nJoints)
  centres.forEach(([cx, cy], j) => {
    for (let y = 0; y < res; y++)
      for (let x = 0; x < res; x++) maps[(y * res + x) * nJoints + j] = Math.exp(-((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2) / (2 * sigma * sigma))
  })
  return maps
}

describe('renderTargets', () => {
  it('draws a 7x7 Gaussian of sigma 1.75, peak 1, at the truncated position', () => {
    const maps = renderTargets([10.7, 20.2], 64)
    const at = (x: number, y: number) => maps[y * 64 + x]
    expect(at(10, 20)).toBe(1)
    expect(at(11, 20)).toBeCloseTo(Math.exp(-1 / (2 * 1.75 ** 2)), 6)
    expect(at(13, 23)).toBeCloseTo(Math.exp(-18 / (2 * 1.75 ** 2)), 6)
    expect(at(14, 20)).toBe(0) // outside the 7x7 support
    expect(maps.reduce((n, v) => n + (v > 0 ? 1 : 0), 0)).toBe(49)
  })

  it('clips at the border without shifting, skips missing joints, keeps joints apart, max-merges', () => {
    const maps = renderTargets([0.6, 1.3, NaN, NaN, -0.7, 5.5, 200, 5], 16)
    const at = (x: number, y: number, j: number) => maps[(y * 16 + x) * 4 + j]
    expect(at(0, 1, 0)).toBe(1) // peak stays at (0, 1)
    expect(at(3, 1, 0)).toBeCloseTo(Math.exp(-9 / (2 * 1.75 ** 2)), 6)
    let missing = 0
    let far = 0
    for (let i = 0; i < 256; i++) {
      missing += maps[i * 4 + 1]
      far += maps[i * 4 + 3]
    }
    expect(missing).toBe(0)
    expect(far).toBe(0)
    expect(at(0, 5, 2)).toBe(1) // -0.7 truncates toward zero, as the official code
    const merged = renderTargets([5, 5, 5, 5], 16, new Float32Array(16 * 16 * 2))
    expect(merged[(5 * 16 + 5) * 2]).toBe(1)
  })
})

describe('decodeHeatmaps', () => {
  it('recovers sub-pixel positions of synthetic Gaussians to within a quarter pixel', () => {
    const centres: Array<[number, number]> = [
      [20.5, 30.5], // on a pixel centre
      [20.8, 30.2], // off-centre: the quarter shift moves toward the true position
      [33.3, 12.9],
      [7.1, 50.6],
      [0.4, 63.6] // at the border: no neighbour test, plain argmax + 0.5
    ]
    const peaks = decodeHeatmaps(gaussianMap(64, centres.length, centres), 64, centres.length)
    peaks.forEach((p, j) => {
      const [cx, cy] = centres[j]
      expect(Math.abs(p.x - cx)).toBeLessThanOrEqual(0.25 + 1e-9)
      expect(Math.abs(p.y - cy)).toBeLessThanOrEqual(0.25 + 1e-9)
      expect(p.score).toBeGreaterThan(0.9)
    })
    expect(peaks[1]).toMatchObject({ x: 20.75, y: 30.25 })
    expect(peaks[0]).toMatchObject({ x: 20.5, y: 30.5 })
  })

  it('decodes the targets it draws back to the pixel the joint lies in, and their shift toward the true point', () => {
    const peaks = decodeHeatmaps(renderTargets([12.3, 40.9], 64), 64, 1)
    expect(peaks[0]).toMatchObject({ x: 12.5, y: 40.5, score: 1 })
  })

  it('maps peaks back through the crop transform: T⁻¹·q + 1, or the official int(T⁻¹·q) + 1', () => {
    const t = cropTransform([966, 410.777], 5.8981, 64, 17)
    const joint: [number, number] = [982.7591, 235.9694]
    const q = imageToCrop(t, joint)
    const [x, y] = cropToImage(t, q)
    expect(x).toBeCloseTo(joint[0], 9)
    expect(y).toBeCloseTo(joint[1], 9)
    expect(peakToImage(t, { x: q[0], y: q[1] })).toEqual([x, y])
    const official = peakToImage(t, { x: q[0], y: q[1] }, 'official')
    expect(official).toEqual([Math.trunc(joint[0] - 1) + 1, Math.trunc(joint[1] - 1) + 1])
  })

  it('places the crop as the Lua getTransform does (centre to the middle, h = 200·scale to res)', () => {
    const t = cropTransform([100, 200], 1, 64)
    expect(imageToCrop(t, [101, 201])).toEqual([32, 32])
    expect(imageToCrop(t, [201, 201])[0]).toBeCloseTo(64, 12)
    const rotated = cropTransform([100, 200], 1, 64, 90)
    const [x, y] = imageToCrop(rotated, [101 + 50, 201]) // 50 px right of centre, rotated by 90 degrees
    expect(x).toBeCloseTo(32, 9)
    expect(Math.abs(y - 32)).toBeCloseTo(16, 9)
  })
})

describe('flip test', () => {
  it('MPII pairs swap left and right joints and leave the middle alone', () => {
    const perm = flipPermutation(16)
    expect(perm).toEqual([5, 4, 3, 2, 1, 0, 6, 7, 8, 9, 15, 14, 13, 12, 11, 10])
    for (const [a, b] of MPII_FLIP_PAIRS) expect([perm[a], perm[b]]).toEqual([b, a])
    expect(() => flipPermutation(8)).toThrow(/outside 8 joints/)
  })

  it('flipping back mirrors columns and swaps channels; flipping twice is the identity', () => {
    const hm = tf.randomUniform([2, 4, 5, 16], 0, 1, 'float32', 3) as tf.Tensor4D
    const back = flipHeatmapsBack(hm)
    const a = hm.arraySync()
    const b = back.arraySync()
    expect(b[1][2][0][5]).toBe(a[1][2][4][0]) // column 0 <- column 4, r-ankle <- l-ankle
    expect(b[0][3][1][9]).toBe(a[0][3][3][9]) // head top stays channel 9
    expect([...flipHeatmapsBack(back).dataSync()]).toEqual([...hm.dataSync()])
  })

  it('a model that sees a mirrored person predicts mirrored joints: the flip test then agrees with it', () => {
    // An "oracle" whose heatmaps are a fixed function of the image mirrored consistently: its flip-test average equals its direct output.
    const centres: Array<[number, number]> = Array.from({ length: 16 }, (_, j) => [8 + (j % 4) * 12 + 0.3, 10 + Math.floor(j / 4) * 12 + 0.6])
    const direct = tf.tensor4d(gaussianMap(64, 16, centres), [1, 64, 64, 16])
    const mirroredCentres = flipPermutation(16).map((k) => [64 - centres[k][0], centres[k][1]] as [number, number])
    const mirrored = tf.tensor4d(gaussianMap(64, 16, mirroredCentres), [1, 64, 64, 16])
    const input = tf.zeros([1, 256, 256, 3]) as tf.Tensor4D
    let call = 0
    const averaged = flipTest(() => (call++ === 0 ? direct : mirrored), input)
    const peaks = decodeHeatmaps(averaged.dataSync(), 64, 16)
    peaks.forEach((p, j) => {
      expect(Math.abs(p.x - centres[j][0])).toBeLessThanOrEqual(0.25 + 1e-9)
      expect(Math.abs(p.y - centres[j][1])).toBeLessThanOrEqual(0.25 + 1e-9)
    })
  })
})
