// Predictions of a network for a list of people: crop each person as training does (main/train/sample.ts,
// no augmentation), run the final stack (with the flip test by default), decode the heatmaps as the
// authors' code does (main/model/decode.ts) and map the peaks back to MPII image coordinates. The heatmap
// maximum of each joint is kept as its confidence. It runs in the project's inference worker (main/inference),
// never in main, whose event loop must stay free for the UI's requests.
import * as tf from '@tensorflow/tfjs-core'
import { cancelled } from '../errors'
import { cropTransform, type Affine } from '../model/crop-transform'
import { decodeHeatmaps, flipHeatmapsBack, peakToImage, type Rounding } from '../model/decode'
import type { PyraNet } from '../model/pyranet'
import type { ProgressOptions } from '../progress'
import { ImageCache } from '../train/images'
import { heatmapTransform, NO_AUGMENTATION, renderInput } from '../train/sample'
import { JOINT_COUNT } from './joints'
import type { PredictionSet } from './types'

export interface InferencePerson {
  /** The project's person id. */
  id: number
  /** Absolute path of the image file. */
  image: string
  /** Crop centre, MPII 1-based, in pose-hg-train's adjusted convention (c_y + 15·s), as training crops. */
  centre: [number, number]
  /** Crop scale in the same convention (1.25 × MPII's raw scale): the crop side is 200·scale pixels. */
  scale: number
}

/** Final-stack heatmaps of a batch of crops: [N, R, R, 3] -> [N, R/4, R/4, 16]. */
export type HeatmapPredictor = (input: tf.Tensor4D) => tf.Tensor4D

export interface InferenceOptions extends ProgressOptions {
  inputRes: number
  /** Per-channel mean subtracted from RGB / 255, as the run was trained with. */
  mean: readonly [number, number, number]
  /** Average with the mirrored crop's heatmaps (default true, as the authors evaluate). */
  flip?: boolean
  /** People per forward pass (default 1; the inference worker chooses by engine, see worker-main.ts). */
  batchSize?: number
  /** 'float' (default) or the authors' truncation ('official'), see main/model/decode.ts. */
  rounding?: Rounding
  /** Decoded images kept for neighbouring people of the same image (default 256 MiB). */
  imageCacheBytes?: number
}

/** The last stack of a PyraNet as a predictor (the other stacks' outputs are freed by the caller's tidy). */
export function finalStack(net: PyraNet): HeatmapPredictor {
  return (input) => {
    const outputs = net.apply(input)
    return outputs[outputs.length - 1]
  }
}

export async function predictPeople(predict: HeatmapPredictor, people: InferencePerson[], options: InferenceOptions): Promise<PredictionSet> {
  const { inputRes, mean, flip = true, batchSize = 1, rounding = 'float', onProgress, signal } = options
  const images = new ImageCache(options.imageCacheBytes ?? 256 * 2 ** 20)
  const count = people.length
  const coords = new Float64Array(count * JOINT_COUNT * 2)
  const confidence = new Float64Array(count * JOINT_COUNT)
  const heatmapRes = inputRes / 4
  const pixels = inputRes * inputRes * 3
  onProgress?.({ stage: 'predicting', done: 0, total: count })
  for (let start = 0; start < count; start += batchSize) {
    if (signal?.aborted) throw cancelled('inference cancelled')
    const batch = people.slice(start, start + batchSize)
    const input = new Float32Array(batch.length * pixels)
    const toHeatmap: Affine[] = []
    for (let i = 0; i < batch.length; i++) {
      const person = batch[i]
      const t = cropTransform(person.centre, person.scale, inputRes)
      renderInput(await images.get(person.image), t, NO_AUGMENTATION, { inputRes, mean }, input, i * pixels)
      toHeatmap.push(heatmapTransform(t))
    }
    const x = tf.tensor4d(input, [batch.length, inputRes, inputRes, 3]) // [B, R, R, 3]
    // The flip test of main/model/decode.ts (flipTest), its two passes in separate scopes so that only one
    // pass's intermediate tensors are alive at a time (the wasm heap is 4 GiB at most).
    const direct = tf.tidy(() => predict(x)) // [B, R/4, R/4, 16]
    const maps = flip
      ? tf.tidy(() => {
          const mirrored = flipHeatmapsBack(predict(tf.reverse(x, 2)))
          return tf.mul(tf.add(direct, mirrored), 0.5) as tf.Tensor4D
        })
      : direct
    x.dispose()
    const values = await maps.data()
    direct.dispose()
    maps.dispose()
    const perPerson = heatmapRes * heatmapRes * JOINT_COUNT
    for (let i = 0; i < batch.length; i++) {
      const peaks = decodeHeatmaps(values.subarray(i * perPerson, (i + 1) * perPerson), heatmapRes, JOINT_COUNT)
      const n = start + i
      peaks.forEach((peak, j) => {
        const [x, y] = peakToImage(toHeatmap[i], peak, rounding)
        coords[(n * JOINT_COUNT + j) * 2] = x
        coords[(n * JOINT_COUNT + j) * 2 + 1] = y
        confidence[n * JOINT_COUNT + j] = peak.score
      })
    }
    onProgress?.({ stage: 'predicting', done: Math.min(count, start + batchSize), total: count })
    // Lets progress events and a cancel request through between batches.
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { source: 'inference', count, coords, confidence }
}
