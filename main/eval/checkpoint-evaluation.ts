// Evaluating a checkpoint on a split of the open project: predict every scored person (flip test by
// default) in the project's inference worker (main/inference: the network runs there, not in main, so
// requests keep being answered), store the predictions as a prediction set of the run, score them against
// the split's labels and record the result. The ground truth is read first, so a split that cannot be
// scored (a person without a head box) fails before minutes of inference rather than after.
import type { Db } from '../dataset/db'
import { toPoseH5CenterScale } from '../dataset/conventions'
import { imageFile } from '../dataset/images-folder'
import { annotatedPeople } from '../dataset/queries'
import type { Split } from '../dataset/model'
import { badInput, cancelled } from '../errors'
import type { InferenceWorker } from '../inference/client'
import type { Rounding } from '../model/decode'
import type { ProgressOptions } from '../progress'
import type { RunIdentity } from './csv'
import type { InferencePerson } from './inference'
import type { PckhReport, ThresholdRule } from './pckh'
import { projectGroundTruth } from './project-ground-truth'
import { evaluateStoredSet, type ScoredStoredSet } from './project-sets'
import { getPredictionSet, insertPredictionSet, type PredictionSetInfo } from './store'

export interface CheckpointEvaluationOptions extends ProgressOptions {
  /** A checkpoint folder (main/model/checkpoint.ts). */
  checkpoint: string
  split: string
  /** The training run it belongs to, if any. */
  runId?: string | null
  /** Name in tables. */
  name: string
  /** What the run knows better than the checkpoint (its epoch, say); merged over what the checkpoint says. */
  identity?: RunIdentity
  flip?: boolean
  /** People per forward pass (default: the worker's engine decides). */
  batchSize?: number
  rounding?: Rounding
  rule?: ThresholdRule
}

export interface CheckpointEvaluation {
  set: PredictionSetInfo
  report: PckhReport
  scored: ScoredStoredSet
}

/** The people of a split that are scored (at least one annotated joint), with their crops, in id order. */
export function inferencePeople(db: Db, split: string): InferencePerson[] {
  const people = annotatedPeople(db, { split: split as Split }).sort((a, b) => a.personId - b.personId)
  const scored = people.filter((p) => p.annotation.joints.some((j) => j.state !== 'missing'))
  const noCrop = scored.filter((p) => !p.annotation.center || !(p.annotation.scale! > 0))
  if (noCrop.length) {
    throw badInput(
      `split ${split}: ${noCrop.length} people have no centre or scale to crop around (person ${noCrop[0].personId} in ${noCrop[0].imageName} first)`,
      'split'
    )
  }
  const out: InferencePerson[] = []
  const noImage: string[] = []
  for (const p of scored) {
    const image = imageFile(db, p.imageId)
    if (!image) {
      noImage.push(p.imageName)
      continue
    }
    const { center, scale } = toPoseH5CenterScale(p.annotation.center!, p.annotation.scale!)
    out.push({ id: p.personId, image, centre: [center.x, center.y], scale })
  }
  if (noImage.length) {
    throw badInput(
      `split ${split}: the image files of ${noImage.length} people are not in the project's image folders (${noImage[0]} first); add the folder that holds them`,
      'split'
    )
  }
  return out
}

export async function evaluateCheckpoint(db: Db, inference: Pick<InferenceWorker, 'evaluate'>, options: CheckpointEvaluationOptions): Promise<CheckpointEvaluation> {
  const { split, onProgress, signal } = options
  const groundTruth = projectGroundTruth(db, split)
  const people = inferencePeople(db, split)
  onProgress?.({ stage: 'loading the checkpoint', done: 0, total: people.length })
  const { predictions, checkpoint: info } = await inference.evaluate(
    { checkpoint: options.checkpoint, people, flip: options.flip ?? true, batchSize: options.batchSize ?? null, rounding: options.rounding ?? 'float' },
    { onProgress, signal }
  )
  // a cancel that crossed the worker's last reply: nothing is stored
  if (signal?.aborted) throw cancelled('evaluation cancelled')
  const epochs = info.meta?.epoch
  const identity: RunIdentity = {
    variant: info.config.variant,
    stacks: info.config.nStack,
    ...(typeof epochs === 'number' && Number.isInteger(epochs) ? { epochs } : {}),
    ...options.identity
  }
  onProgress?.({ stage: 'scoring', done: people.length, total: people.length })
  const setId = insertPredictionSet(
    db,
    {
      name: options.name,
      kind: 'run',
      runId: options.runId ?? null,
      origin: options.checkpoint,
      split,
      flip: options.flip ?? true,
      identity,
      labelMark: groundTruth.labelMark
    },
    people.map((p) => p.id),
    predictions
  )
  const { scored, report } = evaluateStoredSet(db, setId, options.rule)
  return { set: getPredictionSet(db, setId), report, scored }
}
