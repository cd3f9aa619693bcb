// Slice and SplitV for wasm without the whole-input copy: the built-in Slice reads its input with
// `readSync`, which copies the entire tensor out of the heap on every call, so cutting a small piece
// out of a large activation (and every part of a split, e.g. concat's gradient) costs a full copy each.
// These read the heap in place.
import { backend_util, slice_util, util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

type HeapArray = ReturnType<BackendWasm['typedArrayFromHeap']>

function copyBox(source: HeapArray, shape: number[], begin: number[], size: number[], target: HeapArray): void {
  const rank = shape.length
  if (rank === 0) {
    target.set(source.subarray(0, 1))
    return
  }
  const strides = util.computeStrides(shape)
  const inner = size[rank - 1]
  const runs = util.sizeFromShape(size) / Math.max(inner, 1)
  const index = new Array<number>(Math.max(rank - 1, 0)).fill(0)
  let at = 0
  for (let n = 0; n < runs; n++) {
    let from = begin[rank - 1]
    for (let d = 0; d < rank - 1; d++) from += (begin[d] + index[d]) * strides[d]
    target.set(source.subarray(from, from + inner), at)
    at += inner
    for (let d = rank - 2; d >= 0; d--) {
      if (++index[d] < size[d]) break
      index[d] = 0
    }
  }
}

export function sliceInPlace(backend: BackendWasm, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype)
  if (util.sizeFromShape(size) === 0) return out
  copyBox(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out))
  return out
}

export function makeSliceKernel(builtin: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, attrs } = args
    const x = inputs.x as TensorInfo
    if (x.dtype === 'string') return builtin.kernelFunc(args)
    const { begin, size } = attrs as NamedAttrMap & { begin: number | number[]; size?: number | number[] }
    const [begin_, size_] = slice_util.parseSliceParams(x, begin, size)
    slice_util.assertParamsValid(x, begin_, size_)
    return sliceInPlace(args.backend as unknown as BackendWasm, x, begin_, size_)
  }
}

export function makeSplitVKernel(builtin: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, attrs } = args
    const x = inputs.x as TensorInfo
    if (x.dtype === 'string') return builtin.kernelFunc(args)
    const { numOrSizeSplits, axis } = attrs as NamedAttrMap & { numOrSizeSplits: number | number[]; axis: number }
    const $axis = util.parseAxisParam(axis, x.shape)[0]
    const sizes = backend_util.prepareSplitSize(x, numOrSizeSplits, $axis)
    const begin = new Array<number>(x.shape.length).fill(0)
    return sizes.map((s) => {
      const size = x.shape.slice()
      size[$axis] = s
      const part = sliceInPlace(args.backend as unknown as BackendWasm, x, begin, size)
      begin[$axis] += s
      return part
    })
  }
}

/** Unpack (tf.unstack, the gradient of tf.stack): the built-in slices with the whole-copy Slice, once per output. */
export function makeUnpackKernel(builtin: KernelConfig): KernelFunc {
  return (args) => {
    const value = args.inputs.value as TensorInfo
    if (value.dtype === 'string') return builtin.kernelFunc(args)
    const rank = value.shape.length
    const axis = util.parseAxisParam((args.attrs as NamedAttrMap & { axis: number }).axis, value.shape)[0]
    const outShape = value.shape.filter((_, i) => i !== axis)
    const begin = new Array<number>(rank).fill(0)
    const size = value.shape.slice()
    size[axis] = 1
    return Array.from({ length: value.shape[axis] }, (_, i) => {
      begin[axis] = i
      const part = sliceInPlace(args.backend as unknown as BackendWasm, value, begin, size)
      return { ...part, shape: outShape }
    })
  }
}

/** Identity shares the input's heap buffer (tensors are immutable) instead of copying it, as the cpu backend does. */
export function makeIdentityKernel(builtin: KernelConfig): KernelFunc {
  return (args) => {
    const x = args.inputs.x as TensorInfo
    if (x.dtype === 'string') return builtin.kernelFunc(args)
    ;(args.backend as unknown as BackendWasm).incRef(x.dataId)
    return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype }
  }
}
