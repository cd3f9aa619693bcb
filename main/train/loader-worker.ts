// A loader thread: renders the batches the trainer asks for (decode with sharp, crop, augment, targets)
// and hands them back as transferred buffers.
import { readFileSync } from 'node:fs'
import { parentPort } from 'node:worker_threads'
import sharp from 'sharp'
import { ImageCache } from './images'
import { JOINT_COUNT } from './joints'
import type { BatchRequest, LoaderInit, LoaderReply, LoaderRequest } from './loader-protocol'
import { drawAugmentation, HEATMAP_STRIDE, NO_AUGMENTATION, renderInput, renderTargets, sampleJoints, sampleTransform } from './sample'
import { draws } from './seeded'
import type { DataSnapshot } from './snapshot'

interface LoaderState {
  init: LoaderInit
  snapshot: DataSnapshot
  cache: ImageCache
}

async function prepare(state: LoaderState, request: BatchRequest): Promise<LoaderReply> {
  const started = performance.now()
  const { shape, augment, seed } = state.init
  const res = shape.inputRes
  const hm = res / HEATMAP_STRIDE
  const people = request.people.map((index) => {
    const person = state.snapshot[request.split][index]
    if (!person) throw new Error(`no ${request.split} person at index ${index}`)
    return person
  })
  const images = await Promise.all(people.map((p) => state.cache.get(p.image)))
  const count = people.length
  const input = new Float32Array(count * res * res * 3)
  const target = request.targets ? new Float32Array(count * hm * hm * JOINT_COUNT) : null
  const transforms = new Float64Array(count * 6)
  const flips = new Uint8Array(count)
  people.forEach((person, i) => {
    const aug = request.augment ? drawAugmentation(draws(seed, ...request.keys, i), augment) : NO_AUGMENTATION
    const m = sampleTransform(person, aug, res)
    renderInput(images[i], m, aug, shape, input, i * res * res * 3)
    if (target) renderTargets(sampleJoints(person, m, aug.flip), res, target, i * hm * hm * JOINT_COUNT)
    transforms.set(m, i * 6)
    flips[i] = aug.flip ? 1 : 0
  })
  return { type: 'batch', id: request.id, count, input, target, transforms, flips, busyMs: performance.now() - started }
}

export function runLoaderWorker(): void {
  const port = parentPort
  if (!port) throw new Error('the loader must run in a worker thread')
  let state: LoaderState | null = null
  port.on('message', (message: LoaderRequest) => {
    if (message.type === 'init') {
      try {
        sharp.concurrency(message.decodeThreads)
        const snapshot = JSON.parse(readFileSync(message.snapshotPath, 'utf8')) as DataSnapshot
        state = { init: message, snapshot, cache: new ImageCache(message.cacheBytes) }
        port.postMessage({ type: 'ready' } satisfies LoaderReply)
      } catch (error) {
        port.postMessage({ type: 'error', id: null, message: (error as Error).message } satisfies LoaderReply)
      }
      return
    }
    if (!state) {
      port.postMessage({ type: 'error', id: message.id, message: 'loader used before init' } satisfies LoaderReply)
      return
    }
    prepare(state, message).then(
      (reply) => {
        if (reply.type !== 'batch') return port.postMessage(reply)
        const transfer = [reply.input.buffer, reply.transforms.buffer, reply.flips.buffer]
        if (reply.target) transfer.push(reply.target.buffer)
        port.postMessage(reply, transfer as ArrayBuffer[])
      },
      (error: Error) => port.postMessage({ type: 'error', id: message.id, message: error.message } satisfies LoaderReply)
    )
  })
}
