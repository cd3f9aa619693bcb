// Plumbing shared by the project's wasm kernels: calling the wasm backend's own kernels from inside a
// kernel (they return TensorInfos that live only in the backend, so intermediates must be freed by hand),
// and typed views on the wasm heap. Views are invalidated whenever the heap grows, i.e. by any allocation,
// so a kernel takes its views only after it has allocated everything it writes to.
import { getKernel, type DataType, type KernelBackend, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

/** Runs the wasm backend's registered implementation of `kernelName`; the caller owns the result. */
export function callWasmKernel(
  backend: BackendWasm,
  kernelName: string,
  inputs: NamedTensorInfoMap,
  attrs: NamedAttrMap = {}
): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm')
  if (!kernel) throw new Error(`wasm kernel '${kernelName}' is not registered`)
  const out = kernel.kernelFunc({ inputs, attrs, backend: backend as unknown as KernelBackend })
  if (Array.isArray(out)) throw new Error(`wasm kernel '${kernelName}' returned several outputs`)
  return out
}

export function freeAll(backend: BackendWasm, ...infos: (TensorInfo | null | undefined)[]): void {
  for (const info of infos) if (info) backend.disposeData(info.dataId)
}

export function float32View(backend: BackendWasm, info: TensorInfo): Float32Array {
  if (info.dtype !== 'float32') throw new Error(`expected a float32 tensor, got ${info.dtype}`)
  return backend.typedArrayFromHeap(info) as Float32Array
}

/** A view of any numeric tensor (float32 or int32) for kernels that copy values without arithmetic on dtype. */
export function numericView(backend: BackendWasm, info: TensorInfo): Float32Array | Int32Array {
  const view = backend.typedArrayFromHeap(info)
  if (view instanceof Float32Array || view instanceof Int32Array) return view
  throw new Error(`unsupported dtype ${info.dtype} (float32 or int32 expected)`)
}

/** A fresh output tensor filled with zeros (`makeOutput` hands back uninitialised heap memory). */
export function zerosOutput(backend: BackendWasm, shape: number[], dtype: DataType = 'float32'): TensorInfo {
  const out = backend.makeOutput(shape, dtype)
  backend.typedArrayFromHeap(out).fill(0)
  return out
}
