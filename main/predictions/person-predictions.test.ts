// The editor's predictions: joints decode where the heatmaps put them, the quantised heatmaps are placed
// on the image so that each one's peak covers its joint, and a real network gives the editor exactly the
// joints evaluation scores.
import '@tensorflow/tfjs-backend-cpu'
import * as tf from '@tensorflow/tfjs-core'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { finalStack, predictPeople, type InferencePerson } from '../eval/inference'
import { cropTransform } from '../model/crop-transform'
import { renderTargets } from '../model/heatmaps'
import { createPyraNet } from '../model/pyranet'
import { heatmapTransform } from '../train/sample'
import { JOINTS, predictPeopleWithHeatmaps, quantiseHeatmaps } from './person-predictions'

let dir: string
let people: InferencePerson[]

beforeAll(async () => {
  await tf.setBackend('cpu')
  dir = mkdtempSync(join(tmpdir(), 'person-predictions-'))
  const noise = Buffer.from(Array.from({ length: 320 * 300 * 3 }, (_, i) => (i * 7919) % 251))
  const image = join(dir, 'image.jpg')
  await sharp(noise, { raw: { width: 320, height: 300, channels: 3 } }).jpeg().toFile(image)
  people = [
    { id: 11, image, centre: [160, 150], scale: 1.1 },
    { id: 12, image, centre: [120, 170], scale: 0.7 }
  ]
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('quantiseHeatmaps', () => {
  it('reorders channel-last maps joint-major and clamps to 0..255', () => {
    const size = 2
    const maps = new Float32Array(size * size * JOINTS)
    maps[0 * JOINTS + 3] = 0.5 // pixel 0 of joint 3
    maps[3 * JOINTS + 3] = 2 // pixel 3 of joint 3, above 1
    maps[1 * JOINTS + 0] = -1 // pixel 1 of joint 0, below 0
    const bytes = quantiseHeatmaps(maps, size)
    expect(bytes.length).toBe(JOINTS * size * size)
    expect(bytes[3 * 4 + 0]).toBe(128)
    expect(bytes[3 * 4 + 3]).toBe(255)
    expect(bytes[0 * 4 + 1]).toBe(0)
  })
})

describe('predictPeopleWithHeatmaps', () => {
  it('places each joint on its heatmap peak and the heatmaps on the image', async () => {
    const inputRes = 64
    const size = inputRes / 4
    const joints = people.map((p) => Array.from({ length: JOINTS }, (_, j): [number, number] => [p.centre[0] - 50 + 6.1 * j, p.centre[1] - 40 + 4.3 * j]))
    // A stand-in network whose heatmaps are the training targets of those joints.
    const predict = (input: tf.Tensor4D) => {
      const maps = people.slice(0, input.shape[0]).map((p, n) => {
        const h = heatmapTransform(cropTransform(p.centre, p.scale, inputRes))
        const points = joints[n].flatMap(([x, y]) => [h[0] * (x - 1) + h[1] * (y - 1) + h[2], h[3] * (x - 1) + h[4] * (y - 1) + h[5]])
        return Array.from(renderTargets(points, size))
      })
      return tf.tensor4d(maps.flat(), [input.shape[0], size, size, JOINTS])
    }
    const result = await predictPeopleWithHeatmaps(predict, people, { inputRes, mean: [0, 0, 0], flip: false })
    expect(result.map((r) => r.personId)).toEqual([11, 12])
    result.forEach((prediction, n) => {
      const pixel = (200 * people[n].scale) / size
      expect(prediction.pixel).toBeCloseTo(pixel, 9)
      expect(prediction.size).toBe(size)
      joints[n].forEach(([x, y], j) => {
        const joint = prediction.joints[j]
        expect(Math.abs(joint.x - x)).toBeLessThanOrEqual(pixel / 2 + 1e-9)
        expect(Math.abs(joint.y - y)).toBeLessThanOrEqual(pixel / 2 + 1e-9)
        expect(joint.confidence).toBeCloseTo(1, 6)
        // the brightest byte of joint j's map is the heatmap pixel whose image square holds the joint
        const plane = prediction.heatmaps.subarray(j * size * size, (j + 1) * size * size)
        const peak = plane.indexOf(Math.max(...plane))
        const u = peak % size
        const v = Math.floor(peak / size)
        expect(x).toBeGreaterThanOrEqual(prediction.origin.x + u * pixel - 1e-9)
        expect(x).toBeLessThanOrEqual(prediction.origin.x + (u + 1) * pixel + 1e-9)
        expect(y).toBeGreaterThanOrEqual(prediction.origin.y + v * pixel - 1e-9)
        expect(y).toBeLessThanOrEqual(prediction.origin.y + (v + 1) * pixel + 1e-9)
      })
    })
  })

  it('gives a real network the same joints and confidences evaluation computes', async () => {
    const net = createPyraNet({ nStack: 1, nFeats: 16, inputRes: 64, stemWidth: 8 }, { seed: 5 })
    try {
      const options = { inputRes: 64, mean: [0.4, 0.4, 0.4] as [number, number, number], flip: true }
      const editor = await predictPeopleWithHeatmaps(finalStack(net), people, options)
      const evaluation = await predictPeople(finalStack(net), people, options)
      editor.forEach((prediction, n) => {
        prediction.joints.forEach((joint, j) => {
          expect(joint.x).toBeCloseTo(evaluation.coords[(n * JOINTS + j) * 2], 4)
          expect(joint.y).toBeCloseTo(evaluation.coords[(n * JOINTS + j) * 2 + 1], 4)
          expect(joint.confidence).toBeCloseTo(evaluation.confidence![n * JOINTS + j], 4)
        })
      })
    } finally {
      net.dispose()
    }
  })
})
