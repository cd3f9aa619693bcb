// The training loop of one run, inside the trainer process: engine, model (fresh, resumed or fine-tuned),
// loader threads a few batches ahead, RMSprop steps on the schedule, validation and a checkpoint at every
// epoch's end, previews on a timer, and pause / stop between steps.
import * as tf from '@tensorflow/tfjs-core'
import { join } from 'node:path'
import { badInput } from '../errors'
import { createPyraNet, loadCheckpoint, RMSprop, saveCheckpoint, type PyraNet } from '../model'
import { learningRateAt, type TrainConfig } from './config'
import { initEngine } from '../engine/engine'
import { JOINT_COUNT } from './joints'
import { BatchLoader, EpochPlan, StepBatches } from './loader'
import type { PreparedBatch } from './loader-protocol'
import { previewInput, renderPreview, type PreviewInput } from './preview'
import type { TrainerEvent, TrainerJob } from './protocol'
import { HEATMAP_STRIDE } from './sample'
import { readSnapshot } from './snapshot'
import { validate, validationIndices } from './validation'

/** Pause and stop, as the trainer's command handler sets them; the loop looks between steps. */
export class RunControl {
  paused = false
  stopRequested = false
  private wake: (() => void) | null = null

  pause(): void {
    this.paused = true
  }

  resume(): void {
    this.paused = false
    this.wake?.()
  }

  stop(): void {
    this.stopRequested = true
    this.wake?.()
  }

  /** Resolves when the loop may go on (true) or must stop (false); reports pausing and resuming. */
  async gate(onPause: () => void, onResume: () => void): Promise<boolean> {
    // When batches are ready, a step awaits only settled promises (microtasks), and the pause and stop
    // commands, which arrive as macrotasks, would wait for the end of the run: let them in first.
    await new Promise<void>((resolve) => setImmediate(resolve))
    if (this.stopRequested) return false
    if (!this.paused) return true
    onPause()
    while (this.paused && !this.stopRequested) await new Promise<void>((resolve) => (this.wake = resolve))
    this.wake = null
    if (this.stopRequested) return false
    onResume()
    return true
  }
}

/** Decoded images kept per loader thread. */
const IMAGE_CACHE_BYTES = 256 * 1024 * 1024
const THROUGHPUT_SMOOTHING = 0.2

interface Model {
  net: PyraNet
  optimizer: RMSprop
  step: number
}

async function buildModel(job: TrainerJob): Promise<Model> {
  const { config } = job
  const options = { lr: config.learningRate, alpha: config.rmspropAlpha, eps: config.rmspropEpsilon }
  if (job.resume) {
    const loaded = await loadCheckpoint(job.resume.checkpointDir, { seed: config.seed + job.resume.step })
    if (JSON.stringify(loaded.info.config) !== JSON.stringify(config.model)) {
      loaded.net.dispose()
      loaded.optimizer?.dispose()
      throw badInput(`${job.resume.checkpointDir}: the checkpoint's network differs from the run's`, 'checkpoint')
    }
    const optimizer = loaded.optimizer ?? new RMSprop(loaded.net.params, options)
    Object.assign(optimizer.options, options)
    return { net: loaded.net, optimizer, step: job.resume.step }
  }
  if (job.initWeights) {
    const loaded = await loadCheckpoint(job.initWeights, { seed: config.seed })
    loaded.optimizer?.dispose()
    if (JSON.stringify(loaded.info.config) !== JSON.stringify(config.model)) {
      loaded.net.dispose()
      throw badInput(`${job.initWeights}: the checkpoint's network differs from the run's`, 'fromRun')
    }
    return { net: loaded.net, optimizer: new RMSprop(loaded.net.params, options), step: 0 }
  }
  const net = createPyraNet(config.model, { seed: config.seed })
  return { net, optimizer: new RMSprop(net.params, options), step: 0 }
}

function trainStep(model: Model, batch: PreparedBatch, config: TrainConfig): tf.Scalar {
  const res = config.model.inputRes
  const size = res / HEATMAP_STRIDE
  return tf.tidy(() => {
    const x = tf.tensor4d(batch.input, [batch.count, res, res, 3])
    const y = tf.tensor4d(batch.target!, [batch.count, size, size, JOINT_COUNT])
    const { loss, grads } = model.net.gradients(() => model.net.lossFn(model.net.apply(x, { training: true }), y))
    model.optimizer.applyGradients(grads)
    return loss
  })
}

export function checkpointDir(runDir: string, step: number): string {
  return join(runDir, 'checkpoints', `step-${String(step).padStart(8, '0')}`)
}

