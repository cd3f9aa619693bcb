// Messages between the trainer and its loader threads, which decode, crop, augment and batch images while
// the engine runs the previous step.
import type { AugmentationRecipe, SampleShape } from './sample'

export interface LoaderInit {
  type: 'init'
  snapshotPath: string
  shape: SampleShape
  augment: AugmentationRecipe
  seed: number
  /** Decoded images kept per thread. */
  cacheBytes: number
  /** libvips threads per loader thread. */
  decodeThreads: number
}

export interface BatchRequest {
  type: 'batch'
  id: number
  split: 'train' | 'val'
  /** Indices into the snapshot's split, one per sample. */
  people: number[]
  /** Keys of the augmentation draws (epoch, batch); sample i uses (seed, ...keys, i). */
  keys: number[]
  augment: boolean
  targets: boolean
}

export type LoaderRequest = LoaderInit | BatchRequest

export interface PreparedBatch {
  count: number
  /** [count, R, R, 3] */
  input: Float32Array
  /** [count, R/4, R/4, 16], when asked for */
  target: Float32Array | null
  /** 6 per sample: each sample's image-to-crop affine map (flip included). */
  transforms: Float64Array
  flips: Uint8Array
  /** Milliseconds the thread spent on this batch. */
  busyMs: number
}

export type LoaderReply =
  | { type: 'ready' }
  | ({ type: 'batch'; id: number } & PreparedBatch)
  | { type: 'error'; id: number | null; message: string }
