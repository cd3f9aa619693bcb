// Checkpoints: exact round trips (weights, BN statistics, optimizer state), PyTorch layouts, and one clear
// error for each way a file can be wrong, leaving the network untouched.
import '../engine/gradients'
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHECKPOINT_FILES, fromTorchLayout, loadCheckpoint, loadModelState, modelStateDict, saveCheckpoint, toTorchLayout } from './checkpoint'
import type { PyraNetConfig } from './config'
import { createPyraNet, type PyraNet } from './pyranet'
import { fixtureCaseDir } from './reference-fixtures'
import { RMSprop } from './rmsprop'
import { decodeSafetensors, encodeSafetensors, type StoredTensor } from './safetensors'

const config: Partial<PyraNetConfig> = { nStack: 2, nFeats: 8, inputRes: 64, stemWidth: 4, baseWidth: 3, nJoints: 4 }
let dir: string

beforeAll(async () => {
  await tf.setBackend('cpu')
  dir = await mkdtemp(join(tmpdir(), 'pyranet-ckpt-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

async function snapshot(variables: ReadonlyMap<string, tf.Variable>): Promise<Map<string, number[]>> {
  return new Map(await Promise.all([...variables].map(async ([k, v]) => [k, [...(await v.data())]] as [string, number[]])))
}

/** A network after one real training step, so weights, running stats and optimizer state are all non-trivial. */
function trainedNet(): { net: PyraNet; optimizer: RMSprop } {
  const net = createPyraNet(config, { seed: 5 })
  const optimizer = new RMSprop(net.params, { lr: 1e-3, momentum: 0.5 })
  const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 1) as tf.Tensor4D
  const target = tf.randomUniform([2, 16, 16, 4], 0, 1, 'float32', 2) as tf.Tensor4D
  const { loss, grads } = net.gradients(() => net.lossFn(net.apply(x, { training: true }), target))
  optimizer.applyGradients(grads)
  tf.dispose([x, target, loss, ...grads.values()])
  return { net, optimizer }
}

describe('layouts', () => {
  it('conv kernels go HWIO -> OIHW and back exactly', () => {
    const data = Float32Array.from({ length: 3 * 3 * 2 * 5 }, (_, i) => i)
    const torch = toTorchLayout([3, 3, 2, 5], data)
    expect(torch.shape).toEqual([5, 2, 3, 3])
    // element [kh=1, kw=2, in=1, out=4] lands at [4, 1, 1, 2]
    expect(torch.data[((4 * 2 + 1) * 3 + 1) * 3 + 2]).toBe(data[((1 * 3 + 2) * 2 + 1) * 5 + 4])
    expect([...fromTorchLayout(torch.shape, torch.data).data]).toEqual([...data])
  })
})

describe('save and load', () => {
  let net: PyraNet
  let optimizer: RMSprop
  beforeAll(() => ({ net, optimizer } = trainedNet()))
  afterAll(() => {
    net.dispose()
    optimizer.dispose()
  })

  it('round-trips weights, running statistics, the step count and optimizer state exactly', async () => {
    const path = join(dir, 'roundtrip')
    await saveCheckpoint(path, net, { optimizer, meta: { epoch: 3 } })
    const loaded = await loadCheckpoint(path, { seed: 99 })
    try {
      expect(loaded.info).toMatchObject({ format: 'pyranet-workbench/1', config: net.config, meta: { epoch: 3 } })
      expect(await snapshot(loaded.net.params)).toEqual(await snapshot(net.params))
      expect(await snapshot(loaded.net.buffers)).toEqual(await snapshot(net.buffers))
      expect(loaded.net.trainingForwards).toBe(1)
      expect(loaded.optimizer!.step).toBe(1)
      expect(loaded.optimizer!.options).toEqual(optimizer.options)
      expect(await snapshot(loaded.optimizer!.state())).toEqual(await snapshot(optimizer.state()))
    } finally {
      loaded.net.dispose()
      loaded.optimizer?.dispose()
    }
  })

  it('writes a PyTorch state_dict: names, OIHW kernels, num_batches_tracked; config in the metadata', async () => {
    {
      const path = join(dir, 'torch')
      await saveCheckpoint(path, net)
      const { tensors, metadata } = decodeSafetensors(await readFile(join(path, CHECKPOINT_FILES.model)))
      expect(JSON.parse(metadata['pyranet.config'])).toEqual(net.config)
      expect(tensors.get('stem.conv.weight')!.shape).toEqual([4, 3, 7, 7])
      expect(tensors.get('stem.bn.num_batches_tracked')).toMatchObject({ dtype: 'I64', shape: [] })
      expect(tensors.has('hg.1.low2.low2.low2.low2.0.conv2.weight')).toBe(true)
      expect(tensors.has('heads.0.score_.weight')).toBe(true)
      expect(tensors.has('heads.1.score_.weight')).toBe(false)
      // the same names PyTorch's reference uses (its checkpoint for a config of this shape loads without a miss)
      const reference = decodeSafetensors(await readFile(join(fixtureCaseDir('residual'), CHECKPOINT_FILES.model)))
      expect(reference.tensors.has('stem.res1.skip.conv.weight')).toBe(true)
    }
  })

  it('reports a missing tensor, a wrong shape, an unknown tensor and a damaged file, and changes nothing', async () => {
    {
      const state = await modelStateDict(net)
      const before = await snapshot(net.params)
      const without = new Map(state)
      without.delete('heads.1.score.bias')
      expect(() => loadModelState(net, without, 'x.safetensors')).toThrow(/x.safetensors: tensor "heads.1.score.bias" is missing/)
      const reshaped = new Map(state)
      reshaped.set('stem.conv.weight', { dtype: 'F32', shape: [4, 3, 49], data: new Float32Array(4 * 3 * 49) })
      expect(() => loadModelState(net, reshaped, 'x.safetensors')).toThrow(/"stem.conv.weight" is \[4, 3, 49\], expected \[4, 3, 7, 7\]/)
      const extra = new Map(state)
      extra.set('stem.extra.weight', { dtype: 'F32', shape: [1], data: new Float32Array(1) })
      expect(() => loadModelState(net, extra, 'x.safetensors')).toThrow(/does not have, e.g. "stem.extra.weight"/)
      expect(await snapshot(net.params)).toEqual(before)

      const path = join(dir, 'damaged')
      await saveCheckpoint(path, net)
      const file = join(path, CHECKPOINT_FILES.model)
      const bytes = await readFile(file)
      await writeFile(file, bytes.subarray(0, bytes.length - 10))
      await expect(loadCheckpoint(path)).rejects.toThrow(/model.safetensors: .*(lies outside|after the last)/)
      await writeFile(join(path, CHECKPOINT_FILES.config), '{"format": "something-else"}')
      await expect(loadCheckpoint(path)).rejects.toThrow(/config.json: format is "something-else"/)
      await expect(loadCheckpoint(join(dir, 'nowhere'))).rejects.toThrow(/no checkpoint at .*nowhere/)
    }
  })
})

describe('safetensors', () => {
  it('round-trips every dtype, pads the header to 8 bytes and sorts names', () => {
    const tensors = new Map<string, StoredTensor>([
      ['b', { dtype: 'F32', shape: [2, 2], data: Float32Array.of(1, -2, 3.5, NaN) }],
      ['a', { dtype: 'I64', shape: [], data: BigInt64Array.of(-7n) }],
      ['c', { dtype: 'U8', shape: [3], data: Uint8Array.of(0, 128, 255) }],
      ['d', { dtype: 'F16', shape: [2], data: Uint16Array.of(0x3c00, 0xc000) }]
    ])
    const bytes = encodeSafetensors(tensors, { note: 'x' })
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true))
    expect(headerLength % 8).toBe(0)
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)))
    expect(Object.keys(header)).toEqual(['__metadata__', 'a', 'b', 'c', 'd'])
    const decoded = decodeSafetensors(bytes)
    expect(decoded.metadata).toEqual({ note: 'x' })
    for (const [name, t] of tensors) {
      expect(decoded.tensors.get(name)!.shape).toEqual(t.shape)
      expect([...decoded.tensors.get(name)!.data].map(String)).toEqual([...t.data].map(String))
    }
  })

  it('refuses truncated, overlapping and oversized data with the offset', () => {
    const bytes = encodeSafetensors(new Map([['w', { dtype: 'F32', shape: [4], data: new Float32Array(4) } as StoredTensor]]))
    expect(() => decodeSafetensors(bytes.subarray(0, 5), 'f.st')).toThrow(/f.st: 5 bytes is too short/)
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 'f.st')).toThrow(/f.st: tensor "w" data \[0, 16\) lies outside the 12 data bytes/)
    const padded = new Uint8Array(bytes.length + 4)
    padded.set(bytes)
    expect(() => decodeSafetensors(padded, 'f.st')).toThrow(/4 bytes after the last tensor/)
    const garbage = new Uint8Array(16)
    new DataView(garbage.buffer).setBigUint64(0, 8n, true)
    expect(() => decodeSafetensors(garbage, 'f.st')).toThrow(/header is not valid JSON/)
  })
})
