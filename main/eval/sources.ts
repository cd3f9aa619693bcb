// Turns "what to evaluate" into scored inputs: a predictions file against a ground-truth file. Files are
// read once per call even when several sources share a ground truth.
import { basename, extname, resolve } from 'node:path'
import { badInput } from '../errors'
import type { RunIdentity } from './csv'
import { loadGroundTruth } from './load/ground-truth'
import { loadPredictions } from './load/predictions'
import { normalisedErrors, type NormalisedErrors } from './pckh'
import type { EvalGroundTruth, PredictionSet } from './types'

export interface FileSource {
  kind: 'file'
  predictions: string
  groundTruth: string
  model?: string
  offset?: number
}

export interface ScoredSource {
  model: string
  identity: RunIdentity
  groundTruth: EvalGroundTruth
  predictions: PredictionSet
  errors: NormalisedErrors
}

/** Reads ground truths once per path within one request. */
export class GroundTruthCache {
  private readonly loaded = new Map<string, Promise<EvalGroundTruth>>()

  get(file: string): Promise<EvalGroundTruth> {
    const path = resolve(file)
    let gt = this.loaded.get(path)
    if (!gt) {
      gt = loadGroundTruth(path)
      this.loaded.set(path, gt)
    }
    return gt
  }
}

export async function scoreFileSource(source: FileSource, cache = new GroundTruthCache()): Promise<ScoredSource> {
  const groundTruth = await cache.get(source.groundTruth)
  const predictions = await loadPredictions(resolve(source.predictions), { expectedCount: groundTruth.count, offset: source.offset })
  return {
    model: source.model ?? basename(source.predictions, extname(source.predictions)),
    identity: {},
    groundTruth,
    predictions,
    errors: normalisedErrors(groundTruth, predictions)
  }
}

/**
 * Checks that every source was scored on the same people (the same ground truth, value for value) and
 * gives them distinct names, so a comparison or a multi-row export means what it says.
 */
export function alignSources(sources: ScoredSource[]): { groundTruth: EvalGroundTruth; names: string[] } {
  const [first] = sources
  for (const other of sources.slice(1)) {
    if (!sameGroundTruth(first.groundTruth, other.groundTruth)) {
      throw badInput(
        `${other.model} is scored on ${other.groundTruth.source} (${other.groundTruth.count} people), ` +
          `${first.model} on ${first.groundTruth.source} (${first.groundTruth.count}); compare on the same people`,
        'sources'
      )
    }
  }
  return { groundTruth: first.groundTruth, names: distinctNames(sources.map((s) => s.model)) }
}

/** The names, with " (2)", " (3)", … added to repeats, so every row of a table is told apart. */
export function distinctNames(models: string[]): string[] {
  const seen = new Map<string, number>()
  return models.map((model) => {
    const n = (seen.get(model) ?? 0) + 1
    seen.set(model, n)
    return n === 1 ? model : `${model} (${n})`
  })
}

function sameGroundTruth(a: EvalGroundTruth, b: EvalGroundTruth): boolean {
  if (a === b) return true
  if (a.count !== b.count) return false
  const equal = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) return false
    return true
  }
  if (!equal(a.missing, b.missing) || !equal(a.headBoxes, b.headBoxes)) return false
  // Coordinates of unannotated joints are never read, so they may differ.
  for (let i = 0; i < a.missing.length; i++) {
    if (a.missing[i]) continue
    if (a.joints[i * 2] !== b.joints[i * 2] || a.joints[i * 2 + 1] !== b.joints[i * 2 + 1]) return false
  }
  if (a.personIds && b.personIds && !equal(a.personIds, b.personIds)) return false
  return true
}
