// A network's view of individual people, for the annotation editor (run in the project's inference worker,
// main/inference): each person's predicted joints with their confidence, and the final stack's heatmaps,
// quantised to bytes, with where they lie in the image.
// Crops, flip test and decoding are exactly those of evaluation (main/eval/inference.ts), so the skeleton
// the editor shows is the one the error ranking scored.
import * as tf from '@tensorflow/tfjs-core'
import { cropToImage, cropTransform, type Affine } from '../model/crop-transform'
import { decodeHeatmaps, flipTest, peakToImage } from '../model/decode'
import type { HeatmapPredictor, InferencePerson } from '../eval/inference'
import { ImageCache } from '../train/images'
import { heatmapTransform, NO_AUGMENTATION, renderInput } from '../train/sample'

export const JOINTS = 16

export interface PredictedJoint {
  /** MPII 1-based image coordinates. */
  x: number
  y: number
  /** The heatmap maximum (about 1 at a confident peak; can be below 0 or above 1). */
  confidence: number
}

export interface PersonPrediction {
  personId: number
  joints: PredictedJoint[]
  /** Side of each heatmap (inputRes / 4). */
  size: number
  /** JOINTS × size × size bytes, joint-major (MPII order), row-major within a map; value = clamp(h, 0, 1) · 255. */
  heatmaps: Uint8Array
  /** MPII coordinates of the heatmaps' top-left corner (continuous heatmap coordinate (0, 0)). */
  origin: { x: number; y: number }
  /** Image pixels per heatmap pixel. */
  pixel: number
}

export interface PersonPredictionOptions {
  inputRes: number
  mean: readonly [number, number, number]
  /** Average with the mirrored crop's heatmaps (default true, as evaluation does). */
  flip?: boolean
  /** Decoded images to reuse between calls (the editor asks again for the same image often). */
  images?: ImageCache
}

/** Quantises [size, size, J] channel-last heatmaps of one person into joint-major bytes. */
export function quantiseHeatmaps(maps: ArrayLike<number>, size: number, joints = JOINTS): Uint8Array {
  const out = new Uint8Array(joints * size * size)
  const plane = size * size
  for (let p = 0; p < plane; p++) {
    for (let j = 0; j < joints; j++) {
      const v = maps[p * joints + j]
      out[j * plane + p] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255)
    }
  }
  return out
}

export async function predictPeopleWithHeatmaps(
  predict: HeatmapPredictor,
  people: readonly InferencePerson[],
  options: PersonPredictionOptions
): Promise<PersonPrediction[]> {
  if (people.length === 0) return []
  const { inputRes, mean, flip = true } = options
  const images = options.images ?? new ImageCache(64 * 2 ** 20)
  const pixels = inputRes * inputRes * 3
  const size = inputRes / 4
  const input = new Float32Array(people.length * pixels)
  const transforms: Affine[] = []
  for (let i = 0; i < people.length; i++) {
    const person = people[i]
    const t = cropTransform(person.centre, person.scale, inputRes)
    renderInput(await images.get(person.image), t, NO_AUGMENTATION, { inputRes, mean }, input, i * pixels)
    transforms.push(heatmapTransform(t))
  }
  const maps = tf.tidy(() => {
    const x = tf.tensor4d(input, [people.length, inputRes, inputRes, 3])
    return flip ? flipTest(predict, x) : predict(x)
  })
  const values = await maps.data()
  maps.dispose()
  const perPerson = size * size * JOINTS
  return people.map((person, i) => {
    const own = values.subarray(i * perPerson, (i + 1) * perPerson)
    const t = transforms[i]
    const joints = decodeHeatmaps(own, size, JOINTS).map((peak) => {
      const [x, y] = peakToImage(t, peak, 'float')
      return { x, y, confidence: peak.score }
    })
    const [ox, oy] = cropToImage(t, [0, 0])
    const [px] = cropToImage(t, [1, 0])
    return { personId: person.id, joints, size, heatmaps: quantiseHeatmaps(own, size), origin: { x: ox, y: oy }, pixel: px - ox }
  })
}