export async function trainRun(job: TrainerJob, control: RunControl, emit: (event: TrainerEvent) => void): Promise<void> {
  const { config } = job
  const engine = await initEngine(job.backend)
  emit({ type: 'engine', backend: engine.backend, device: engine.device, fallbacks: engine.fallbacks.map((f) => `${f.backend}: ${f.reason}`) })
  const snapshot = readSnapshot(job.snapshotPath)
  const plan = new EpochPlan(snapshot.train.length, config.batchSize, config.seed, config.stepsPerEpoch)
  if (plan.stepsPerEpoch < 1) {
    throw badInput(`the run has ${snapshot.train.length} training people, fewer than one batch of ${config.batchSize}`, 'batchSize')
  }
  const totalSteps = config.epochs * plan.stepsPerEpoch
  const model = await buildModel(job)
  const loader = await BatchLoader.start(
    {
      snapshotPath: job.snapshotPath,
      shape: { inputRes: config.model.inputRes, mean: config.inputMean },
      augment: config.augment,
      seed: config.seed,
      cacheBytes: IMAGE_CACHE_BYTES,
      decodeThreads: 1
    },
    config.loaderThreads
  )
  try {
    const valIndices = validationIndices(snapshot.val.length, config.valLimit)
    let preview: PreviewInput | null = null
    const previewSplit = snapshot.val.length ? 'val' : 'train'
    const previewPeople = snapshot[previewSplit]
    if (previewPeople.length) {
      const prepared = await loader.prepare({ split: previewSplit, people: [0], keys: [0], augment: false, targets: false })
      preview = await previewInput(previewPeople[0].id, prepared.input, config.model.inputRes, config.inputMean)
    }
    emit({ type: 'started', step: model.step, totalSteps, stepsPerEpoch: plan.stepsPerEpoch, trainPeople: snapshot.train.length, valPeople: valIndices.length })

    const batches = new StepBatches(loader, plan, totalSteps, config.prefetch)
    let lastCheckpointStep = job.resume?.step ?? -1
    let throughput = 0
    let lastPreview = 0
    let epochLoss = 0
    let epochSteps = 0
    let epochStarted = performance.now()
    const sendPreview = async (step: number, epoch: number) => {
      if (!preview) return
      emit({ type: 'heatmaps', ...(await renderPreview(model.net, preview, step, epoch)) })
      lastPreview = performance.now()
    }
    const save = async (step: number, reason: 'epoch' | 'stop' | 'final', pckh: number | null) => {
      const epoch = Math.ceil(step / plan.stepsPerEpoch)
      const dir = checkpointDir(job.runDir, step)
      // inputMean: how inference must normalise crops for this network (main/eval reads it)
      await saveCheckpoint(dir, model.net, { optimizer: model.optimizer, meta: { runId: job.runId, step, epoch, pckh, inputMean: config.inputMean } })
      lastCheckpointStep = step
      emit({ type: 'checkpoint', step, epoch, dir, reason, pckh })
    }

    for (let step = model.step; step < totalSteps; step++) {
      const go = await control.gate(
        () => emit({ type: 'paused', step }),
        () => emit({ type: 'resumed', step })
      )
      if (!go) {
        // nothing trained since the start or the last checkpoint: nothing new to keep
        if (lastCheckpointStep !== step && step !== model.step) await save(step, 'stop', null)
        emit({ type: 'stopped', step })
        return
      }
      const epoch = plan.epochOf(step) + 1
      model.optimizer.lr = learningRateAt(config, epoch)
      const waitStart = performance.now()
      const batch = await batches.take(step)
      const stepStart = performance.now()
      const loss = trainStep(model, batch, config)
      const [lossValue] = await loss.data()
      loss.dispose()
      const stepEnd = performance.now()
      if (!Number.isFinite(lossValue)) throw new Error(`the loss became ${lossValue} at step ${step + 1} (learning rate ${model.optimizer.lr})`)
      const rate = (batch.count * 1000) / Math.max(1e-3, stepEnd - waitStart)
      throughput = throughput === 0 ? rate : throughput + THROUGHPUT_SMOOTHING * (rate - throughput)
      epochLoss += lossValue
      epochSteps++
      emit({
        type: 'step',
        step: step + 1,
        totalSteps,
        epoch,
        loss: lossValue,
        learningRate: model.optimizer.lr,
        imagesPerSecond: throughput,
        waitMs: stepStart - waitStart,
        stepMs: stepEnd - stepStart
      })
      if ((step + 1) % plan.stepsPerEpoch === 0) {
        const result = await validate(model.net, loader, snapshot.val, valIndices, { batchSize: config.batchSize * 2, flip: config.validationFlip, signal: control })
        await save(step + 1, 'epoch', result.pckh)
        emit({
          type: 'epoch',
          epoch,
          step: step + 1,
          trainLoss: epochLoss / Math.max(1, epochSteps),
          valLoss: result.loss,
          pckh: result.pckh,
          pckhWeighted: result.pckhWeighted,
          valPeople: result.people,
          seconds: (performance.now() - epochStarted) / 1000
        })
        await sendPreview(step + 1, epoch)
        epochLoss = 0
        epochSteps = 0
        epochStarted = performance.now()
      } else if (performance.now() - lastPreview > config.previewSeconds * 1000) {
        await sendPreview(step + 1, epoch)
      }
    }
    if (lastCheckpointStep !== totalSteps) await save(totalSteps, 'final', null)
    emit({ type: 'completed', step: totalSteps })
  } finally {
    await loader.close()
    model.optimizer.dispose()
    model.net.dispose()
  }
}
