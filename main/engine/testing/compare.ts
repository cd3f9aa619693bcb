// Helpers for tests that compare a backend's results with the cpu backend's on seeded random data.
import * as tf from '@tensorflow/tfjs-core'
import { expect } from 'vitest'

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

/** Uniform values in [-1, 1). */
export function randomValues(random: () => number, n: number): Float32Array {
  const values = new Float32Array(n)
  for (let i = 0; i < n; i++) values[i] = random() * 2 - 1
  return values
}

export async function onBackend<T>(name: string, f: () => Promise<T> | T): Promise<T> {
  await tf.setBackend(name)
  return f()
}

/** Asserts |actual - expected| / (1 + |expected|) < tolerance everywhere, naming the worst element. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string, tolerance = 1e-4): void {
  expect(actual.length, `${label}: length`).toBe(expected.length)
  let worst = 0
  let at = -1
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i]))
    if (!(err <= worst)) {
      worst = err
      at = i
    }
  }
  expect(worst, `${label}: worst relative error at ${at} (${actual[at]} vs ${expected[at]})`).toBeLessThan(tolerance)
}
