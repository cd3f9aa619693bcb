// Reading the PyTorch reference's fixtures (reference/make_fixtures.py writes them; reference/fixtures holds
// them) for the parity tests and the bench: NCHW activations become NHWC tensors, and tensors are compared
// by the largest absolute difference relative to the largest magnitude of the expected tensor.
import * as tf from '@tensorflow/tfjs-core'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { renderTargets } from './heatmaps'
import { decodeSafetensors, toFloat32, type DecodedSafetensors, type StoredTensor } from './safetensors'

export const FIXTURES_DIR = fileURLToPath(new URL('../../reference/fixtures/', import.meta.url))
export const NETWORK_CASES = ['prm-b', 'prm-a', 'prm-c', 'residual'] as const
export type NetworkCase = (typeof NETWORK_CASES)[number]

export function readFixture(relativePath: string): Map<string, StoredTensor> {
  return readFixtureFile(relativePath).tensors
}

export function readFixtureFile(relativePath: string): DecodedSafetensors {
  const path = FIXTURES_DIR + relativePath
  return decodeSafetensors(readFileSync(path), path)
}

/**
 * Splits a flat tensor (several tensors flattened and concatenated) by a metadata list of [name, shape],
 * as make_fixtures.py stores gradients and buffers.
 */
export function splitFlat(flat: Float32Array, layout: Array<[string, number[]]>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>()
  let offset = 0
  for (const [name, shape] of layout) {
    const size = shape.reduce((a, b) => a * b, 1)
    out.set(name, flat.subarray(offset, offset + size))
    offset += size
  }
  if (offset !== flat.length) throw new Error(`flat tensor holds ${flat.length} values, layout ${offset}`)
  return out
}

export function fixtureCaseDir(name: NetworkCase): string {
  return FIXTURES_DIR + name
}

export function requireTensor(tensors: ReadonlyMap<string, StoredTensor>, name: string): StoredTensor {
  const t = tensors.get(name)
  if (!t) throw new Error(`fixture has no tensor ${name}`)
  return t
}

/** [N, C, H, W] data -> an NHWC tensor. */
export function nchwToNhwc(stored: StoredTensor, name = 'tensor'): tf.Tensor4D {
  const [n, c, h, w] = stored.shape
  const data = stored.dtype === 'U8' ? Float32Array.from(stored.data as Uint8Array) : toFloat32(stored, name)
  return tf.tidy(() => tf.transpose(tf.tensor4d(data, [n, c, h, w]), [0, 2, 3, 1]))
}

/** The fixture's network input: U8 NCHW image / 255 (rounded to float32 as torch divides), NHWC. */
export function fixtureInput(tensors: ReadonlyMap<string, StoredTensor>): tf.Tensor4D {
  const image = requireTensor(tensors, 'input')
  const [n, c, h, w] = image.shape
  const scaled = Float32Array.from(image.data as Uint8Array, (v) => Math.fround(v / 255))
  return tf.tidy(() => tf.transpose(tf.tensor4d(scaled, [n, c, h, w]), [0, 2, 3, 1]))
}

/** Targets from the fixture's joint positions, [N, r, r, J]. */
export function fixtureTargets(tensors: ReadonlyMap<string, StoredTensor>, res: number): tf.Tensor4D {
  const joints = requireTensor(tensors, 'joints')
  const [n, j] = joints.shape
  const data = toFloat32(joints, 'joints')
  const maps = new Float32Array(n * res * res * j)
  for (let i = 0; i < n; i++) renderTargets(data.subarray(i * j * 2, (i + 1) * j * 2), res, maps.subarray(i * res * res * j, (i + 1) * res * res * j))
  return tf.tensor4d(maps, [n, res, res, j])
}

/** Pooling samples by site (`samples.<site>` tensors). */
export function fixtureSamples(tensors: ReadonlyMap<string, StoredTensor>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>()
  for (const [name, t] of tensors) if (name.startsWith('samples.')) out.set(name.slice('samples.'.length), toFloat32(t, name))
  return out
}

export interface Difference {
  maxAbs: number
  /** maxAbs / max |expected| */
  relative: number
}

export function difference(actual: ArrayLike<number>, expected: ArrayLike<number>): Difference {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs expected ${expected.length}`)
  let maxAbs = 0
  let scale = 0
  for (let i = 0; i < expected.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(actual[i] - expected[i]))
    scale = Math.max(scale, Math.abs(expected[i]))
  }
  return { maxAbs, relative: scale > 0 ? maxAbs / scale : maxAbs }
}
