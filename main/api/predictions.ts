// Predictions for the annotation editor: the open project's image people through a run's checkpoint. The
// network runs in the project's inference worker (main/inference), which keeps it loaded for the next image;
// main reads the people and answers other requests meanwhile.
import { basename } from 'node:path'
import type { PredictionSource, Requests } from '../../contract'
import { toPoseH5CenterScale } from '../dataset/conventions'
import { imageFile } from '../dataset/images-folder'
import { datasetOf } from '../dataset/project-dataset'
import { getImage } from '../dataset/queries'
import { badInput, notFound } from '../errors'
import type { InferencePerson } from '../eval/inference'
import { InferenceWorker } from '../inference/client'
import { chooseCheckpoint, parseCheckpointChoice } from '../train/checkpoints'
import { forkLauncher } from '../train/launcher'
import type { ApiContext, HandlersFor } from './context'
import { trainingOf } from './train'

type PredictionsRequests = Pick<Requests, 'predictImage'>

/** The open project's inference worker (started on first use, killed when the project closes). */
export function inferenceOf(ctx: ApiContext): InferenceWorker {
  return ctx.workspace.requireProject().resource(
    'inference',
    () => new InferenceWorker({ launcher: ctx.trainerLauncher ?? forkLauncher, backend: () => ctx.workspace.settings.get().backend })
  )
}

/** The checkpoint folder a source names, and how the history will call it. */
function resolveSource(source: PredictionSource, ctx: ApiContext): { dir: string; label: string } {
  if (source.kind === 'checkpoint') return { dir: source.path, label: basename(source.path) }
  const run = trainingOf(ctx).get(source.runId)
  const record = chooseCheckpoint(run.checkpoints, parseCheckpointChoice(source.checkpoint))
  if (!record) throw notFound(`run ${run.name} has no ${source.checkpoint} checkpoint yet`, 'source.checkpoint')
  return { dir: record.path, label: `${run.name} · step ${record.step}` }
}

export const predictionsHandlers: HandlersFor<PredictionsRequests> = {
  async predictImage({ imageId, source, personIds, flip, heatmaps }, ctx) {
    const started = performance.now()
    const { db } = datasetOf(ctx.workspace.requireProject())
    const image = getImage(db, imageId)
    const file = imageFile(db, imageId)
    if (!file) throw badInput(`the file of image ${image.name} is not in the project's image folders`, 'imageId')
    const wanted = personIds ? new Set(personIds) : null
    const people: InferencePerson[] = []
    const skipped: { personId: number; reason: string }[] = []
    for (const person of image.people) {
      if (wanted && !wanted.has(person.id)) continue
      if (!person.center || !(person.scale! > 0)) {
        skipped.push({ personId: person.id, reason: 'no centre or scale to crop around' })
        continue
      }
      const { center, scale } = toPoseH5CenterScale(person.center, person.scale!)
      people.push({ id: person.id, image: file, centre: [center.x, center.y], scale })
    }
    const { dir, label } = resolveSource(source, ctx)
    const { inputRes, people: predictions } = await inferenceOf(ctx).predict({ checkpoint: dir, people, flip, heatmaps })
    return {
      imageId,
      checkpoint: dir,
      label,
      inputRes,
      flip,
      people: predictions.map((p) => ({
        personId: p.personId,
        joints: p.joints,
        heatmapSize: p.size,
        heatmaps: p.heatmaps,
        origin: p.origin,
        pixel: p.pixel
      })),
      skipped,
      milliseconds: Math.round(performance.now() - started)
    }
  }
}
