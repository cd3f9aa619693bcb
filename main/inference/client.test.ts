// The inference worker's engine follows the backend setting as training's does: an engine that cannot start
// fails each request with its reason, and a changed setting starts a fresh worker on that engine.
import '@tensorflow/tfjs-backend-cpu'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { saveCheckpoint } from '../model/checkpoint'
import { createPyraNet } from '../model/pyranet'
import type { BackendPreference } from '../train/protocol'
import { forkLauncher } from '../train/launcher'
import { InferenceWorker } from './client'
import type { PredictRequest } from './protocol'

let dir: string
let request: PredictRequest

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'inference-client-'))
  const image = join(dir, 'image.jpg')
  await sharp(Buffer.alloc(200 * 200 * 3, 90), { raw: { width: 200, height: 200, channels: 3 } }).jpeg().toFile(image)
  const net = createPyraNet({ nStack: 1, nFeats: 16, inputRes: 64, stemWidth: 8 }, { seed: 2 })
  await saveCheckpoint(join(dir, 'checkpoint'), net)
  net.dispose()
  request = { checkpoint: join(dir, 'checkpoint'), people: [{ id: 1, image, centre: [100, 100], scale: 0.8 }], flip: true, heatmaps: false }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('InferenceWorker', () => {
  it('starts the engine the setting names, and a new worker when the setting changes', { timeout: 60_000 }, async () => {
    let backend: BackendPreference = 'tensorflow'
    const worker = new InferenceWorker({ launcher: forkLauncher, backend: () => backend })
    try {
      const first = await worker.predict(request).then(
        () => null,
        (error: unknown) => error
      )
      const firstPid = worker.pid
      if (first) {
        // no tfjs-node here: the request says why, and the worker stays up for the next setting
        expect(first).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/^the 'tensorflow' engine is not available here: /) })
      } else {
        expect(worker.engine?.backend).toBe('tensorflow')
      }
      backend = 'cpu'
      const predicted = await worker.predict(request)
      expect(predicted.people.map((p) => p.personId)).toEqual([1])
      expect(worker.engine).toMatchObject({ backend: 'cpu', fallbacks: [] })
      expect(worker.pid).not.toBe(firstPid)
    } finally {
      await worker.close()
    }
    expect(worker.pid).toBeNull()
    await expect(worker.predict(request)).rejects.toMatchObject({ code: 'unavailable' })
  })
})
