// UnsortedSegmentSum for wasm (missing in tfjs-backend-wasm 4.22). It is the gradient of gather, so any
// model that indexes with tf.gather needs it to train. Ids outside [0, numSegments) are dropped, as in TF.
import type { KernelFunc, TensorInfo, UnsortedSegmentSumAttrs } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { numericView, zerosOutput } from './backend-calls'

export const unsortedSegmentSumWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo }
  const { numSegments } = attrs as unknown as UnsortedSegmentSumAttrs
  const idsRank = segmentIds.shape.length
  if (segmentIds.dtype !== 'int32') throw new Error(`UnsortedSegmentSum: segmentIds must be int32, got ${segmentIds.dtype}`)
  if (segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] is not a prefix of x shape [${x.shape}]`)
  }
  const rest = x.shape.slice(idsRank)
  const inner = rest.reduce((a, d) => a * d, 1)
  const out = zerosOutput(wasm, [numSegments, ...rest], x.dtype)
  const sums = numericView(wasm, out)
  const values = numericView(wasm, x)
  const ids = numericView(wasm, segmentIds)
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]
    if (id < 0 || id >= numSegments) continue
    const from = i * inner
    const to = id * inner
    for (let j = 0; j < inner; j++) sums[to + j] += values[from + j]
  }
  return out
}
