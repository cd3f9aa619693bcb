// Calling a backend's registered kernels from inside another kernel, for the project's kernels that are
// compositions (any backend: they are tested on cpu and run on webgpu). Results are TensorInfos that live only
// in the backend, so every intermediate is freed by hand.
import { getKernel, type KernelBackend, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs-core'

export class KernelCalls {
  private readonly owned: TensorInfo[] = []

  constructor(
    readonly backend: KernelBackend,
    readonly backendName: string
  ) {}

  /** Runs `kernelName` as registered for this backend; the result is freed by `freeAll` unless `keep`-ed. */
  run(kernelName: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const kernel = getKernel(kernelName, this.backendName)
    if (!kernel) throw new Error(`${this.backendName} has no '${kernelName}' kernel`)
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend })
    if (Array.isArray(out)) throw new Error(`kernel '${kernelName}' returned several outputs`)
    this.owned.push(out)
    return out
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape })
  }

  /** Hands `info` to the caller: `freeAll` leaves it alone. */
  keep(info: TensorInfo): TensorInfo {
    const at = this.owned.indexOf(info)
    if (at >= 0) this.owned.splice(at, 1)
    return info
  }

  freeAll(): void {
    for (const info of this.owned.splice(0)) this.backend.disposeData(info.dataId)
  }
}

/** Runs `body` with a fresh KernelCalls, frees every intermediate it did not keep, returns its result. */
export function withKernelCalls<T>(backend: KernelBackend, backendName: string, body: (calls: KernelCalls) => T): T {
  const calls = new KernelCalls(backend, backendName)
  try {
    return body(calls)
  } finally {
    calls.freeAll()
  }
}
