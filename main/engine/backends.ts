// Which training engines this machine has. Cheap checks only (is the package installed, is its native
// library present); the trainer process does the real initialisation and reports the device it got.
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { BackendInfo } from '../../contract'

const require = createRequire(import.meta.url)

function packageDir(name: string): string | null {
  try {
    return dirname(require.resolve(`${name}/package.json`))
  } catch {
    return null
  }
}

function probeTensorflow(): BackendInfo {
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    const dir = packageDir(name)
    if (!dir) continue
    if (existsSync(join(dir, 'deps', 'lib'))) {
      return { name: 'tensorflow', available: true, detail: `${name} (libtensorflow ${name.endsWith('gpu') ? 'GPU' : 'CPU'})` }
    }
    return { name: 'tensorflow', available: false, detail: `${name} is installed without libtensorflow` }
  }
  return { name: 'tensorflow', available: false, detail: 'tfjs-node(-gpu) not installed' }
}

function probeWebgpu(): BackendInfo {
  if (!packageDir('webgpu')) return { name: 'webgpu', available: false, detail: "the 'webgpu' (Dawn) package is not installed" }
  if (process.platform === 'linux' && !hasVulkanLoader()) {
    return { name: 'webgpu', available: false, detail: 'no Vulkan loader (libvulkan.so.1) on this machine' }
  }
  return { name: 'webgpu', available: true, detail: 'Dawn (adapter chosen when training starts)' }
}

function hasVulkanLoader(): boolean {
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu']
  return dirs.some((dir) => existsSync(join(dir, 'libvulkan.so.1')))
}

export function detectBackends(): BackendInfo[] {
  return [
    probeTensorflow(),
    probeWebgpu(),
    packageDir('@tensorflow/tfjs-backend-wasm')
      ? { name: 'wasm', available: true, detail: 'WebAssembly, SIMD, 1 thread' }
      : { name: 'wasm', available: false, detail: '@tensorflow/tfjs-backend-wasm is not installed' },
    { name: 'cpu', available: true, detail: 'plain JavaScript (slowest; always there)' }
  ]
}
