// The `webgpu` rung: Dawn through the optional `webgpu` npm package, driving @tensorflow/tfjs-backend-webgpu
// in Node. The tfjs backend registers itself only if `navigator.gpu` exists when it is first imported, so
// the GPU object is installed before the dynamic import. On Linux Dawn is asked for its Vulkan backend
// (the one verified on NVIDIA servers, ../shared/gpu/README.md).
import { findBackendFactory } from '@tensorflow/tfjs-core'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

interface AdapterInfoLike {
  vendor?: string
  architecture?: string
  device?: string
  description?: string
}

interface AdapterLike {
  info?: AdapterInfoLike
}

interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterLike | null>
}

interface DawnModule {
  create(flags: string[]): GpuLike
  globals: object
}

export interface WebgpuOptions {
  /** Extra Dawn flags, e.g. 'enable-dawn-features=allow_unsafe_apis' (subgroup matrices / tensor cores). */
  dawnFlags?: string[]
  /** How long to wait for an adapter before giving up. */
  timeoutMs?: number
}

const LOADER_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu']

function vulkanLoaderHint(): string {
  if (process.platform !== 'linux') return ''
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...LOADER_DIRS]
  return dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1'))) ? '' : ' (no Vulkan loader libvulkan.so.1 on this machine)'
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms)
    timer.unref?.()
    promise.then((value) => { clearTimeout(timer); resolve(value) }, (error: unknown) => { clearTimeout(timer); reject(error) })
  })
}

export function describeAdapter(info: AdapterInfoLike | undefined): string {
  if (!info) return 'WebGPU adapter (no adapter info)'
  const name = info.description?.trim() || [info.vendor, info.architecture, info.device].filter(Boolean).join(' ')
  return name || 'WebGPU adapter (unnamed)'
}

function installNavigatorGpu(gpu: GpuLike): void {
  const scope = globalThis as { navigator?: object }
  if (scope.navigator) Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true, writable: true })
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true })
}

/**
 * Makes the 'webgpu' tfjs backend available and returns the adapter's name; throws with the reason when
 * this machine has no WebGPU (package missing, no Vulkan driver, no adapter).
 */
export async function prepareWebgpu(options: WebgpuOptions = {}): Promise<string> {
  let dawn: DawnModule
  try {
    dawn = (await import('webgpu')) as unknown as DawnModule
  } catch (error) {
    throw new Error(`the 'webgpu' (Dawn) package could not be loaded: ${(error as Error).message.split('\n')[0]}`)
  }
  Object.assign(globalThis, dawn.globals)
  const flags = [...(process.platform === 'linux' ? ['backend=vulkan'] : []), ...(options.dawnFlags ?? [])]
  const gpu = dawn.create(flags)
  const adapter = await withTimeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), options.timeoutMs ?? 30_000, 'Dawn')
  if (!adapter) throw new Error(`Dawn found no WebGPU adapter with flags [${flags.join(', ')}]${vulkanLoaderHint()}`)
  installNavigatorGpu(gpu)
  await import('@tensorflow/tfjs-backend-webgpu')
  if (!findBackendFactory('webgpu')) {
    throw new Error('@tensorflow/tfjs-backend-webgpu was imported before navigator.gpu existed, so it did not register; initialise the engine first')
  }
  return describeAdapter(adapter.info)
}
