// Fractional max-pooling (Graham 2014) with 2x2 overlapping windows, as torch's F.fractional_max_pool2d and
// Torch7's SpatialFractionalMaxPooling compute it; TensorFlow.js has no such op. PRMs use it to subsample
// each pyramid level by 2^(-c/C).
//
// Per batch element and channel, two uniform samples u (one per axis) place the windows. Along an axis with
// alpha = (in - 2) / (out - 1):  start[i] = int((i + u) * alpha) - int(u * alpha) for i < out - 1, and
// start[out - 1] = in - 2  (ATen generate_intervals, in float32 arithmetic as torch does for float tensors).
// The output is the max over the 2x2 window at (start_h[i], start_w[j]).
//
// torch draws new samples at every forward, at test time too. Here the samples are an argument:
// - training: random, from a seeded generator (randomPoolSampler);
// - parity tests: exactly the samples torch was given (`_random_samples`, shape [N, C, 2], u_w then u_h);
// - inference: the deterministic mode fixedPoolSampler(0.5): u = 0.5 for every element, channel and axis,
//   i.e. windows as evenly spread as the ratio allows. This is a choice of ours (the authors' test code drew
//   random regions); it makes predictions repeatable, and torch gives the same outputs when passed
//   `_random_samples` filled with 0.5.
import * as tf from '@tensorflow/tfjs-core'
import { FRACTIONAL_POOL, FRACTIONAL_POOL_GRAD, firstWindows, hasKernel, type FractionalPoolAttrs } from '../engine/custom-kernels'
import type { Rng } from './random'

/** Samples for one pooling site: [N, C, 2] (u_w, u_h) as torch lays them out, or one u for everything. */
export type PoolSamples = Float32Array | number

/** Gives the samples of one pooling site, named by its pyramid level's PyTorch module path. */
export type PoolSampler = (site: string, batch: number, channels: number) => PoolSamples

export function randomPoolSampler(rng: Rng): PoolSampler {
  return (_site, batch, channels) => rng.fillUniform(new Float32Array(batch * channels * 2), 0, 1)
}

/** The deterministic inference mode (see above). */
export function fixedPoolSampler(u = 0.5): PoolSampler {
  return () => u
}

/** Replays recorded samples (a parity fixture's), failing loudly on a site it does not know. */
export function tablePoolSampler(table: ReadonlyMap<string, Float32Array>): PoolSampler {
  return (site, batch, channels) => {
    const samples = table.get(site)
    if (!samples) throw new Error(`no pooling samples recorded for ${site}`)
    if (samples.length !== batch * channels * 2) {
      throw new Error(`pooling samples for ${site} hold ${samples.length} values, expected ${batch}x${channels}x2`)
    }
    return samples
  }
}

/** Window starts along one axis for sample u (ATen fractional_max_pool2d_generate_intervals, float32). */
export function poolIntervals(u: number, inSize: number, outSize: number): Int32Array {
  const starts = new Int32Array(outSize)
  if (outSize > 1) {
    const f = Math.fround
    const alpha = f(f(inSize - 2) / f(outSize - 1))
    const uf = f(u)
    const offset = Math.trunc(f(uf * alpha))
    for (let i = 0; i < outSize - 1; i++) starts[i] = Math.trunc(f(f(i + uf) * alpha)) - offset
  }
  if (outSize > 0) starts[outSize - 1] = inSize - 2
  return starts
}

/** [N, H, W, C] -> [N, outH, outW, C] */
export function fractionalMaxPool2d(x: tf.Tensor4D, outH: number, outW: number, samples: PoolSamples): tf.Tensor4D {
  const [n, h, w, c] = x.shape
  if (h < 2 || w < 2 || outH < 1 || outW < 1 || outH > h - 1 || outW > w - 1) {
    throw new Error(`fractional max-pool cannot take ${h}x${w} to ${outH}x${outW} with 2x2 windows`)
  }
  if (hasKernel(FRACTIONAL_POOL) && hasKernel(FRACTIONAL_POOL_GRAD)) return fusedPool(x, outH, outW, samples)
  // The max of the 2x2 window at every start; the pooling then only picks starts. maxPool's gradient routes
  // ties to the first maximum in row-major order, as torch's fractional pooling does.
  const windows = tf.maxPool(x, 2, 1, 'valid') // [N, H-1, W-1, C]
  if (typeof samples === 'number') {
    const rows = gatherAxis(windows, poolIntervals(samples, h, outH), 1) // [N, outH, W-1, C]
    return gatherAxis(rows, poolIntervals(samples, w, outW), 2) as tf.Tensor4D // [N, outH, outW, C]
  }
  if (samples.length !== n * c * 2) throw new Error(`pooling samples hold ${samples.length} values, expected ${n}x${c}x2`)
  // Starts differ per (element, channel): gather rows, then columns, of each [H-1, W-1] plane.
  const rowIndex = new Int32Array(n * c * outH)
  const colIndex = new Int32Array(n * c * outW)
  for (let plane = 0; plane < n * c; plane++) {
    const rows = poolIntervals(samples[2 * plane + 1], h, outH)
    const cols = poolIntervals(samples[2 * plane], w, outW)
    for (let i = 0; i < outH; i++) rowIndex[plane * outH + i] = plane * (h - 1) + rows[i]
    for (let j = 0; j < outW; j++) colIndex[plane * outW + j] = plane * (w - 1) + cols[j]
  }
  const planes = tf.reshape(tf.transpose(windows, [0, 3, 1, 2]), [n * c * (h - 1), w - 1]) // [N*C*(H-1), W-1]
  const rows = tf.reshape(gatherAxis(planes, rowIndex, 0), [n * c, outH, w - 1]) // [N*C, outH, W-1]
  const columns = tf.reshape(tf.transpose(rows, [0, 2, 1]), [n * c * (w - 1), outH]) // [N*C*(W-1), outH]
  const picked = tf.reshape(gatherAxis(columns, colIndex, 0), [n, c, outW, outH]) // [N, C, outW, outH]
  return tf.transpose(picked, [0, 3, 2, 1]) as tf.Tensor4D // [N, outH, outW, C]
}

