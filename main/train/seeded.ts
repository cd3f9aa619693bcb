// Seeded randomness for the data pipeline. Every draw is keyed by (seed, epoch, batch, slot), so a batch is
// the same whichever worker prepares it, in whatever order, and a resumed run sees exactly the batches
// it would have seen had it never stopped.

export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number
}

/** mulberry32: tiny, fast, and good enough for augmentation draws and shuffles. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0
  return {
    uniform() {
      state = (state + 0x6d2b79f5) >>> 0
      let t = state
      t = Math.imul(t ^ (t >>> 15), t | 1)
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }
}

/** Mixes integer keys into one 32-bit seed (splitmix-style avalanche per key). */
export function mixSeed(seed: number, ...keys: number[]): number {
  let h = seed >>> 0
  for (const key of keys) {
    h = (h ^ Math.imul((key >>> 0) + 0x9e3779b9, 0x85ebca6b)) >>> 0
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0
    h = (h ^ (h >>> 16)) >>> 0
  }
  return h
}

export interface Draws extends Rng {
  /** Standard normal (Box-Muller). */
  normal(): number
  chance(p: number): boolean
}

export function draws(seed: number, ...keys: number[]): Draws {
  const rng = createRng(mixSeed(seed, ...keys))
  return {
    uniform: rng.uniform,
    normal() {
      const u = 1 - rng.uniform()
      const v = rng.uniform()
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    },
    chance: (p) => rng.uniform() < p
  }
}

/** A permutation of 0..n-1 (Fisher-Yates). */
export function shuffled(n: number, seed: number, ...keys: number[]): Uint32Array {
  const order = new Uint32Array(n)
  for (let i = 0; i < n; i++) order[i] = i
  const rng = createRng(mixSeed(seed, ...keys))
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1))
    const t = order[i]
    order[i] = order[j]
    order[j] = t
  }
  return order
}
