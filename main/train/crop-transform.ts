// The crop every Newell-derived pose pipeline uses (pyranet-reference.md §3.4): a square of side 200·s
// image pixels around the person's centre, rotated by r, mapped onto an R x R crop; heatmaps are the
// same crop at R / 4.
//
// Conventions, fixed here and nowhere else:
// - MPII coordinates (the database, the evaluation) are 1-based MATLAB pixels; image pixel index
//   coordinates are MPII - 1 (pixel (0, 0) is the top-left pixel's centre).
// - A crop maps the centre to the crop's middle, (R - 1) / 2 in pixel index coordinates, so that flipping
//   a crop (x -> R - 1 - x) is its own inverse and maps the centre onto itself.
// - Heatmap pixel j covers crop pixels 4j .. 4j + 3, so its centre is crop coordinate 4j + 1.5. With
//   that, flipping the heatmap (x -> H - 1 - x) is exactly flipping the crop: the flip test needs no
//   pixel shift (HRNet's SHIFT_HEATMAP exists to undo the half-pixel error other conventions make).

/** 2x3 affine map [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f. */
export type Affine = readonly [number, number, number, number, number, number]

export const HEATMAP_STRIDE = 4

export interface CropSpec {
  /** The person's centre, MPII 1-based coordinates (already adjusted as the h5 files are). */
  centre: readonly [number, number]
  /** MPII scale: the crop's side is 200·scale image pixels. */
  scale: number
  /** Degrees; positive turns the person counter-clockwise in the crop. */
  rotation: number
  /** Crop side in pixels. */
  res: number
}

/** Image pixel index coordinates (MPII - 1) to crop pixel index coordinates. */
export function cropTransform({ centre, scale, rotation, res }: CropSpec): Affine {
  const k = res / (200 * scale)
  const theta = (rotation * Math.PI) / 180
  // rotating the crop by +r maps image directions through Rot(-r): x' = cos·x + sin·y, y' = -sin·x + cos·y
  const cos = Math.cos(theta) * k
  const sin = Math.sin(theta) * k
  const cx = centre[0] - 1
  const cy = centre[1] - 1
  const mid = (res - 1) / 2
  return [cos, sin, mid - cos * cx - sin * cy, -sin, cos, mid + sin * cx - cos * cy]
}

export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]]
}

export function invertAffine(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3]
  if (det === 0) throw new Error('a crop transform with zero scale has no inverse')
  const a = m[4] / det
  const b = -m[1] / det
  const d = -m[3] / det
  const e = m[0] / det
  return [a, b, -(a * m[2] + b * m[5]), d, e, -(d * m[2] + e * m[5])]
}

/** MPII 1-based image point to crop pixel coordinates. */
export function mpiiToCrop(m: Affine, x: number, y: number): [number, number] {
  return applyAffine(m, x - 1, y - 1)
}

/** Crop pixel coordinates back to an MPII 1-based image point (float; no truncation). */
export function cropToMpii(m: Affine, x: number, y: number): [number, number] {
  const [ix, iy] = applyAffine(invertAffine(m), x, y)
  return [ix + 1, iy + 1]
}

export const cropToHeatmap = (v: number): number => (v - (HEATMAP_STRIDE - 1) / 2) / HEATMAP_STRIDE
export const heatmapToCrop = (v: number): number => v * HEATMAP_STRIDE + (HEATMAP_STRIDE - 1) / 2

/** Heatmap pixel coordinates (of a heatmap of an unflipped crop) to MPII 1-based image coordinates. */
export function heatmapToMpii(m: Affine, x: number, y: number): [number, number] {
  return cropToMpii(m, heatmapToCrop(x), heatmapToCrop(y))
}

/** Mirror of a coordinate across a crop (or heatmap) of `size` pixels. */
export const mirror = (v: number, size: number): number => size - 1 - v
