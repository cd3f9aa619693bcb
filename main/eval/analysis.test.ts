// Ranking, paired comparison, bootstrap and CSV on the hand-computed case of fixtures/make_eval_fixtures.py
// (see pckh.test.ts for its errors) and on seeded synthetic sets.
import { resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { bootstrapMean, percentile, seededRandom } from './bootstrap'
import { compareSets } from './compare'
import { csvField, parseCsv, twoDecimals } from './csv-text'
import { CURVE_COLUMNS, curvesCsv, SUMMARY_COLUMNS, summaryCsv } from './csv'
import { loadGroundTruth } from './load/ground-truth'
import { loadPredictions } from './load/predictions'
import { normalisedErrors, scorePredictions, type NormalisedErrors } from './pckh'
import { personScores } from './person-scores'
import { rankPeople } from './ranking'
import type { EvalGroundTruth, PredictionSet } from './types'

let gt: EvalGroundTruth
let preds: PredictionSet
let errors: NormalisedErrors

beforeAll(async () => {
  gt = await loadGroundTruth(resolve('main/eval/fixtures/small-gt.mat'))
  preds = await loadPredictions(resolve('main/eval/fixtures/small-preds.mat'), { expectedCount: gt.count })
  errors = normalisedErrors(gt, preds)
})

describe('per-person scores and the error ranking', () => {
  it('scores each person over the 14 scored joints, or all 16', () => {
    const [p0, p1, p2] = personScores(errors)
    expect(p0).toMatchObject({ annotated: 13, worstJoint: 1, worstError: 1 })
    expect(p0.pckh).toBeCloseTo(300 / 13, 12)
    expect(p0.meanError).toBeCloseTo(10.6 / 13, 12)
    expect(p1).toMatchObject({ annotated: 14, worstJoint: 0, worstError: 1 })
    expect(p1.pckh).toBeCloseTo(1300 / 14, 12)
    expect(p2).toEqual({ index: 2, annotated: 0, pckh: null, meanError: null, worstJoint: null, worstError: null })
    expect(personScores(errors, { joints: 'all' })[0]).toMatchObject({ annotated: 15, worstJoint: 6, worstError: 2 })
  })

  it('orders people worst first, ties in ground-truth order, and leaves out the unannotated', () => {
    gt.imageNames = ['a.jpg', 'b.jpg', 'c.jpg']
    gt.imageIds = [11, 12, 13]
    const page = rankPeople(gt, errors)
    expect(page).toMatchObject({ order: 'worstJoint', total: 2, unannotated: 1, offset: 0 })
    expect(page.items.map((p) => [p.rank, p.index, p.worstJoint, p.imageName, p.imageId])).toEqual([
      [0, 0, 1, 'a.jpg', 11],
      [1, 1, 0, 'b.jpg', 12]
    ])
    expect(rankPeople(gt, errors, { joints: 'all' }).items[0]).toMatchObject({ index: 0, worstJoint: 6 })
    expect(rankPeople(gt, errors, { order: 'pckh' }).items.map((p) => p.index)).toEqual([0, 1])
    expect(rankPeople(gt, errors, { order: 'meanError', offset: 1, limit: 5 }).items).toMatchObject([{ rank: 1, index: 1 }])
  })
})

describe('comparison of prediction sets on the same people', () => {
  it('gives per-joint deltas, the paired difference and the people who moved', () => {
    // The second set fixes person 0 entirely (every annotated joint exact).
    const fixed = { ...preds, coords: preds.coords.slice() }
    fixed.coords.set(gt.joints.subarray(0, 32), 0)
    const comparison = compareSets(gt, [
      { name: 'A', errors },
      { name: 'B', errors: normalisedErrors(gt, fixed) }
    ])
    expect(comparison.sets.map((s) => s.name)).toEqual(['A', 'B'])
    const [pair] = comparison.pairs
    expect(pair.baseline).toBe('A')
    expect(pair.other).toBe('B')
    expect(pair.at05.groups).toEqual({ head: 0, shoulder: 0, elbow: 50, wrist: 50, hip: 50, knee: 50, ankle: 25 })
    expect(pair.at05.weightedMean).toBeCloseTo((100 * 26) / 27 - (100 * 16) / 27, 12)
    // Person 0 goes from 3 of 13 joints to 13 of 13; person 1 is unchanged.
    const gain = 100 - 300 / 13
    expect(pair.paired).toMatchObject({ metric: 'pckh', higherIsBetter: true, people: 2, improved: 1, worsened: 0, unchanged: 1 })
    expect(pair.paired.meanDifference).toBeCloseTo(gain / 2, 12)
    expect(pair.paired.low).toBeGreaterThanOrEqual(0)
    expect(pair.paired.high).toBeCloseTo(gain, 12)
    expect(pair.muchBetter).toHaveLength(1)
    expect(pair.muchBetter[0]).toMatchObject({ index: 0, imageName: 'a.jpg', other: 100 })
    expect(pair.muchWorse).toEqual([])

    const byError = compareSets(gt, [{ name: 'A', errors }, { name: 'B', errors: normalisedErrors(gt, fixed) }], { metric: 'meanError' })
    expect(byError.pairs[0].paired.higherIsBetter).toBe(false)
    expect(byError.pairs[0].paired.meanDifference).toBeCloseTo(-(10.6 / 13) / 2, 12)
    expect(byError.pairs[0].muchBetter.map((c) => c.index)).toEqual([0])
  })

  it('refuses fewer than two sets', () => {
    expect(() => compareSets(gt, [{ name: 'A', errors }])).toThrow('at least two')
  })
})

describe('seeded bootstrap', () => {
  const values = (() => {
    const random = seededRandom(42)
    return Array.from({ length: 500 }, () => random() - 0.4)
  })()

  it('is deterministic for a seed and differs between seeds', () => {
    const a = bootstrapMean(values, { seed: 7 })
    expect(bootstrapMean(values, { seed: 7 })).toEqual(a)
    expect(bootstrapMean(values, { seed: 8 }).low).not.toBe(a.low)
    expect(a.resamples).toBe(2000)
    expect(a.low).toBeLessThan(a.mean)
    expect(a.high).toBeGreaterThan(a.mean)
    // Uniform(-0.4, 0.6): standard error sqrt(1/12 / 500) = 0.0129, so the 95% interval spans about 0.05.
    expect(a.high - a.low).toBeGreaterThan(0.04)
    expect(a.high - a.low).toBeLessThan(0.062)
  })

  it('collapses to the value when every difference is the same', () => {
    expect(bootstrapMean([2, 2, 2], { resamples: 50 })).toMatchObject({ mean: 2, low: 2, high: 2 })
  })

  it('interpolates percentiles as numpy does', () => {
    expect(percentile(Float64Array.from([1, 2, 3, 4]), 0.5)).toBe(2.5)
    expect(percentile(Float64Array.from([1, 2, 3, 4]), 0.025)).toBeCloseTo(1.075, 12)
  })
})

describe('CSV', () => {
  it('quotes what needs quoting and reads it back', () => {
    expect(csvField('plain')).toBe('plain')
    expect(csvField('a,b')).toBe('"a,b"')
    expect(csvField('say "hi"')).toBe('"say ""hi"""')
    expect(csvField(' padded')).toBe('" padded"')
    expect(csvField(null)).toBe('')
    expect(parseCsv('\ufeffa,"b,c","d ""e"""\r\n"multi\nline",2,\n', 'x.csv')).toEqual([
      ['a', 'b,c', 'd "e"'],
      ['multi\nline', '2', '']
    ])
    expect(() => parseCsv('a,"b\n', 'x.csv')).toThrow('x.csv, line 1: a quoted field is never closed')
    expect(twoDecimals(86.75749932222796)).toBe('86.76')
    expect(twoDecimals(-0.001)).toBe('0.00')
    expect(twoDecimals(null)).toBe('')
  })

  it('writes the summary with the published columns first and the curves one row per threshold', () => {
    const report = scorePredictions(gt, preds)
    const summary = summaryCsv([
      { model: 'PyraNet, 2 stacks', report, identity: { variant: 'prm-b', stacks: 2, epochs: 100, split: 'val', labelRevision: 12 } },
      { model: 'file', report }
    ])
    const rows = parseCsv(summary, 'summary')
    expect(summary.startsWith('Model,Head,Shoulder,Elbow,Wrist,Hip,Knee,Ankle,Mean,')).toBe(true)
    expect(rows[0]).toEqual([...SUMMARY_COLUMNS])
    expect(rows[1]).toEqual([
      'PyraNet, 2 stacks', '100.00', '100.00', '50.00', '50.00', '50.00', '50.00', '25.00', (800 / 14).toFixed(2),
      ((100 * 16) / 27).toFixed(2), ((100 * 2) / 27).toFixed(2), report.auc.weightedMean!.toFixed(2),
      'prm-b', '2', '100', 'val', '12', '3', '<='
    ])
    expect(rows[2].slice(12)).toEqual(['', '', '', '', '', '3', '<='])
    const curves = parseCsv(curvesCsv([{ model: 'A', report }, { model: 'B', report }]), 'curves')
    expect(curves[0]).toEqual([...CURVE_COLUMNS])
    expect(curves).toHaveLength(1 + 2 * 51)
    expect(curves[1].slice(0, 2)).toEqual(['A', '0.00'])
    expect(curves[11]).toEqual(['A', '0.10', '0.00', '50.00', '0.00', '0.00', '0.00', '0.00', '0.00', (100 / 14).toFixed(2), ((100 * 2) / 27).toFixed(2)])
    expect(curves[52].slice(0, 2)).toEqual(['B', '0.00'])
  })
})
