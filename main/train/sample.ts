// One training sample as the reference recipe makes it (pyranet-reference.md §3.1, official PyraNet column):
// crop around the person's centre and scale, random scale and rotation, horizontal flip with the left/right
// joints swapped, per-channel colour jitter, then the authors' Gaussian heatmap targets at a quarter of the
// input size. The crop transform, the targets and the decoding are the model's (main/model), so training
// and inference agree on every half pixel: a crop transform T maps image points p (MPII, 1-based) to
// continuous crop coordinates T·(p - 1), where crop pixel k spans [k, k + 1); heatmaps use T / 4.
import { compose, cropTransform, invertAffine, type Affine } from '../model/crop-transform'
import { renderTargets as renderGaussians } from '../model/heatmaps'
import type { DecodedImage } from './images'
import { FLIP_PARTNER, JOINT_COUNT, JointState } from './joints'
import type { Draws } from './seeded'
import type { SnapshotPerson } from './snapshot'

export interface AugmentationRecipe {
  /** Scale factor 1 + scaleSigma·N(0, 1), clamped to 1 ± scaleLimit. */
  scaleSigma: number
  scaleLimit: number
  /** Degrees: rotationSigma·N(0, 1), clamped to ± rotationLimit, applied with rotationProbability. */
  rotationSigma: number
  rotationLimit: number
  rotationProbability: number
  flipProbability: number
  /** Each channel multiplied by U(1 - colourJitter, 1 + colourJitter), then clamped to [0, 1]. */
  colourJitter: number
}

/** The official PyraNet recipe (bearpaw/PyraNet datasets/mpii.lua). */
export const REFERENCE_AUGMENTATION: AugmentationRecipe = {
  scaleSigma: 0.25,
  scaleLimit: 0.25,
  rotationSigma: 30,
  rotationLimit: 60,
  rotationProbability: 0.4,
  flipProbability: 0.5,
  colourJitter: 0.2
}

export interface Augmentation {
  scale: number
  rotation: number
  flip: boolean
  colour: [number, number, number]
}

export const NO_AUGMENTATION: Augmentation = { scale: 1, rotation: 0, flip: false, colour: [1, 1, 1] }

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v))

export function drawAugmentation(d: Draws, r: AugmentationRecipe): Augmentation {
  const scale = clamp(1 + r.scaleSigma * d.normal(), 1 - r.scaleLimit, 1 + r.scaleLimit)
  const angle = clamp(r.rotationSigma * d.normal(), -r.rotationLimit, r.rotationLimit)
  const rotation = d.chance(r.rotationProbability) ? angle : 0
  const flip = d.chance(r.flipProbability)
  const jitter = () => 1 - r.colourJitter + 2 * r.colourJitter * d.uniform()
  return { scale, rotation, flip, colour: [jitter(), jitter(), jitter()] }
}

export interface SampleShape {
  /** Input crop side. */
  inputRes: number
  /** Per-channel mean subtracted from RGB / 255 (after jitter). */
  mean: readonly [number, number, number]
}

export const HEATMAP_STRIDE = 4

/** Image points (MPII - 1) to continuous coordinates of the (possibly flipped) input crop of a sample. */
export function sampleTransform(person: Pick<SnapshotPerson, 'centre' | 'scale'>, aug: Augmentation, inputRes: number): Affine {
  const t = cropTransform(person.centre, person.scale * aug.scale, inputRes, aug.rotation)
  return aug.flip ? compose([-1, 0, inputRes, 0, 1, 0], t) : t
}

/** The same map onto the sample's heatmaps (a quarter of the crop; the transform is linear in the crop size). */
export function heatmapTransform(t: Affine): Affine {
  return t.map((v) => v / HEATMAP_STRIDE) as unknown as Affine
}

/**
 * Writes the crop as float RGB (jittered, clamped, mean subtracted) into `out` at `offset`, [R, R, 3].
 * Bilinear sampling; outside the image counts as black, as the reference's zero-padded crop.
 */
