// Training requests and events: the open project's TrainingService (main/train/service.ts) does the work;
// this module maps requests onto it and its events onto the contract's.
import type { Requests } from '../../contract'
import { datasetOf } from '../dataset/project-dataset'
import { parseCheckpointChoice } from '../train/checkpoints'
import { trainPresets, TRAIN_PRESET_NAMES } from '../train/config'
import { forkLauncher } from '../train/launcher'
import { TrainingService, type TrainingEvent } from '../train/service'
import type { ApiContext, HandlersFor } from './context'

type TrainRequests = Pick<Requests, 'trainPresets' | 'startRun' | 'pauseRun' | 'resumeRun' | 'stopRun' | 'listRuns' | 'getRun' | 'deleteRun'>

const PRESET_SUMMARIES: Record<string, string> = {
  paper: "The authors' 2-stack PyraNet (PRM-B, 256 features, 256 px), RMSprop 2.5e-4, 250 epochs with drops at 150/170/200.",
  demo: 'A 1-stack, 32-feature PyraNet (PRM-B) at 128 px that learns the demo project on a laptop CPU in minutes.'
}

/** The open project's training service, created with the project and closed (trainers stopped) with it. */
export function trainingOf(ctx: ApiContext): TrainingService {
  const project = ctx.workspace.requireProject()
  return project.resource('training', () => {
    const { db } = datasetOf(project)
    return new TrainingService({
      db,
      projectDir: project.dir,
      launcher: ctx.trainerLauncher ?? forkLauncher,
      onEvent: (event) => forward(ctx, event)
    })
  })
}

function forward(ctx: ApiContext, event: TrainingEvent): void {
  switch (event.kind) {
    case 'step':
      return ctx.events.emit('trainStep', { runId: event.runId, ...event.report })
    case 'epoch':
      return ctx.events.emit('trainEpoch', { runId: event.runId, ...event.epoch })
    case 'checkpoint':
      return ctx.events.emit('trainCheckpoint', { runId: event.runId, ...event.checkpoint })
    case 'heatmaps':
      return ctx.events.emit('trainHeatmaps', { runId: event.runId, ...event.preview })
    case 'status':
      return ctx.events.emit('runStatus', event.run)
  }
}

export const trainHandlers: HandlersFor<TrainRequests> = {
  trainPresets: () => ({
    presets: TRAIN_PRESET_NAMES.map((name) => ({ name, summary: PRESET_SUMMARIES[name] ?? name, config: trainPresets[name] }))
  }),
  startRun: ({ preset, name, backend, overrides, fromRun, fromCheckpoint }, ctx) =>
    trainingOf(ctx).start({
      preset,
      name,
      backend: backend ?? ctx.workspace.settings.get().backend,
      overrides,
      fromRun,
      fromCheckpoint: fromCheckpoint === undefined ? undefined : parseCheckpointChoice(fromCheckpoint)
    }),
  pauseRun: ({ runId }, ctx) => trainingOf(ctx).pause(runId),
  resumeRun: ({ runId }, ctx) => trainingOf(ctx).resume(runId),
  stopRun: ({ runId }, ctx) => trainingOf(ctx).stop(runId),
  listRuns: (_params, ctx) => ({ runs: trainingOf(ctx).list() }),
  getRun: ({ runId }, ctx) => trainingOf(ctx).get(runId),
  deleteRun: ({ runId }, ctx) => {
    trainingOf(ctx).delete(runId)
    return { deleted: true as const }
  }
}
