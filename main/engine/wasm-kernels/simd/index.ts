// The project's wasm SIMD kernels (kernels.wat), instantiated on the tfjs wasm backend's own memory so they
// read and write tensors in place: one instance per backend memory. Null where the runtime lacks wasm SIMD.
import type { TensorInfo } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { SIMD_KERNELS_BASE64 } from './module-bytes'

export interface SimdKernels {
  bn_grad_sums(x: number, dy: number, tables: number, acc: number, periods: number, vecs: number, relu: number): void
  bn_grad_dx(x: number, dy: number, dx: number, tables: number, periods: number, vecs: number, relu: number): void
  bn_stats(x: number, tables: number, acc: number, periods: number, vecs: number): void
  bn_apply(x: number, y: number, tables: number, periods: number, vecs: number, relu: number): void
  im2col(
    xT: number, dst: number, C: number, H: number, W: number, OH: number, OW: number, KH: number, KW: number,
    sh: number, sw: number, padTop: number, padLeft: number, r0: number, rows: number
  ): void
  add_into(dst: number, src: number, n: number): void
  column_sums(x: number, acc: number, periods: number, vecs: number): void
  max_pool_grad_2x2(x: number, dy: number, dx: number, B: number, H: number, W: number, C: number): void
  fractional_pool(
    x: number, dy: number, out: number, rows: number, cols: number, B: number, H: number, W: number, C: number, OH: number, OW: number,
    rowStride: number, colStride: number, grad: number
  ): void
  transpose_2d(src: number, dst: number, R: number, C: number, count: number): void
  upsample_2x(x: number, out: number, rows: number, w: number, C: number): void
  upsample_2x_grad(dy: number, dx: number, rows: number, w: number, C: number): void
  pointwise_filter_grad(x: number, dy: number, dw: number, P: number, Ci: number, Co: number): void
  tap_filter_grad(
    x: number, dy: number, dw: number, rows: number, P: number, xRowBytes: number, dyRowBytes: number, Ci: number, Co: number
  ): void
  rmsprop(p: number, v: number, g: number, n: number, lr: number, alpha: number, rest: number, eps: number, decay: number): void
}

/** The part of the WebAssembly global used here (the node lib typings leave it out without DOM). */
interface WasmMemory {
  readonly buffer: ArrayBuffer
}
interface WasmModule {
  readonly kind?: never
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => WasmModule
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => { exports: unknown }
  Memory: abstract new (...args: never[]) => WasmMemory
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

let compiled: WasmModule | null | undefined
const instances = new WeakMap<WasmMemory, SimdKernels | null>()

function compiledModule(): WasmModule | null {
  if (compiled === undefined) {
    const bytes = Buffer.from(SIMD_KERNELS_BASE64, 'base64')
    compiled = wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null
  }
  return compiled
}

/** The backend's WebAssembly.Memory (the emscripten module's exported `memory`). */
function backendMemory(backend: BackendWasm): WasmMemory | null {
  const exports = (backend.wasm as unknown as { asm?: { memory?: unknown } }).asm
  return exports?.memory instanceof wasmApi.Memory ? exports.memory : null
}

export function simdKernels(backend: BackendWasm): SimdKernels | null {
  const memory = backendMemory(backend)
  const module = memory && compiledModule()
  if (!memory || !module) return null
  let kernels = instances.get(memory)
  if (kernels === undefined) {
    // the module imports an unshared memory: a threaded build's shared heap does not link, and the kernels'
    // callers then take their plain-JS paths
    try {
      kernels = new wasmApi.Instance(module, { env: { memory } }).exports as unknown as SimdKernels
    } catch {
      kernels = null
    }
    instances.set(memory, kernels)
  }
  return kernels
}

/** Byte offset of a tensor's values in the backend's heap. */
export function heapOffset(backend: BackendWasm, info: TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId)
  if (!data) throw new Error('tensor not in the wasm backend')
  return data.memoryOffset
}

/** P = lcm(channels, 4): the period, in floats, over which the kernels' per-channel tables repeat. */
export function channelPeriod(channels: number): number {
  let a = channels
  let b = 4
  while (b) [a, b] = [b, a % b]
  return (channels * 4) / a
}

/** Writes per-channel values repeated over one period (table[k] = values[k mod C]) at `at`. */
export function fillPeriodTable(heap: Float32Array, at: number, values: ArrayLike<number>, period: number): void {
  const channels = values.length
  for (let k = 0; k < period; k++) heap[at + k] = values[k % channels]
}
