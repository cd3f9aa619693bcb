// The `tensorflow` rung: tfjs-node-gpu, then tfjs-node (libtensorflow 2.9.1 through a native addon). Both
// are optional dependencies whose installers download libtensorflow, so on most machines they are absent.
import { findBackend } from '@tensorflow/tfjs-core'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export interface TensorflowBinding {
  packageName: string
  version: string
  /** false for tfjs-node, and for tfjs-node-gpu when libtensorflow found no usable CUDA 11 / cuDNN 8 GPU */
  usesGpu: boolean
}

/**
 * tfjs-node 4.22 calls util.isNullOrUndefined / util.isArray, which Node 23 removed (tensorflow/tfjs#8609;
 * the fix is merged but unreleased). Restore them before the addon loads.
 */
export function polyfillNodeUtil(): void {
  const util = require('node:util') as Record<string, unknown>
  util.isNullOrUndefined ??= (value: unknown) => value === null || value === undefined
  util.isArray ??= Array.isArray
}

function describeLoadError(packageName: string, error: unknown): string {
  const err = error as NodeJS.ErrnoException
  if (err?.code === 'MODULE_NOT_FOUND' && String(err.message).includes(`'${packageName}'`)) return `${packageName} is not installed`
  return `${packageName} failed to load: ${err?.message ?? String(error)}`.split('\n')[0]
}

/** Loads the first tfjs-node package that works (registering the 'tensorflow' backend) or throws with every reason. */
export function loadTensorflowBinding(): TensorflowBinding {
  polyfillNodeUtil()
  const reasons: string[] = []
  for (const packageName of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      const binding = require(packageName) as { version?: { [key: string]: string } }
      const backend = findBackend('tensorflow') as { isUsingGpuDevice?: boolean } | null
      const version = binding.version?.[packageName.replace('@tensorflow/', '')] ?? binding.version?.['tfjs-node'] ?? 'unknown'
      return { packageName, version, usesGpu: backend?.isUsingGpuDevice === true }
    } catch (error) {
      reasons.push(describeLoadError(packageName, error))
    }
  }
  throw new Error(reasons.join('; '))
}
