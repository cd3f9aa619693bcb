// The live preview the Train view shows: the current network's last-stack heatmaps on one fixed validation
// crop, quantised to bytes, with the crop itself as a JPEG.
import * as tf from '@tensorflow/tfjs-core'
import sharp from 'sharp'
import type { PyraNet } from '../model'
import { JOINT_COUNT } from './joints'
import type { HeatmapPreview } from './protocol'
import { HEATMAP_STRIDE } from './sample'

export interface PreviewInput {
  personId: number
  /** [1, R, R, 3], mean subtracted */
  input: Float32Array
  /** the JPEG of the crop, made once */
  crop: string
}

export async function previewInput(personId: number, input: Float32Array, inputRes: number, mean: readonly [number, number, number]): Promise<PreviewInput> {
  const rgb = new Uint8Array(inputRes * inputRes * 3)
  for (let i = 0; i < rgb.length; i++) rgb[i] = Math.round(Math.min(1, Math.max(0, input[i] + mean[i % 3])) * 255)
  const jpeg = await sharp(rgb, { raw: { width: inputRes, height: inputRes, channels: 3 } }).jpeg({ quality: 85 }).toBuffer()
  return { personId, input, crop: jpeg.toString('base64') }
}

export async function renderPreview(net: PyraNet, preview: PreviewInput, step: number, epoch: number): Promise<HeatmapPreview> {
  const { inputRes } = net.config
  const size = inputRes / HEATMAP_STRIDE
  const heatmaps = tf.tidy(() => net.apply(tf.tensor4d(preview.input, [1, inputRes, inputRes, 3])).at(-1)!)
  const maps = (await heatmaps.data()) as Float32Array
  heatmaps.dispose()
  const bytes = new Uint8Array(JOINT_COUNT * size * size)
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let j = 0; j < JOINT_COUNT; j++) {
        const v = maps[(y * size + x) * JOINT_COUNT + j]
        bytes[(j * size + y) * size + x] = Math.round(Math.min(1, Math.max(0, v)) * 255)
      }
    }
  }
  return {
    step,
    epoch,
    personId: preview.personId,
    size,
    joints: JOINT_COUNT,
    heatmaps: Buffer.from(bytes).toString('base64'),
    crop: preview.crop,
    cropSize: inputRes
  }
}
