// The project's RMSprop step (custom-kernels.ts RMSPROP_UPDATE) for wasm: one pass over the wasm heap per
// parameter (wasm SIMD) instead of the nine elementwise kernels the tfjs-op form takes (each a call with its
// own allocation and dispatch cost, which for the ~300 small tensors of a PyraNet outweigh the arithmetic).
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { float32View } from './backend-calls'
import { heapOffset, simdKernels } from './simd'
import { rmspropUpdateInPlace, type RmspropAttrs } from '../custom-kernels'

export const rmspropUpdateWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const { param, grad, squareAvg } = inputs as { param: TensorInfo; grad: TensorInfo; squareAvg: TensorInfo }
  return update(wasm, param, grad, squareAvg, attrs as unknown as RmspropAttrs)
}

/** RMSPROP_UPDATE_ALL: the same update for `count` parameters in one call. */
export const rmspropUpdateAllWasm: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as BackendWasm
  const named = inputs as Record<string, TensorInfo>
  const { count } = attrs as unknown as { count: number }
  const outputs: TensorInfo[] = []
  for (let i = 0; i < count; i++) {
    outputs.push(...update(wasm, named[`param${i}`], named[`grad${i}`], named[`squareAvg${i}`], attrs as unknown as RmspropAttrs))
  }
  return outputs
}

function update(wasm: BackendWasm, param: TensorInfo, grad: TensorInfo, squareAvg: TensorInfo, a: RmspropAttrs): TensorInfo[] {
  const nextParam = wasm.makeOutput(param.shape, 'float32')
  const nextAverage = wasm.makeOutput(squareAvg.shape, 'float32')
  // views only after every allocation (an allocation can move the heap)
  const p = float32View(wasm, nextParam)
  const v = float32View(wasm, nextAverage)
  const g = float32View(wasm, grad)
  if (g.length !== p.length || v.length !== p.length) throw new Error('PyraRmspropUpdate: param, grad and squareAvg differ in size')
  p.set(float32View(wasm, param))
  v.set(float32View(wasm, squareAvg))
  const simd = simdKernels(wasm)
  // whole vectors in SIMD (the same float32 operations in the same order), any remainder in JS
  const whole = simd ? p.length - (p.length % 4) : 0
  if (simd) {
    const f = Math.fround
    simd.rmsprop(heapOffset(wasm, nextParam), heapOffset(wasm, nextAverage), heapOffset(wasm, grad), whole, f(a.lr), f(a.alpha), f(1 - a.alpha), f(a.eps), f(a.weightDecay))
  }
  if (whole < p.length) rmspropUpdateInPlace(p.subarray(whole), g.subarray(whole), v.subarray(whole), a)
  return [nextParam, nextAverage]
}