/**
 * The same pooling as one kernel each way where the engine has the project's (custom-kernels.ts): window
 * starts as int32 tables instead of ~6 gathers and transposes forward and ~10 scatters, transposes and a
 * MaxPoolGrad backward.
 */
function fusedPool(x: tf.Tensor4D, outH: number, outW: number, samples: PoolSamples): tf.Tensor4D {
  const [n, h, w, c] = x.shape
  const shared = typeof samples === 'number'
  const planes = shared ? 1 : n * c
  if (!shared && samples.length !== n * c * 2) throw new Error(`pooling samples hold ${samples.length} values, expected ${n}x${c}x2`)
  const rows = new Int32Array(planes * outH)
  const cols = new Int32Array(planes * outW)
  for (let plane = 0; plane < planes; plane++) {
    rows.set(poolIntervals(shared ? samples : samples[2 * plane + 1], h, outH), plane * outH)
    cols.set(poolIntervals(shared ? samples : samples[2 * plane], w, outW), plane * outW)
  }
  const attrs: FractionalPoolAttrs = { outHeight: outH, outWidth: outW, shared }
  const pool = tf.customGrad((input, save) => {
    const tables = {
      rows: tf.tensor1d(rows, 'int32'),
      cols: tf.tensor1d(cols, 'int32'),
      rowFirst: tf.tensor1d(firstWindows(rows, planes, outH, h), 'int32'),
      colFirst: tf.tensor1d(firstWindows(cols, planes, outW, w), 'int32')
    }
    const value = tf.engine().runKernel(FRACTIONAL_POOL, { x: input as tf.Tensor, rows: tables.rows, cols: tables.cols }, { ...attrs }) as tf.Tensor4D
    ;(save as tf.GradSaveFunc)([input as tf.Tensor, tables.rows, tables.cols, tables.rowFirst, tables.colFirst])
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, rowsT, colsT, rowFirst, colFirst] = saved
      return tf.engine().runKernel(FRACTIONAL_POOL_GRAD, { x: xs, dy, rows: rowsT, cols: colsT, rowFirst, colFirst }, { ...attrs }) as tf.Tensor
    }
    return { value, gradFunc }
  })
  return pool(x) as tf.Tensor4D
}

/**
 * tf.gather along one axis whose gradient is a scatter-add (tf.scatterND sums repeated indices): tf.gather's
 * own gradient needs UnsortedSegmentSum, which the wasm backend lacks.
 */
function gatherAxis(x: tf.Tensor, indices: Int32Array, axis: number): tf.Tensor {
  const gather = tf.customGrad(((input: tf.Tensor) => {
    const index = tf.tensor1d(indices, 'int32')
    const value = tf.gather(input, index, axis)
    index.dispose()
    const gradFunc = (dy: tf.Tensor) => {
      const order = [axis, ...input.shape.map((_, i) => i).filter((i) => i !== axis)]
      const front = axis === 0 ? dy : tf.transpose(dy, order) // indexed axis first
      const shape = order.map((i) => input.shape[i])
      const scattered = tf.scatterND(tf.tensor2d(indices, [indices.length, 1], 'int32'), front, shape)
      return axis === 0 ? scattered : tf.transpose(scattered, inversePermutation(order))
    }
    return { value, gradFunc }
  }) as Parameters<typeof tf.customGrad>[0])
  return gather(x)
}

function inversePermutation(order: number[]): number[] {
  const inverse = new Array<number>(order.length)
  order.forEach((to, from) => (inverse[to] = from))
  return inverse
}
