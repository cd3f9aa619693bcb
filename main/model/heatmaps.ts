// Heatmap targets as the authors' code draws them (bearpaw/PyraNet datasets/posetransforms.lua drawGaussian
// with gsize 1): a 7x7 Gaussian of σ = 1.75 px (Torch's image.gaussian(7), i.e. 0.25·7), peak 1, centred
// on the truncated integer position trunc(T·(p - 1)) of the joint in the heatmap, max-merged into the map.
// One deliberate difference: near the top and left borders the Lua indexes the Gaussian from max(1, -ul),
// which shifts a clipped Gaussian by 1-2 px; here a clipped Gaussian stays centred where it belongs.
// Layout: one person's maps as HWC ([res, res, J], a slice of the NHWC batch the network outputs).

export const TARGET_SIGMA = 1.75
export const TARGET_RADIUS = 3

const kernel = (() => {
  const size = 2 * TARGET_RADIUS + 1
  const values = new Float32Array(size * size)
  for (let dy = -TARGET_RADIUS; dy <= TARGET_RADIUS; dy++) {
    for (let dx = -TARGET_RADIUS; dx <= TARGET_RADIUS; dx++) {
      values[(dy + TARGET_RADIUS) * size + dx + TARGET_RADIUS] = Math.exp(-(dx * dx + dy * dy) / (2 * TARGET_SIGMA * TARGET_SIGMA))
    }
  }
  return values
})()

/**
 * Draws the targets of one person. `points`: x, y per joint in continuous heatmap coordinates (T·(p - 1) for
 * a heatmap-sized T); NaN marks an unannotated joint, whose map stays empty, as does one whose Gaussian
 * falls wholly outside. Returns [res, res, J] (HWC), written into `out` if given (it must be zeroed).
 */
export function renderTargets(points: ArrayLike<number>, res: number, out?: Float32Array): Float32Array {
  const nJoints = points.length / 2
  const maps = out ?? new Float32Array(res * res * nJoints)
  if (maps.length !== res * res * nJoints) throw new Error(`target buffer holds ${maps.length} values, expected ${res * res * nJoints}`)
  const size = 2 * TARGET_RADIUS + 1
  for (let j = 0; j < nJoints; j++) {
    const x = points[2 * j]
    const y = points[2 * j + 1]
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue
    const px = Math.trunc(x) // toward zero, as Lua's :int(): a point just left of the map lands in column 0
    const py = Math.trunc(y)
    for (let dy = -TARGET_RADIUS; dy <= TARGET_RADIUS; dy++) {
      const row = py + dy
      if (row < 0 || row >= res) continue
      for (let dx = -TARGET_RADIUS; dx <= TARGET_RADIUS; dx++) {
        const col = px + dx
        if (col < 0 || col >= res) continue
        const index = (row * res + col) * nJoints + j
        const value = kernel[(dy + TARGET_RADIUS) * size + dx + TARGET_RADIUS]
        if (value > maps[index]) maps[index] = value
      }
    }
  }
  return maps
}
