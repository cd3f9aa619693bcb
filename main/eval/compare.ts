// Two or more prediction sets scored on the same people: how each differs from the first (the baseline)
// per joint and group, their curves side by side, and a paired per-person difference with a bootstrap
// interval, so "B beats A by 0.4" comes with how sure that is and which people moved.
//
// The paired score of a person is, by metric:
//   'pckh'      - the percent of the person's annotated scored joints (the 14 of the Mean) within 0.5 head
//                 sizes; higher is better. Its mean over people weights every person equally, unlike the
//                 pooled weightedMean, which weights every joint equally.
//   'meanError' - the mean normalised error (head sizes) over those joints; lower is better.
// Differences are always other - baseline; `higherIsBetter` says which sign is an improvement. People
// with no annotated scored joint have no score and are left out of the paired part.
import { badInput } from '../errors'
import { bootstrapMean } from './bootstrap'
import { GROUP_NAMES, type GroupName } from './joints'
import { pckhReport, type NormalisedErrors, type PckhReport, type PckhTable, type ThresholdRule } from './pckh'
import { personScores, type PersonScore } from './person-scores'
import type { EvalGroundTruth } from './types'

export type PairedMetric = 'pckh' | 'meanError'

export interface NamedErrors {
  name: string
  errors: NormalisedErrors
}

export interface TableDelta {
  perJoint: (number | null)[]
  groups: Record<GroupName, number | null>
  mean: number | null
  weightedMean: number | null
}

export interface PersonChange {
  index: number
  personId?: number
  imageName?: string
  imageId?: number
  baseline: number
  other: number
  difference: number
}

export interface PairedDifference {
  metric: PairedMetric
  higherIsBetter: boolean
  /** People with a score in both sets. */
  people: number
  meanDifference: number
  low: number
  high: number
  level: number
  resamples: number
  seed: number
  improved: number
  worsened: number
  unchanged: number
  /** The interval leaves out 0. */
  significant: boolean
}

export interface PairComparison {
  baseline: string
  other: string
  /** other - baseline, percentage points. */
  at05: TableDelta
  at01: TableDelta
  auc: { weightedMean: number | null; mean: number | null; groups: Record<GroupName, number | null> }
  paired: PairedDifference
  /** People who improved by at least minDifference, largest change first. */
  muchBetter: PersonChange[]
  /** People who got worse by at least minDifference, largest change first. */
  muchWorse: PersonChange[]
}

export interface Comparison {
  rule: ThresholdRule
  people: number
  sets: { name: string; report: PckhReport }[]
  /** The baseline (first set) against each other set, in order. */
  pairs: PairComparison[]
}

export interface CompareOptions {
  rule?: ThresholdRule
  metric?: PairedMetric
  resamples?: number
  seed?: number
  level?: number
  /** Smallest change that counts as "much" better or worse: default 25 points ('pckh') or 0.25 head sizes ('meanError'). */
  minDifference?: number
  /** Longest list of much better / much worse people; default 20. */
  limit?: number
}

export const DEFAULT_MIN_DIFFERENCE: Record<PairedMetric, number> = { pckh: 25, meanError: 0.25 }

export function compareSets(gt: EvalGroundTruth, sets: NamedErrors[], options: CompareOptions = {}): Comparison {
  const { rule = 'le', metric = 'pckh' } = options
  if (sets.length < 2) throw badInput('a comparison needs at least two prediction sets', 'sets')
  for (const set of sets) {
    if (set.errors.count !== gt.count) {
      throw badInput(`${set.name}: scored on ${set.errors.count} people, the others on ${gt.count}; compare runs on the same people`, 'sets')
    }
  }
  const reports = sets.map((s) => pckhReport(s.errors, { rule }))
  const scores = sets.map((s) => personScores(s.errors, { rule }))
  const pairs = sets.slice(1).map((set, i) => {
    const a = reports[0]
    const b = reports[i + 1]
    return {
      baseline: sets[0].name,
      other: set.name,
      at05: tableDelta(a.at05, b.at05),
      at01: tableDelta(a.at01, b.at01),
      auc: {
        weightedMean: minus(b.auc.weightedMean, a.auc.weightedMean),
        mean: minus(b.auc.mean, a.auc.mean),
        groups: mapGroups((g) => minus(b.auc.groups[g], a.auc.groups[g]))
      },
      ...pairedPart(gt, scores[0], scores[i + 1], metric, options)
    }
  })
  return { rule, people: gt.count, sets: sets.map((s, i) => ({ name: s.name, report: reports[i] })), pairs }
}

function pairedPart(
  gt: EvalGroundTruth,
  baseline: PersonScore[],
  other: PersonScore[],
  metric: PairedMetric,
  options: CompareOptions
): Pick<PairComparison, 'paired' | 'muchBetter' | 'muchWorse'> {
  const higherIsBetter = metric === 'pckh'
  const changes: PersonChange[] = []
  for (let n = 0; n < baseline.length; n++) {
    const a = baseline[n][metric]
    const b = other[n][metric]
    if (a === null || b === null) continue
    changes.push({
      index: n,
      ...(gt.personIds ? { personId: gt.personIds[n] } : {}),
      ...(gt.imageNames ? { imageName: gt.imageNames[n] } : {}),
      ...(gt.imageIds ? { imageId: gt.imageIds[n] } : {}),
      baseline: a,
      other: b,
      difference: b - a
    })
  }
  if (changes.length === 0) throw badInput('no person has an annotated scored joint; nothing to compare', 'sets')
  const interval = bootstrapMean(
    changes.map((c) => c.difference),
    options
  )
  const gain = (c: PersonChange) => (higherIsBetter ? c.difference : -c.difference)
  const minDifference = options.minDifference ?? DEFAULT_MIN_DIFFERENCE[metric]
  const limit = options.limit ?? 20
  const byMagnitude = (a: PersonChange, b: PersonChange) => Math.abs(b.difference) - Math.abs(a.difference) || a.index - b.index
  return {
    paired: {
      metric,
      higherIsBetter,
      people: changes.length,
      meanDifference: interval.mean,
      low: interval.low,
      high: interval.high,
      level: interval.level,
      resamples: interval.resamples,
      seed: interval.seed,
      improved: changes.filter((c) => gain(c) > 0).length,
      worsened: changes.filter((c) => gain(c) < 0).length,
      unchanged: changes.filter((c) => gain(c) === 0).length,
      significant: interval.low > 0 || interval.high < 0
    },
    muchBetter: changes.filter((c) => gain(c) >= minDifference).sort(byMagnitude).slice(0, limit),
    muchWorse: changes.filter((c) => -gain(c) >= minDifference).sort(byMagnitude).slice(0, limit)
  }
}

function tableDelta(a: PckhTable, b: PckhTable): TableDelta {
  return {
    perJoint: a.perJoint.map((v, j) => minus(b.perJoint[j], v)),
    groups: mapGroups((g) => minus(b.groups[g], a.groups[g])),
    mean: minus(b.mean, a.mean),
    weightedMean: minus(b.weightedMean, a.weightedMean)
  }
}

function mapGroups(f: (g: GroupName) => number | null): Record<GroupName, number | null> {
  return Object.fromEntries(GROUP_NAMES.map((g) => [g, f(g)])) as Record<GroupName, number | null>
}

function minus(b: number | null, a: number | null): number | null {
  return a === null || b === null ? null : b - a
}
