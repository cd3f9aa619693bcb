// From heatmaps to joint positions, as the authors' code decodes them (bearpaw/PyraNet utils/utils.lua
// finalPreds; identical in bearpaw/pytorch-pose final_preds; shared/docs/pyranet-reference.md §5.1):
//   argmax (x0, y0); if the peak is interior, move a quarter pixel toward the higher horizontal and vertical
//   neighbour; add 0.5 (the centre of pixel k is k + 0.5); map back through the inverse crop transform.
// Flip test: run the mirrored crop too, mirror its heatmaps back, swap left/right joints, average (no pixel shift).
import * as tf from '@tensorflow/tfjs-core'
import { MPII_FLIP_PAIRS } from '../../contract/mpii'
import { cropToImage, invertAffine, applyAffine, type Affine } from './crop-transform'

/** MPII left/right joint pairs (0-based): ankles, knees, hips, wrists, elbows, shoulders. */
export { MPII_FLIP_PAIRS }

export interface HeatmapPeak {
  /** Continuous heatmap coordinates: argmax + quarter-pixel shift + 0.5. */
  x: number
  y: number
  /** The heatmap maximum; the official code discards joints whose maximum is not positive. */
  score: number
}

/**
 * Peaks of one person's heatmaps, `maps` laid out [res, res, J] (HWC, one sample of the NHWC output).
 * Ties resolve to the first maximum in row-major order, as torch.max over the flattened map does.
 */
export function decodeHeatmaps(maps: ArrayLike<number>, res: number, nJoints: number): HeatmapPeak[] {
  if (maps.length !== res * res * nJoints) throw new Error(`heatmaps hold ${maps.length} values, expected ${res}x${res}x${nJoints}`)
  const at = (x: number, y: number, j: number) => maps[(y * res + x) * nJoints + j]
  const peaks: HeatmapPeak[] = []
  for (let j = 0; j < nJoints; j++) {
    let best = -Infinity
    let bx = 0
    let by = 0
    for (let y = 0; y < res; y++) {
      for (let x = 0; x < res; x++) {
        const v = at(x, y, j)
        if (v > best) {
          best = v
          bx = x
          by = y
        }
      }
    }
    let x = bx
    let y = by
    if (bx > 0 && bx < res - 1 && by > 0 && by < res - 1) {
      x += 0.25 * Math.sign(at(bx + 1, by, j) - at(bx - 1, by, j))
      y += 0.25 * Math.sign(at(bx, by + 1, j) - at(bx, by - 1, j))
    }
    peaks.push({ x: x + 0.5, y: y + 0.5, score: best })
  }
  return peaks
}

export type Rounding = 'float' | 'official'

/**
 * A heatmap peak in image coordinates (MPII, 1-based). `t` maps image to heatmap: cropTransform(center,
 * scale, heatmapRes, rotation). 'float' (default) is T⁻¹·q + 1, the exact inverse of how targets are placed;
 * 'official' truncates as the Lua does, int(T⁻¹·q) + 1, for numbers comparable to published ones
 * (about 0.5 px lower on average).
 */
export function peakToImage(t: Affine, peak: { x: number; y: number }, rounding: Rounding = 'float'): [number, number] {
  if (rounding === 'float') return cropToImage(t, [peak.x, peak.y])
  const [x, y] = applyAffine(invertAffine(t), [peak.x, peak.y])
  return [Math.trunc(x) + 1, Math.trunc(y) + 1]
}

/** The joint order of a mirrored image: joint j of the flipped image is joint perm[j] of the original. */
export function flipPermutation(nJoints: number, pairs: ReadonlyArray<readonly [number, number]> = MPII_FLIP_PAIRS): number[] {
  const perm = Array.from({ length: nJoints }, (_, j) => j)
  for (const [a, b] of pairs) {
    if (a >= nJoints || b >= nJoints) throw new Error(`flip pair (${a}, ${b}) is outside ${nJoints} joints`)
    perm[a] = b
    perm[b] = a
  }
  return perm
}

/** Heatmaps of a mirrored crop -> heatmaps of the crop: mirror the columns back and swap left/right. [N, H, W, J] */
export function flipHeatmapsBack(heatmaps: tf.Tensor4D, pairs: ReadonlyArray<readonly [number, number]> = MPII_FLIP_PAIRS): tf.Tensor4D {
  return tf.tidy(() => {
    const perm = tf.tensor1d(flipPermutation(heatmaps.shape[3], pairs), 'int32')
    return tf.gather(tf.reverse(heatmaps, 2), perm, 3) as tf.Tensor4D
  })
}

/**
 * Flip test: the average of predict(crop) and the flipped-back predict(mirrored crop). `predict` returns the
 * heatmaps to use (the last stack's). [N, R, R, 3] -> [N, r, r, J]
 */
export function flipTest(
  predict: (input: tf.Tensor4D) => tf.Tensor4D,
  input: tf.Tensor4D,
  pairs: ReadonlyArray<readonly [number, number]> = MPII_FLIP_PAIRS
): tf.Tensor4D {
  return tf.tidy(() => {
    const direct = predict(input)
    const mirrored = flipHeatmapsBack(predict(tf.reverse(input, 2)), pairs)
    return tf.mul(tf.add(direct, mirrored), 0.5) as tf.Tensor4D
  })
}
