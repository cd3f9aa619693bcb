// One training sample as the reference recipe makes it (pyranet-reference.md §3.1, official PyraNet column):
// crop around the person's centre and scale, random scale and rotation, horizontal flip with the left/right
// joints swapped, per-channel colour jitter, then Gaussian heatmap targets at a quarter of the input size.
import { mpiiToCrop, cropToHeatmap, cropTransform, HEATMAP_STRIDE, invertAffine, type Affine } from './crop-transform'
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
  /** Gaussian sigma in heatmap pixels. */
  sigma: number
  /** Per-channel mean subtracted from RGB / 255 (after jitter). */
  mean: readonly [number, number, number]
}

/** Image pixel coordinates to the (possibly flipped) input crop of a sample. */
export function sampleTransform(person: Pick<SnapshotPerson, 'centre' | 'scale'>, aug: Augmentation, inputRes: number): Affine {
  const m = cropTransform({ centre: person.centre, scale: person.scale * aug.scale, rotation: aug.rotation, res: inputRes })
  if (!aug.flip) return m
  return [-m[0], -m[1], inputRes - 1 - m[2], m[3], m[4], m[5]]
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
    let x = inv[1] * v + inv[2]
    let y = inv[4] * v + inv[5]
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
 * The joints of a sample in heatmap pixel coordinates, in the sample's channel order (a flipped sample's
 * channel j holds the person's joint FLIP_PARTNER[j]); null where the joint is missing.
 */
export function sampleJoints(person: Pick<SnapshotPerson, 'joints' | 'states'>, m: Affine, flip: boolean): ([number, number] | null)[] {
  const result: ([number, number] | null)[] = []
  for (let j = 0; j < JOINT_COUNT; j++) {
    const source = flip ? FLIP_PARTNER[j] : j
    if (person.states[source] === JointState.missing) {
      result.push(null)
      continue
    }
    const [cx, cy] = mpiiToCrop(m, person.joints[source * 2], person.joints[source * 2 + 1])
    result.push([cropToHeatmap(cx), cropToHeatmap(cy)])
  }
  return result
}

/**
 * Writes Gaussian targets (peak 1, `sigma` heatmap pixels, cut at 3 sigma) into `out` at `offset`,
 * [H, W, 16] with H = W = inputRes / 4. Missing joints and joints whose Gaussian lies wholly outside the
 * heatmap get an all-zero map, as in the reference (they still count in the loss).
 */
export function renderTargets(joints: readonly ([number, number] | null)[], shape: SampleShape, out: Float32Array, offset: number): void {
  const size = shape.inputRes / HEATMAP_STRIDE
  const radius = Math.ceil(3 * shape.sigma)
  const twoSigma2 = 2 * shape.sigma * shape.sigma
  out.fill(0, offset, offset + size * size * JOINT_COUNT)
  joints.forEach((point, j) => {
    if (!point) return
    const [px, py] = point
    const x0 = Math.max(0, Math.ceil(px - radius))
    const x1 = Math.min(size - 1, Math.floor(px + radius))
    const y0 = Math.max(0, Math.ceil(py - radius))
    const y1 = Math.min(size - 1, Math.floor(py + radius))
    for (let y = y0; y <= y1; y++) {
      const dy2 = (y - py) * (y - py)
      for (let x = x0; x <= x1; x++) {
        out[offset + (y * size + x) * JOINT_COUNT + j] = Math.exp(-((x - px) * (x - px) + dy2) / twoSigma2)
      }
    }
  })
}
