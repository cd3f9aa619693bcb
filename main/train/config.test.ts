// Presets and overrides, the schedule, which checkpoints a run keeps and which one a request means, and
// the event throttle main puts between a trainer and the UI.
import { describe, expect, it } from 'vitest'
import { WorkbenchError } from '../errors'
import { checkpointsToPrune, chooseCheckpoint, parseCheckpointChoice } from './checkpoints'
import { learningRateAt, resolveTrainConfig, trainPresets } from './config'
import type { CheckpointRecord } from './runs-store'
import { Throttle } from './throttle'

function fieldOf(f: () => unknown): string | undefined {
  try {
    f()
  } catch (error) {
    if (error instanceof WorkbenchError) return error.field
    throw error
  }
  return undefined
}

describe('training configs', () => {
  it("give the authors' recipe for 'paper'", () => {
    const paper = resolveTrainConfig('paper')
    expect(paper.model).toMatchObject({ variant: 'B', nStack: 2, nFeats: 256, inputRes: 256, cardinality: 4, baseWidth: 9 })
    expect(paper).toMatchObject({ batchSize: 6, epochs: 250, learningRate: 2.5e-4, rmspropAlpha: 0.99, rmspropEpsilon: 1e-8, lrMilestones: [150, 170, 200] })
    expect(learningRateAt(paper, 149)).toBe(2.5e-4)
    expect(learningRateAt(paper, 150)).toBeCloseTo(2.5e-5, 12)
    expect(learningRateAt(paper, 200)).toBeCloseTo(2.5e-7, 14)
  })

  it('apply overrides field by field and refuse bad ones naming the field', () => {
    const config = resolveTrainConfig('demo', { batchSize: 3, model: { nStack: 2 }, augment: { flipProbability: 0 } })
    expect(config.batchSize).toBe(3)
    expect(config.model.nStack).toBe(2)
    expect(config.model.nFeats).toBe(trainPresets.demo.model.nFeats)
    expect(config.augment.flipProbability).toBe(0)
    expect(config.augment.scaleSigma).toBe(trainPresets.demo.augment.scaleSigma)
    expect(fieldOf(() => resolveTrainConfig('demo', { batchSize: 0 }))).toBe('batchSize')
    expect(fieldOf(() => resolveTrainConfig('demo', { model: { inputRes: 96 } }))).toBe('model.inputRes')
    expect(fieldOf(() => resolveTrainConfig('demo', { augment: { rotationProbability: 2 } }))).toBe('augment.rotationProbability')
    expect(fieldOf(() => resolveTrainConfig('huge'))).toBe('preset')
  })
})

const checkpoint = (step: number, epoch: number, reason: CheckpointRecord['reason'], pckh: number | null): CheckpointRecord => ({
  step,
  epoch,
  path: `/runs/r/step-${step}`,
  reason,
  pckh,
  at: ''
})

describe('checkpoints', () => {
  const all = [checkpoint(10, 1, 'epoch', 20), checkpoint(20, 2, 'epoch', 45), checkpoint(30, 3, 'epoch', 40), checkpoint(40, 4, 'epoch', 41), checkpoint(43, 5, 'stop', null)]

  it('are chosen by best, latest, epoch or step', () => {
    expect(chooseCheckpoint(all, 'best')?.step).toBe(20)
    expect(chooseCheckpoint(all, 'latest')?.step).toBe(43)
    expect(chooseCheckpoint(all, 'epoch-3')?.step).toBe(30)
    expect(chooseCheckpoint(all, 'step-40')?.step).toBe(40)
    expect(chooseCheckpoint(all, 'step-41')).toBeNull()
    expect(chooseCheckpoint([checkpoint(5, 1, 'stop', null)], 'best')?.step).toBe(5)
    expect(chooseCheckpoint([], 'latest')).toBeNull()
    expect(parseCheckpointChoice('epoch-0040')).toBe('epoch-0040')
    expect(fieldOf(() => parseCheckpointChoice('newest'))).toBe('checkpoint')
  })

  it('are pruned to the latest, the best, the last epochs and those another run starts from', () => {
    expect(checkpointsToPrune(all, 2, new Set()).map((c) => c.step)).toEqual([10])
    expect(checkpointsToPrune(all, 0, new Set()).map((c) => c.step)).toEqual([10, 30, 40])
    expect(checkpointsToPrune(all, 0, new Set(['/runs/r/step-30'])).map((c) => c.step)).toEqual([10, 40])
  })
})

describe('the event throttle', () => {
  it('passes the first value at once, then the newest at most once per interval, and always the last', async () => {
    const sent: number[] = []
    const throttle = new Throttle<number>(60, (v) => sent.push(v))
    for (let i = 1; i <= 5; i++) throttle.push(i)
    expect(sent).toEqual([1])
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(sent).toEqual([1, 5])
    throttle.push(6)
    throttle.flush()
    expect(sent).toEqual([1, 5, 6])
    throttle.push(7)
    throttle.cancel()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(sent).toEqual([1, 5, 6])
  })
})
