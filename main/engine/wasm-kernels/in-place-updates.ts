// In-place updates (custom-kernels.ts InPlaceUpdates) for wasm: the batch-norm running statistics written into
// the variables' own memory (BN_RUNNING's arithmetic) instead of two new tensors and two assigns per layer, only
// when nothing else references that memory (backend refCount 1: a clone, reshape or snapshot of the variable
// shares its data and raises the count); otherwise the caller falls back to the kernel.
// Parameters are never updated in place here: the backend's XNNPACK convolution and matmul operators are
// cached per filter tensor with the weights and bias packed at creation, so a weight changed in place would go
// on convolving with its old values (measured: training then stalls). RMSprop stays a kernel with new outputs.
import { backend as activeBackend, type Tensor } from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { batchNormRunningInPlace, type BatchNormRunningAttrs, type InPlaceUpdates, type RmspropItem } from '../custom-kernels'
import { float32View } from './backend-calls'

function wasmBackend(): BackendWasm {
  return activeBackend() as unknown as BackendWasm
}

/** True when `t` is float32 and its heap memory belongs to it alone. */
function writable(wasm: BackendWasm, t: Tensor): boolean {
  const data = wasm.dataIdMap.get(t.dataId)
  return t.dtype === 'float32' && data !== undefined && data.refCount === 1
}

/** Never in place (see above): every item goes to the RMSPROP_UPDATE kernel. */
function rmsprop(items: RmspropItem[]): boolean[] {
  return items.map(() => false)
}

function batchNormRunning(runningMean: Tensor, runningVar: Tensor, stats: Tensor, attrs: BatchNormRunningAttrs): boolean {
  const wasm = wasmBackend()
  if (!writable(wasm, runningMean) || !writable(wasm, runningVar) || stats.dtype !== 'float32') return false
  const values = float32View(wasm, stats)
  const channels = runningMean.size
  batchNormRunningInPlace(float32View(wasm, runningMean), float32View(wasm, runningVar), values.subarray(0, channels), values.subarray(channels, 2 * channels), attrs)
  return true
}

export const wasmInPlaceUpdates: InPlaceUpdates = { rmsprop, batchNormRunning }
