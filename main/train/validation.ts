// Per-epoch validation: the validation people without augmentation, the loss against their targets, and
// PCKh@0.5 of the decoded last-stack heatmaps (optionally flip-tested) against their annotations.
import * as tf from '@tensorflow/tfjs-core'
import { scorePredictions } from '../eval/pckh'
import type { EvalGroundTruth, PredictionSet } from '../eval/types'
import { decodeHeatmaps, flipTest, peakToImage, type Affine, type PyraNet } from '../model'
import { JOINT_COUNT, JointState } from './joints'
import type { BatchLoader } from './loader'
import type { PreparedBatch } from './loader-protocol'
import { heatmapTransform, HEATMAP_STRIDE } from './sample'
import type { SnapshotPerson } from './snapshot'

export interface ValidationResult {
  loss: number | null
  /** Unweighted 14-joint mean (Tompson/bearpaw). */
  pckh: number | null
  pckhWeighted: number | null
  people: number
}

/** At most `limit` validation people, spread evenly over the split (deterministic). */
export function validationIndices(count: number, limit: number | null): number[] {
  const n = limit === null ? count : Math.min(count, limit)
  return Array.from({ length: n }, (_, i) => Math.floor((i * count) / n))
}

export interface ValidationOptions {
  batchSize: number
  flip: boolean
  signal?: { readonly stopRequested: boolean }
}

export async function validate(net: PyraNet, loader: BatchLoader, people: readonly SnapshotPerson[], indices: number[], options: ValidationOptions): Promise<ValidationResult> {
  if (indices.length === 0) return { loss: null, pckh: null, pckhWeighted: null, people: 0 }
  const { inputRes } = net.config
  const size = inputRes / HEATMAP_STRIDE
  const batches: number[][] = []
  for (let i = 0; i < indices.length; i += options.batchSize) batches.push(indices.slice(i, i + options.batchSize))
  const request = (batch: number[]) => loader.prepare({ split: 'val', people: batch, keys: [0], augment: false, targets: true })
  let next = request(batches[0])
  let lossSum = 0
  let processed = 0
  const scored: { person: SnapshotPerson; coords: [number, number][] }[] = []
  for (let b = 0; b < batches.length; b++) {
    const prepared: PreparedBatch = await next
    if (b + 1 < batches.length) next = request(batches[b + 1])
    const n = prepared.count
    const { loss, heatmaps } = tf.tidy(() => {
      const x = tf.tensor4d(prepared.input, [n, inputRes, inputRes, 3])
      const y = tf.tensor4d(prepared.target!, [n, size, size, JOINT_COUNT])
      const outputs = net.apply(x)
      const last = options.flip ? flipTest((input) => net.apply(input).at(-1)!, x) : outputs.at(-1)!
      return { loss: net.lossFn(outputs, y), heatmaps: last }
    })
    const [lossValue] = await loss.data()
    const maps = (await heatmaps.data()) as Float32Array
    loss.dispose()
    heatmaps.dispose()
    lossSum += lossValue * n
    processed += n
    for (let i = 0; i < n; i++) {
      const person = people[batches[b][i]]
      if (!hasHeadBox(person)) continue
      const t = heatmapTransform(Array.from(prepared.transforms.subarray(i * 6, i * 6 + 6)) as unknown as Affine)
      const peaks = decodeHeatmaps(maps.subarray(i * size * size * JOINT_COUNT, (i + 1) * size * size * JOINT_COUNT), size, JOINT_COUNT)
      scored.push({ person, coords: peaks.map((peak) => peakToImage(t, peak)) })
    }
    if (options.signal?.stopRequested) break
  }
  const pck = pckhOf(scored)
  return { loss: lossSum / processed, pckh: pck?.mean ?? null, pckhWeighted: pck?.weightedMean ?? null, people: scored.length }
}

function hasHeadBox(person: SnapshotPerson): boolean {
  const box = person.headBox
  return box !== null && Math.hypot(box[2] - box[0], box[3] - box[1]) > 0
}

function pckhOf(scored: { person: SnapshotPerson; coords: [number, number][] }[]): { mean: number | null; weightedMean: number | null } | null {
  const usable = scored.filter(({ person }) => person.states.some((s) => s !== JointState.missing))
  if (usable.length === 0) return null
  const count = usable.length
  const gt: EvalGroundTruth = {
    source: 'validation people',
    count,
    joints: new Float64Array(count * JOINT_COUNT * 2),
    missing: new Uint8Array(count * JOINT_COUNT),
    headBoxes: new Float64Array(count * 4),
    personIds: usable.map(({ person }) => person.id)
  }
  const preds: PredictionSet = { source: 'validation heatmaps', count, coords: new Float64Array(count * JOINT_COUNT * 2) }
  usable.forEach(({ person, coords }, n) => {
    gt.headBoxes.set(person.headBox!, n * 4)
    for (let j = 0; j < JOINT_COUNT; j++) {
      const i = n * JOINT_COUNT + j
      gt.missing[i] = person.states[j] === JointState.missing ? 1 : 0
      gt.joints[i * 2] = person.joints[j * 2]
      gt.joints[i * 2 + 1] = person.joints[j * 2 + 1]
      preds.coords[i * 2] = coords[j][0]
      preds.coords[i * 2 + 1] = coords[j][1]
    }
  })
  const report = scorePredictions(gt, preds)
  return { mean: report.at05.mean, weightedMean: report.at05.weightedMean }
}