export function renderInput(image: DecodedImage, m: Affine, aug: Augmentation, shape: SampleShape, out: Float32Array, offset: number): void {
  const { inputRes: res, mean } = shape
  const inv = invertAffine(m)
  const { width, height, data } = image
  const [gr, gg, gb] = aug.colour.map((c) => c / 255)
  const [mr, mg, mb] = mean
  let o = offset
  for (let v = 0; v < res; v++) {
    // the centre of crop pixel (u, v) is (u + 0.5, v + 0.5); its source is an image pixel index position
    let x = inv[0] * 0.5 + inv[1] * (v + 0.5) + inv[2]
    let y = inv[3] * 0.5 + inv[4] * (v + 0.5) + inv[5]
    for (let u = 0; u < res; u++, x += inv[0], y += inv[3], o += 3) {
      let r = 0
      let g = 0
      let b = 0
      if (x > -1 && y > -1 && x < width && y < height) {
        const x0 = Math.floor(x)
        const y0 = Math.floor(y)
        const fx = x - x0
        const fy = y - y0
        const w00 = (1 - fx) * (1 - fy)
        const w10 = fx * (1 - fy)
        const w01 = (1 - fx) * fy
        const w11 = fx * fy
        const in0 = y0 >= 0
        const in1 = y0 + 1 < height
        const left = x0 >= 0
        const right = x0 + 1 < width
        if (in0) {
          const row = y0 * width
          if (left) {
            const p = (row + x0) * 3
            r += w00 * data[p]
            g += w00 * data[p + 1]
            b += w00 * data[p + 2]
          }
          if (right) {
            const p = (row + x0 + 1) * 3
            r += w10 * data[p]
            g += w10 * data[p + 1]
            b += w10 * data[p + 2]
          }
        }
        if (in1) {
          const row = (y0 + 1) * width
          if (left) {
            const p = (row + x0) * 3
            r += w01 * data[p]
            g += w01 * data[p + 1]
            b += w01 * data[p + 2]
          }
          if (right) {
            const p = (row + x0 + 1) * 3
            r += w11 * data[p]
            g += w11 * data[p + 1]
            b += w11 * data[p + 2]
          }
        }
      }
      out[o] = clamp(r * gr, 0, 1) - mr
      out[o + 1] = clamp(g * gg, 0, 1) - mg
      out[o + 2] = clamp(b * gb, 0, 1) - mb
    }
  }
}

/**
 * The joints of a sample in continuous heatmap coordinates, [16 × 2], in the sample's channel order (a
 * flipped sample's channel j holds the person's joint FLIP_PARTNER[j]); NaN where the joint is missing.
 */
export function sampleJoints(person: Pick<SnapshotPerson, 'joints' | 'states'>, t: Affine, flip: boolean): Float32Array {
  const h = heatmapTransform(t)
  const points = new Float32Array(JOINT_COUNT * 2)
  for (let j = 0; j < JOINT_COUNT; j++) {
    const source = flip ? FLIP_PARTNER[j] : j
    if (person.states[source] === JointState.missing) {
      points[j * 2] = points[j * 2 + 1] = NaN
      continue
    }
    const x = person.joints[source * 2] - 1
    const y = person.joints[source * 2 + 1] - 1
    points[j * 2] = h[0] * x + h[1] * y + h[2]
    points[j * 2 + 1] = h[3] * x + h[4] * y + h[5]
  }
  return points
}

/**
 * Writes the targets of one sample into `out` at `offset`, [H, W, 16], H = W = inputRes / 4: the authors'
 * 7x7 Gaussians (main/model/heatmaps.ts). Missing joints and joints far outside the crop get an empty map,
 * as in the reference (they still count in the loss).
 */
export function renderTargets(points: Float32Array, inputRes: number, out: Float32Array, offset: number): void {
  const size = inputRes / HEATMAP_STRIDE
  const maps = out.subarray(offset, offset + size * size * JOINT_COUNT)
  maps.fill(0)
  renderGaussians(points, size, maps)
}
