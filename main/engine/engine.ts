// Picks the TensorFlow.js backend for the current process (the trainer process calls this once, before it
// builds a model). The ladder, fastest first: tensorflow (tfjs-node-gpu, then tfjs-node) -> webgpu (Dawn)
// (with the project's training kernels) -> wasm (likewise) -> cpu. 'auto' walks it and records why each rung it
// skipped failed; naming a backend gets that backend or an error saying why it is unavailable.
import * as tf from '@tensorflow/tfjs-core'
import { unavailable } from '../errors'
import { registerCpuKernelFixes } from './cpu-kernels'
import { assertGradientsRegistered } from './gradients'
import { loadTensorflowBinding } from './tensorflow'
import { prepareWebgpu, type WebgpuOptions } from './webgpu'

export const ENGINE_BACKENDS = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const
export type EngineBackend = (typeof ENGINE_BACKENDS)[number]
export type EnginePreference = 'auto' | EngineBackend

export interface EngineFallback {
  backend: EngineBackend
  reason: string
}

export interface EngineInfo {
  /** the tfjs backend now active (tf.getBackend()) */
  backend: EngineBackend
  /** what it runs on, e.g. 'NVIDIA H100 80GB HBM3', 'WebAssembly SIMD, 1 thread' */
  device: string
  /** the rungs above it that were tried and why they failed (empty for an explicit preference) */
  fallbacks: EngineFallback[]
}

export interface EngineOptions {
  webgpu?: WebgpuOptions
}

/** Makes `backend` the active tfjs backend and returns its device name; throws with the reason otherwise. */
async function activate(backend: EngineBackend, options: EngineOptions): Promise<string> {
  let device: string
  switch (backend) {
    case 'tensorflow': {
      const binding = loadTensorflowBinding()
      device = `${binding.packageName} ${binding.version}, libtensorflow on ${binding.usesGpu ? 'CUDA GPU' : 'CPU'}`
      break
    }
    case 'webgpu': {
      device = await prepareWebgpu(options.webgpu)
      const { registerWebgpuTrainingKernels } = await import('./webgpu-kernels')
      registerWebgpuTrainingKernels()
      break
    }
    case 'wasm': {
      const { registerWasmTrainingKernels } = await import('./wasm-kernels')
      registerWasmTrainingKernels()
      device = 'WebAssembly' // completed below, once the backend has initialised
      break
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu')
      registerCpuKernelFixes()
      device = 'JavaScript (tfjs-backend-cpu), 1 thread'
      break
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not initialise the '${backend}' backend`)
  if (backend === 'wasm') device = await describeWasm()
  await smokeTest(backend)
  return device
}

async function describeWasm(): Promise<string> {
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm')
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')
  const threads = getThreadsCount()
  return `WebAssembly${simd ? ' SIMD' : ''}, ${threads} thread${threads === 1 ? '' : 's'}`
}

/** A forward and backward 3x3 convolution whose sums are known (400 each), run on the new backend. */
async function smokeTest(backend: EngineBackend): Promise<void> {
  const [forward, gradient] = tf.tidy(() => {
    const x = tf.ones([1, 4, 4, 2]) as tf.Tensor4D
    const w = tf.ones([3, 3, 2, 2]) as tf.Tensor4D
    const y = tf.sum(tf.conv2d(x, w, 1, 'same'))
    const dw = tf.sum(tf.grad((filter: tf.Tensor) => tf.sum(tf.conv2d(x, filter as tf.Tensor4D, 1, 'same')))(w))
    return [y, dw]
  })
  const [y, dw] = [(await forward.data())[0], (await gradient.data())[0]]
  tf.dispose([forward, gradient])
  if (Math.abs(y - 400) > 1e-3 || Math.abs(dw - 400) > 1e-3) {
    throw new Error(`the '${backend}' backend computed a wrong test convolution (${y}, ${dw}; expected 400, 400)`)
  }
}

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]
}

let current: EngineInfo | null = null

/**
 * Selects the engine for this process. 'auto' returns the first rung that works, with the reasons the
 * faster ones failed; an explicit backend that cannot start is an `unavailable` WorkbenchError naming why.
 * Calling it again with a preference the active engine satisfies returns the same answer.
 */
export async function initEngine(preference: EnginePreference = 'auto', options: EngineOptions = {}): Promise<EngineInfo> {
  assertGradientsRegistered()
  if (current && (preference === 'auto' || preference === current.backend) && tf.getBackend() === current.backend) return current
  if (preference !== 'auto') {
    if (!ENGINE_BACKENDS.includes(preference)) throw unavailable(`unknown engine '${String(preference)}' (expected auto, ${ENGINE_BACKENDS.join(', ')})`)
    try {
      current = { backend: preference, device: await activate(preference, options), fallbacks: [] }
      return current
    } catch (error) {
      throw unavailable(`the '${preference}' engine is not available here: ${reasonOf(error)}`)
    }
  }
  const fallbacks: EngineFallback[] = []
  for (const backend of ENGINE_BACKENDS) {
    try {
      current = { backend, device: await activate(backend, options), fallbacks }
      return current
    } catch (error) {
      fallbacks.push({ backend, reason: reasonOf(error) })
    }
  }
  throw unavailable(`no engine could start: ${fallbacks.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`)
}

/** The engine `initEngine` selected in this process, or null before it ran. */
export function currentEngine(): EngineInfo | null {
  return current
}
