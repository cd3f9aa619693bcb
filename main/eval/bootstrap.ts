// A seeded percentile bootstrap of a mean: the same data and seed give the same interval on every
// machine, so a comparison in a report can be reproduced exactly.

/** mulberry32: a 32-bit generator, small and fast, plenty for resampling indices. Returns [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface BootstrapInterval {
  mean: number
  /** Lower and upper ends of the interval, percentiles of the resampled means (linear interpolation). */
  low: number
  high: number
  level: number
  resamples: number
  seed: number
}

export interface BootstrapOptions {
  /** Default 2000. */
  resamples?: number
  /** Default 1. */
  seed?: number
  /** Default 0.95. */
  level?: number
}

export function bootstrapMean(values: ArrayLike<number>, options: BootstrapOptions = {}): BootstrapInterval {
  const { resamples = 2000, seed = 1, level = 0.95 } = options
  const n = values.length
  if (n === 0) throw new Error('bootstrapMean: no values')
  const random = seededRandom(seed)
  const means = new Float64Array(resamples)
  for (let r = 0; r < resamples; r++) {
    let sum = 0
    for (let i = 0; i < n; i++) sum += values[Math.floor(random() * n)]
    means[r] = sum / n
  }
  means.sort()
  let total = 0
  for (let i = 0; i < n; i++) total += values[i]
  const alpha = (1 - level) / 2
  return { mean: total / n, low: percentile(means, alpha), high: percentile(means, 1 - alpha), level, resamples, seed }
}

/** numpy's default ('linear') percentile of sorted values, q in [0, 1]. */
export function percentile(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1)
  const below = Math.floor(position)
  const above = Math.min(below + 1, sorted.length - 1)
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below)
}
