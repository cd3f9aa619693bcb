// The crop transform of every Newell-derived pose code (shared/docs/pyranet-reference.md §3.4;
// bearpaw/PyraNet datasets/posetransforms.lua getTransform): a square of side h = 200·scale around `center`,
// mapped onto `res` pixels, rotated by `rotation` degrees about the crop centre.
//   T = [[R/h, 0, R(-cx/h + 0.5)], [0, R/h, R(-cy/h + 0.5)]];  with rotation T <- T(+R/2)·Rot(-r)·T(-R/2)·T
// Image points are MPII's (MATLAB, 1-based); the official code maps p to T·(p - 1) and back with T⁻¹·q + 1.

/** x' = a·x + b·y + c, y' = d·x + e·y + f */
export type Affine = readonly [a: number, b: number, c: number, d: number, e: number, f: number]
export type Point = readonly [x: number, y: number]

export function cropTransform(center: Point, scale: number, res: number, rotation = 0): Affine {
  const h = 200 * scale
  const t: Affine = [res / h, 0, res * (-center[0] / h + 0.5), 0, res / h, res * (-center[1] / h + 0.5)]
  if (rotation === 0) return t
  const angle = (-rotation * Math.PI) / 180
  const cos = Math.cos(angle)
  const sin = Math.sin(angle)
  const half = res / 2
  const rotateAboutCentre: Affine = [cos, -sin, half - cos * half + sin * half, sin, cos, half - sin * half - cos * half]
  return compose(rotateAboutCentre, t)
}

/** (outer ∘ inner)(p) = outer(inner(p)) */
export function compose(outer: Affine, inner: Affine): Affine {
  const [a, b, c, d, e, f] = outer
  const [g, h, i, j, k, l] = inner
  return [a * g + b * j, a * h + b * k, a * i + b * l + c, d * g + e * j, d * h + e * k, d * i + e * l + f]
}

export function invertAffine([a, b, c, d, e, f]: Affine): Affine {
  const det = a * e - b * d
  if (det === 0) throw new Error('crop transform is singular (scale 0?)')
  return [e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det]
}

export function applyAffine([a, b, c, d, e, f]: Affine, [x, y]: Point): [number, number] {
  return [a * x + b * y + c, d * x + e * y + f]
}

/** Image point (MPII, 1-based) -> continuous crop coordinate: T·(p - 1). Pixel k of the crop spans [k, k+1). */
export function imageToCrop(t: Affine, p: Point): [number, number] {
  return applyAffine(t, [p[0] - 1, p[1] - 1])
}

/** Continuous crop coordinate -> image point (MPII, 1-based): T⁻¹·q + 1, the exact inverse of imageToCrop. */
export function cropToImage(t: Affine, q: Point): [number, number] {
  const [x, y] = applyAffine(invertAffine(t), q)
  return [x + 1, y + 1]
}
