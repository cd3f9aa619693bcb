import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadGroundTruth } from './load/ground-truth'
import { loadPredictions } from './load/predictions'
import { CURVE_THRESHOLDS, scorePredictions } from './pckh'

const fixture = (name: string) => resolve('main/eval/fixtures', name)
const mpii = (name: string) => resolve('../shared/data/mpii', name)

describe('PCKh on the published 2-stack hourglass predictions', () => {
  it('reproduces the bearpaw table and the golden values of pyranet-reference.md §5.6', async () => {
    const gt = await loadGroundTruth(mpii('detections_our_format.mat'))
    const preds = await loadPredictions(mpii('bearpaw-hg_s2_b1.mat'), { expectedCount: gt.count })
    expect(gt.count).toBe(2958)
    for (const rule of ['le', 'lt'] as const) {
      const report = scorePredictions(gt, preds, { rule })
      const g = report.at05.groups
      const table = [g.head, g.shoulder, g.elbow, g.wrist, g.hip, g.knee, g.ankle, report.at05.mean].map((v) => v!.toFixed(2))
      expect(table).toEqual(['95.80', '94.57', '88.12', '83.31', '86.24', '80.88', '77.44', '86.76'])
      expect(report.at05.weightedMean!.toFixed(2)).toBe('87.30')
      expect(report.at01.weightedMean!.toFixed(2)).toBe('23.91')
      expect(report.auc.weightedMean!.toFixed(2)).toBe('57.38')
    }
  })

  it('counts the annotated joints of the validation split as §5.2 lists them', async () => {
    const gt = await loadGroundTruth(mpii('detections_our_format.mat'))
    const preds = await loadPredictions(mpii('bearpaw-hg_s2_b1.mat'))
    expect(scorePredictions(gt, preds).jointCounts).toEqual([
      2115, 2485, 2889, 2888, 2478, 2119, 2878, 2932, 2932, 2932, 2928, 2935, 2944, 2944, 2932, 2909
    ])
  })
})

// The three people of fixtures/make_eval_fixtures.py. Scored instances (14 joints, pelvis and thorax
// out): person 0 has 13 (ankle 0 unannotated): head top 0.5, r-shoulder 0.1, l-shoulder 0, ten at 1.0;
// person 1 has 14: r-ankle 1.0, thirteen at 0.25; person 2 has none. 27 instances in all.
describe('PCKh on a hand-computed case with a missing joint and ties at the thresholds', () => {
  async function score(rule: 'le' | 'lt') {
    const gt = await loadGroundTruth(fixture('small-gt.mat'))
    const preds = await loadPredictions(fixture('small-preds.mat'), { expectedCount: gt.count })
    return scorePredictions(gt, preds, { rule })
  }

  it('with <= counts the ties at 0.5 and 0.1 as correct', async () => {
    const r = await score('le')
    expect(r.jointCounts).toEqual([1, ...Array<number>(15).fill(2)])
    // r-ankle: only person 1 counts (1.0, a miss); head top: 0.5 (tie) and 0.25; shoulders all in.
    expect(r.at05.perJoint).toEqual([0, 50, 50, 50, 50, 50, 50, 50, 50, 100, 50, 50, 100, 100, 50, 50])
    expect(r.at05.groups).toEqual({ head: 100, shoulder: 100, elbow: 50, wrist: 50, hip: 50, knee: 50, ankle: 25 })
    expect(r.at05.mean).toBeCloseTo(800 / 14, 12)
    expect(r.at05.weightedMean).toBeCloseTo((100 * 16) / 27, 12)
    // @0.1: the r-shoulder tie (0.1) and the exact l-shoulder.
    expect(r.at01.threshold).toBe(0.1)
    expect(r.at01.mean).toBeCloseTo(100 / 14, 12)
    expect(r.at01.weightedMean).toBeCloseTo((100 * 2) / 27, 12)
    // At threshold 0 only the exact joint is within.
    expect(r.curve[0].weightedMean).toBeCloseTo(100 / 27, 12)
    // Hits on the curve: 1 below 0.1, 2 up to 0.25, 15 from 0.25, 16 at 0.5; trapezoids sum to 422.5 x 0.01.
    expect(r.auc.weightedMean).toBeCloseTo(((100 / 27) * 4.225) / 0.5, 10)
  })

  it('with < leaves the ties out', async () => {
    const r = await score('lt')
    expect(r.at05.perJoint[9]).toBe(50)
    expect(r.at05.groups.head).toBe(50)
    expect(r.at05.mean).toBeCloseTo(750 / 14, 12)
    expect(r.at05.weightedMean).toBeCloseTo((100 * 15) / 27, 12)
    expect(r.at01.weightedMean).toBeCloseTo(100 / 27, 12)
    expect(r.curve[0].weightedMean).toBe(0)
    // 0 at 0; 1 up to 0.1; 2 up to 0.25; 15 above 0.25, 0.5 included: trapezoids sum to 407.5 x 0.01.
    expect(r.auc.weightedMean).toBeCloseTo(((100 / 27) * 4.075) / 0.5, 10)
  })

  it('runs the curve over the 51 thresholds 0, 0.01, …, 0.5', async () => {
    const r = await score('le')
    expect(CURVE_THRESHOLDS).toHaveLength(51)
    expect(r.curve.map((t) => t.threshold)).toEqual(CURVE_THRESHOLDS)
    expect(r.curve[10].threshold).toBe(0.1)
    expect(r.curve[50].threshold).toBe(0.5)
    expect(r.curve[50]).toEqual(r.at05)
  })

  it('gives null, not NaN, for a joint nobody annotated, and leaves it out of the means', async () => {
    const gt = await loadGroundTruth(fixture('small-gt.mat'))
    const preds = await loadPredictions(fixture('small-preds.mat'), { expectedCount: gt.count })
    gt.missing[1 * 16 + 0] = 1 // now no right ankle is annotated anywhere
    const r = scorePredictions(gt, preds)
    expect(r.at05.perJoint[0]).toBeNull()
    expect(r.at05.groups.ankle).toBe(50)
    expect(r.at05.mean).toBeCloseTo(800 / 13, 12)
    expect(r.at05.weightedMean).toBeCloseTo((100 * 16) / 26, 12)
    expect(JSON.parse(JSON.stringify(r))).toEqual(r)
  })
})
