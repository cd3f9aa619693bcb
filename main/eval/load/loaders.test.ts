import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { WorkbenchError } from '../../errors'
import { scorePredictions } from '../pckh'
import type { EvalGroundTruth, PredictionSet } from '../types'
import { loadGroundTruth } from './ground-truth'
import { loadPredictions } from './predictions'

const fixture = (name: string) => resolve('main/eval/fixtures', name)
let gt: EvalGroundTruth
let reference: PredictionSet
let dir: string

beforeAll(async () => {
  gt = await loadGroundTruth(fixture('small-gt.mat'))
  reference = await loadPredictions(fixture('small-preds.mat'), { expectedCount: gt.count })
  dir = mkdtempSync(join(tmpdir(), 'eval-loaders-'))
})

async function badInputMessage(work: () => Promise<unknown>): Promise<string> {
  const error = await work().then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(WorkbenchError)
  expect((error as WorkbenchError).code).toBe('bad_input')
  return (error as WorkbenchError).message
}

function nested(set: PredictionSet): number[][][] {
  return Array.from({ length: set.count }, (_, n) =>
    Array.from({ length: 16 }, (_, j) => [set.coords[(n * 16 + j) * 2], set.coords[(n * 16 + j) * 2 + 1]])
  )
}

function write(name: string, text: string): string {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

function csvOf(set: PredictionSet, { withPerson = false, reverse = false } = {}): string {
  const header = [...(withPerson ? ['person'] : []), 'image', ...Array.from({ length: 16 }, (_, j) => [`x${j}`, `y${j}`]).flat()]
  const rows = nested(set).map((joints, n) => [...(withPerson ? [n] : []), `"img ${n}, a"`, ...joints.flat()].join(','))
  if (reverse) rows.reverse()
  return [header.join(','), ...rows].join('\r\n') + '\r\n'
}

describe('ground truth in the evaluation layout', () => {
  it('reads pos_gt_src, headboxes_src and jnt_missing', () => {
    expect(gt.count).toBe(3)
    expect(Array.from(gt.headBoxes.subarray(0, 8))).toEqual([0, 0, 30, 40, 10, 10, 16, 18])
    expect(gt.missing[0]).toBe(1)
    expect(Array.from(gt.joints.subarray(2, 4))).toEqual([110, 205])
    expect(Array.from(gt.missing.subarray(32, 48))).toEqual(Array(16).fill(1))
  })

  it('reads the same from a MAT v7.3 (HDF5) file', async () => {
    const v73 = await loadGroundTruth(fixture('small-gt-v73.mat'))
    expect(v73.count).toBe(3)
    expect(v73.joints).toEqual(gt.joints)
    expect(v73.headBoxes).toEqual(gt.headBoxes)
    expect(v73.missing).toEqual(gt.missing)
  })

  it('reads the same from HDF5 written from numpy (MATLAB dims, row-major)', async () => {
    const h5 = await loadGroundTruth(fixture('small-gt.h5'))
    expect(h5.joints).toEqual(gt.joints)
    expect(h5.headBoxes).toEqual(gt.headBoxes)
    expect(h5.missing).toEqual(gt.missing)
  })

  it('refuses a ground truth without head boxes, naming the file', async () => {
    const message = await badInputMessage(() => loadGroundTruth(fixture('small-gt-no-headboxes.mat')))
    expect(message).toContain('small-gt-no-headboxes.mat')
    expect(message).toContain('no head boxes (headboxes_src)')
  })

  it('refuses a person with annotated joints and a degenerate head box', async () => {
    const broken = await loadGroundTruth(fixture('small-gt.mat'))
    broken.headBoxes.set([5, 5, 5, 5], 4)
    const message = await badInputMessage(async () => scorePredictions(broken, reference))
    expect(message).toContain('small-gt.mat: person 1 has annotated joints but no usable head box (5, 5, 5, 5)')
  })
})

describe('predictions in every accepted layout score the same', () => {
  const expected = () => scorePredictions(gt, reference)

  it('2 x 16 x N in a compressed MAT v5 file, chosen by the ground truth count', async () => {
    const set = await loadPredictions(fixture('small-preds-2x16xN.mat'), { expectedCount: 3 })
    expect(set.coords).toEqual(reference.coords)
    expect(scorePredictions(gt, set)).toEqual(expected())
  })

  it('N x 16 x 3 in HDF5, the third value read as the confidence', async () => {
    const set = await loadPredictions(fixture('small-preds.h5'), { expectedCount: 3 })
    expect(set.coords).toEqual(reference.coords)
    expect(set.confidence![0]).toBeCloseTo(0.1, 12)
    expect(set.confidence![47]).toBeCloseTo(0.9, 12)
  })

  it('a MATLAB N x 16 x 2 saved as v7.3 (2 x 16 x N in HDF5)', async () => {
    const set = await loadPredictions(fixture('small-preds-v73.mat'), { expectedCount: 3 })
    expect(set.coords).toEqual(reference.coords)
  })

  it('JSON, as a bare nested array or under "preds", with or without confidence', async () => {
    const bare = await loadPredictions(write('bare.json', JSON.stringify(nested(reference))))
    expect(bare.coords).toEqual(reference.coords)
    const withConfidence = nested(reference).map((p) => p.map(([x, y]) => [x, y, 0.5]))
    const wrapped = await loadPredictions(write('wrapped.json', JSON.stringify({ preds: withConfidence })))
    expect(wrapped.coords).toEqual(reference.coords)
    expect(wrapped.confidence).toEqual(new Float64Array(48).fill(0.5))
  })

  it('CSV with x0…y15, quoted extra columns, CRLF, and rows in any order with a person column', async () => {
    const plain = await loadPredictions(write('plain.csv', csvOf(reference)))
    expect(plain.coords).toEqual(reference.coords)
    const shuffled = await loadPredictions(write('shuffled.csv', csvOf(reference, { withPerson: true, reverse: true })))
    expect(shuffled.coords).toEqual(reference.coords)
  })

  it('adds an offset for 0-based predictions', async () => {
    const shifted = await loadPredictions(fixture('small-preds.mat'), { offset: 1 })
    expect(shifted.coords[0]).toBe(reference.coords[0] + 1)
  })
})

describe('bad predictions get one clear error naming the file and the problem', () => {
  it('a wrong shape', async () => {
    const message = await badInputMessage(() => loadPredictions(fixture('bad-shape.mat'), { expectedCount: 3 }))
    expect(message).toMatch(/bad-shape\.mat \(preds\): predictions are 3 x 16 x 4; expected N x 16 x 2/)
    expect(message).toContain('N = 3')
  })

  it('NaN, with the person and joint', async () => {
    const set = await loadPredictions(fixture('bad-nan.mat'), { expectedCount: 3 })
    const message = await badInputMessage(async () => scorePredictions(gt, set))
    expect(message).toContain('bad-nan.mat (preds): person 1, joint 4 (lkne): y is NaN, not a finite number')
  })

  it('missing people', async () => {
    const set = await loadPredictions(fixture('bad-missing-people.mat'), { expectedCount: 3 })
    const message = await badInputMessage(async () => scorePredictions(gt, set))
    expect(message).toContain('bad-missing-people.mat (preds): predictions for 2 people, but the ground truth')
    expect(message).toContain('1 people are missing')
  })

  it('no preds variable', async () => {
    const message = await badInputMessage(() => loadPredictions(fixture('bad-no-preds.mat')))
    expect(message).toContain('bad-no-preds.mat: has no preds or pos_pred_src')
  })

  it('JSON with NaN, a null, or a person of 15 joints', async () => {
    const withNaN = JSON.stringify(nested(reference)).replace(/^\[\[\[[\d.]+/, '[[[NaN')
    expect(await badInputMessage(() => loadPredictions(write('nan.json', withNaN)))).toMatch(/nan\.json: not valid JSON.*contains NaN/)
    const people = nested(reference) as (number | null)[][][]
    people[2][3][1] = null
    expect(await badInputMessage(() => loadPredictions(write('null.json', JSON.stringify(people))))).toContain(
      'null.json: person 2, joint 3: y is null, not a number'
    )
    const short = nested(reference)
    short[1].pop()
    expect(await badInputMessage(() => loadPredictions(write('short.json', JSON.stringify(short))))).toContain(
      'short.json: person 1: expected a list of 16 joints'
    )
  })

  it('CSV with a missing column, an empty cell, missing people or a person twice', async () => {
    const noColumn = csvOf(reference).replace(',y7,', ',why7,')
    expect(await badInputMessage(() => loadPredictions(write('nocol.csv', noColumn)))).toContain('nocol.csv: the header has no column y7')
    const empty = csvOf(reference).split('\r\n')
    empty[2] = empty[2].replace(/,[^,]*$/, ',')
    expect(await badInputMessage(() => loadPredictions(write('empty.csv', empty.join('\n'))))).toContain(
      'empty.csv, line 3: y15 is "", not a finite number'
    )
    const twoRows = csvOf(reference).split('\r\n').slice(0, 3).join('\n')
    const set = await loadPredictions(write('two.csv', twoRows))
    expect(await badInputMessage(async () => scorePredictions(gt, set))).toContain('1 people are missing')
    const twice = csvOf(reference, { withPerson: true }).replace(/\n2,/, '\n1,')
    expect(await badInputMessage(() => loadPredictions(write('twice.csv', twice)))).toContain('twice.csv, line 4: person 1 appears twice')
  })

  it('an unknown extension or a file that is not there', async () => {
    expect(await badInputMessage(() => loadPredictions(write('preds.txt', '')))).toContain("unknown predictions format '.txt'")
    expect(await badInputMessage(() => loadPredictions(join(dir, 'absent.mat')))).toContain('absent.mat: cannot read')
  })
})
