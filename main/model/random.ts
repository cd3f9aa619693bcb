// A small seeded generator (mulberry32) for weight init and pooling samples: the same seed gives the same
// network on every backend and machine, which tf.random* does not promise across backends.

export interface Rng {
  /** Uniform in [0, 1), on the float32 grid (multiples of 2^-24), so it survives a Float32Array unchanged. */
  uniform(): number
  /** Fills `out` with U(low, high). */
  fillUniform(out: Float32Array, low: number, high: number): Float32Array
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
  const uniform = () => (next() >>> 8) / 16777216
  return {
    uniform,
    fillUniform(out, low, high) {
      for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * uniform()
      return out
    }
  }
}
