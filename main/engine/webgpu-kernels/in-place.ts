// Compute dispatches that write tensors' own GPU buffers, encoded into tfjs-backend-webgpu's command stream.
// tfjs programs cannot write their inputs, so an in-place update there means a new output buffer and, for
// a variable, an assign; for the optimizer and the batch-norm running statistics that is ~1000 extra dispatches
// per PyraNet step, and the step is bound by the JS cost of issuing dispatches (measured on an H200: ~640 ms
// of JS for ~210 ms of GPU work). This uses tfjs-backend-webgpu 4.22's internals (tensorMap, commandEncoder,
// computePassEncoder, commandQueueOwnedIds, dispatchCountInPass), so it is pinned to that version's layout.
// A buffer is written in place only when nothing else references its data (backend refCount 1: a clone,
// reshape or variable made from it raises the count); otherwise the caller falls back to the kernels.
import { backend as activeBackend, env, type Tensor } from '@tensorflow/tfjs-core'

interface TensorData {
  refCount: number
  dtype: string
  resource: unknown
  values: unknown
}

export interface WebgpuInternals {
  device: GPUDevice
  queue: GPUQueue
  tensorMap: { get(dataId: object): TensorData | undefined }
  commandEncoder: GPUCommandEncoder | null
  computePassEncoder: GPUComputePassEncoder | null
  commandQueueOwnedIds: WeakSet<object>
  dispatchCountInPass: number
  uploadToGPU(dataId: object): void
  ensureCommandEncoderReady(): void
  endComputePassEncoder(): void
  submitQueue(): void
}

export function webgpuInternals(): WebgpuInternals {
  return activeBackend() as unknown as WebgpuInternals
}

/** The GPU buffer of a float32 tensor, uploaded if needed; null if it is not a plain buffer. */
export function bufferOf(b: WebgpuInternals, t: Tensor): GPUBuffer | null {
  const data = b.tensorMap.get(t.dataId)
  if (!data || data.dtype !== 'float32') return null
  b.uploadToGPU(t.dataId)
  return data.resource instanceof GPUBuffer ? data.resource : null
}

/** The buffer of a tensor that may be written in place (nothing else references its data), else null. */
export function ownedBufferOf(b: WebgpuInternals, t: Tensor): GPUBuffer | null {
  const data = b.tensorMap.get(t.dataId)
  return data && data.refCount === 1 ? bufferOf(b, t) : null
}

/** Compiles a WGSL compute shader (entry point `main`) once per device. */
export function cachedPipeline(cache: WeakMap<GPUDevice, GPUComputePipeline>, device: GPUDevice, code: string): GPUComputePipeline {
  let pipeline = cache.get(device)
  if (!pipeline) {
    pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } })
    cache.set(device, pipeline)
  }
  return pipeline
}

/** A uniform buffer holding `data`, made once per key and kept (keys: sizes and hyper-parameters). */
export function cachedUniform(cache: Map<string, GPUBuffer>, b: WebgpuInternals, key: string, data: ArrayBuffer): GPUBuffer {
  let buffer = cache.get(key)
  if (!buffer) {
    buffer = b.device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST })
    b.queue.writeBuffer(buffer, 0, data)
    cache.set(key, buffer)
  }
  return buffer
}

/**
 * Encodes one dispatch in tfjs' current compute pass, in order with its programs. `written` tensors' CPU
 * copies (cached by earlier reads) are dropped; every tensor used stays alive until the commands are submitted.
 */
export function encodeDispatch(
  b: WebgpuInternals, pipeline: GPUComputePipeline, entries: GPUBindGroupEntry[], workgroups: number, written: Tensor[], read: Tensor[]
): void {
  const bindGroup = b.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries })
  b.ensureCommandEncoderReady()
  if (!b.computePassEncoder) b.computePassEncoder = b.commandEncoder!.beginComputePass({})
  b.computePassEncoder.setPipeline(pipeline)
  b.computePassEncoder.setBindGroup(0, bindGroup)
  b.computePassEncoder.dispatchWorkgroups(workgroups)
  for (const t of [...written, ...read]) b.commandQueueOwnedIds.add(t.dataId)
  for (const t of written) b.tensorMap.get(t.dataId)!.values = null
  b.dispatchCountInPass++
  if (b.dispatchCountInPass >= Number(env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'))) {
    b.endComputePassEncoder()
    b.submitQueue()
  }
}
