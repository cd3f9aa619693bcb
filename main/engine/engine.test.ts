import * as tf from '@tensorflow/tfjs-core'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { WorkbenchError } from '../errors'
import { ENGINE_BACKENDS, currentEngine, initEngine, type EnginePreference } from './engine'

const require = createRequire(import.meta.url)
const installed = (name: string) => {
  try {
    require.resolve(name)
    return true
  } catch {
    return false
  }
}

async function rejection(promise: Promise<unknown>): Promise<WorkbenchError | null> {
  try {
    await promise
    return null
  } catch (error) {
    return error as WorkbenchError
  }
}

describe('initEngine', () => {
  // first: once an engine is active, 'auto' keeps it
  it('auto: the first rung that starts, with the reasons the faster ones failed', async () => {
    const info = await initEngine('auto')
    const rung = ENGINE_BACKENDS.indexOf(info.backend)
    expect(info.fallbacks.map((f) => f.backend)).toEqual(ENGINE_BACKENDS.slice(0, rung))
    for (const fallback of info.fallbacks) expect(fallback.reason.length).toBeGreaterThan(5)
    expect(tf.getBackend()).toBe(info.backend)
    if (!installed('@tensorflow/tfjs-node-gpu') && !installed('@tensorflow/tfjs-node')) {
      expect(info.fallbacks[0]).toEqual({ backend: 'tensorflow', reason: '@tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed' })
    }
  }, 60_000)

  it('cpu: always there, with the project fixes', async () => {
    const info = await initEngine('cpu')
    expect(info).toEqual({ backend: 'cpu', device: 'JavaScript (tfjs-backend-cpu), 1 thread', fallbacks: [] })
    expect(tf.getBackend()).toBe('cpu')
    expect(currentEngine()).toBe(info)
  })

  it('wasm: SIMD, with the project training kernels registered', async () => {
    const info = await initEngine('wasm')
    expect(info.backend).toBe('wasm')
    expect(info.device).toMatch(/^WebAssembly( SIMD)?, \d+ threads?$/)
    expect(tf.getBackend()).toBe('wasm')
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined()
    expect(await initEngine('wasm')).toBe(info) // asking again keeps it
    expect(await initEngine('auto')).toBe(info)
  })

  it('tensorflow: unavailable with the reason for each package when tfjs-node is missing', async () => {
    const error = await rejection(initEngine('tensorflow'))
    if (installed('@tensorflow/tfjs-node-gpu') || installed('@tensorflow/tfjs-node')) {
      // a machine with tfjs-node: either it starts, or the error says why
      if (error) expect(error.message).toMatch(/^the 'tensorflow' engine is not available here: /)
      else expect(tf.getBackend()).toBe('tensorflow')
      return
    }
    expect(error).toBeInstanceOf(WorkbenchError)
    expect(error!.code).toBe('unavailable')
    expect(error!.message).toBe(
      "the 'tensorflow' engine is not available here: @tensorflow/tfjs-node-gpu is not installed; @tensorflow/tfjs-node is not installed"
    )
  })

  it('webgpu: either starts on an adapter or says why not', async () => {
    const error = await rejection(initEngine('webgpu', { webgpu: { timeoutMs: 20_000 } }))
    if (error === null) {
      expect(currentEngine()?.backend).toBe('webgpu')
      expect(currentEngine()?.device).not.toBe('')
      return
    }
    expect(error.code).toBe('unavailable')
    expect(error.message).toMatch(/^the 'webgpu' engine is not available here: \S/)
    if (process.platform === 'linux' && !installed('webgpu')) expect(error.message).toMatch(/'webgpu' \(Dawn\) package could not be loaded/)
  }, 60_000)

  it('an unknown preference names the choices', async () => {
    const error = await rejection(initEngine('cuda' as EnginePreference))
    expect(error?.message).toBe("unknown engine 'cuda' (expected auto, tensorflow, webgpu, wasm, cpu)")
  })
})
