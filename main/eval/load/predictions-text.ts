// The two text layouts for predictions, both one person per entry in ground-truth order and in the
// ground truth's coordinate convention (1-based MATLAB pixels for MPII's files).
//
// JSON: either the nested array itself or an object holding it under "preds":
//   [[[x, y], … 16 joints], … N people]            or  {"preds": [[[x, y, confidence], …], …]}
// (numpy's `preds.tolist()` written by json.dump gives exactly this). Each joint is [x, y] or
// [x, y, confidence], the same for every joint.
//
// CSV: a header row, then one row per person. Columns x0, y0, …, x15, y15 (joint id as in MPII:
// 0 r-ankle … 15 l-wrist) are required; c0 … c15 (confidence) are optional, as is `person`, the 0-based
// position of the row's person in the ground truth (when present, rows may come in any order, but
// every person must appear exactly once). Other columns (an image name, say) are ignored.
import { badInput } from '../../errors'
import { parseCsv } from '../csv-text'
import { JOINT_COUNT } from '../joints'
import type { PredictionSet } from '../types'
import { predictionsFromArray } from './arrays'

export function predictionsFromJson(text: string, source: string, expectedCount?: number): PredictionSet {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    const hint = /\bNaN\b|Infinity/.test(text) ? ' (it contains NaN or Infinity, which predictions may not)' : ''
    throw badInput(`${source}: not valid JSON: ${(error as Error).message}${hint}`, 'predictions')
  }
  const nested = Array.isArray(parsed) ? parsed : isRecord(parsed) && Array.isArray(parsed.preds) ? parsed.preds : undefined
  if (!nested) throw badInput(`${source}: expected an array of people or an object with "preds"`, 'predictions')
  if (nested.length === 0) throw badInput(`${source}: holds no people`, 'predictions')
  const width = jointWidth(nested[0], source, 0)
  const data = new Float64Array(nested.length * JOINT_COUNT * width)
  nested.forEach((person, n) => {
    if (!Array.isArray(person) || person.length !== JOINT_COUNT) {
      throw badInput(`${source}: person ${n}: expected a list of ${JOINT_COUNT} joints`, 'predictions')
    }
    person.forEach((joint: unknown, j) => {
      if (!Array.isArray(joint) || joint.length !== width) {
        throw badInput(`${source}: person ${n}, joint ${j}: expected [x, y${width === 3 ? ', confidence' : ''}] like person 0`, 'predictions')
      }
      joint.forEach((value: unknown, c) => {
        if (typeof value !== 'number') {
          throw badInput(`${source}: person ${n}, joint ${j}: ${'xyc'[c]} is ${JSON.stringify(value)}, not a number`, 'predictions')
        }
        data[(n * JOINT_COUNT + j) * width + c] = value
      })
    })
  })
  return predictionsFromArray({ dims: [nested.length, JOINT_COUNT, width], data, order: 'row' }, source, expectedCount)
}

function jointWidth(person: unknown, source: string, n: number): 2 | 3 {
  const first = Array.isArray(person) ? (person[0] as unknown) : undefined
  if (Array.isArray(first) && (first.length === 2 || first.length === 3)) return first.length as 2 | 3
  throw badInput(`${source}: person ${n}: expected ${JOINT_COUNT} joints of [x, y] or [x, y, confidence]`, 'predictions')
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

export const CSV_PREDICTION_COLUMNS = 'x0,y0,…,x15,y15 (required), c0…c15 (confidence, optional), person (optional)'

export function predictionsFromCsv(text: string, source: string): PredictionSet {
  const rows = parseCsv(text, source)
  if (rows.length < 2) throw badInput(`${source}: expected a header row and one row per person`, 'predictions')
  const header = rows[0].map((h) => h.trim())
  const column = (name: string) => header.indexOf(name)
  const xy: number[] = []
  for (let j = 0; j < JOINT_COUNT; j++) {
    for (const axis of ['x', 'y']) {
      const c = column(`${axis}${j}`)
      if (c < 0) throw badInput(`${source}: the header has no column ${axis}${j} (columns: ${CSV_PREDICTION_COLUMNS})`, 'predictions')
      xy.push(c)
    }
  }
  const conf = Array.from({ length: JOINT_COUNT }, (_, j) => column(`c${j}`))
  const withConfidence = conf.every((c) => c >= 0)
  if (!withConfidence && conf.some((c) => c >= 0)) {
    throw badInput(`${source}: some confidence columns c0…c15 are present but not all`, 'predictions')
  }
  const personColumn = column('person')
  const people = rows.length - 1
  const coords = new Float64Array(people * JOINT_COUNT * 2)
  const confidence = withConfidence ? new Float64Array(people * JOINT_COUNT) : undefined
  const seen = new Uint8Array(people)
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]
    const where = `${source}, line ${r + 1}`
    const n = personColumn < 0 ? r - 1 : personIndex(row[personColumn], where, people)
    if (seen[n]) throw badInput(`${where}: person ${n} appears twice`, 'predictions')
    seen[n] = 1
    const number = (c: number, name: string) => {
      const cell = (row[c] ?? '').trim()
      const value = cell === '' ? NaN : Number(cell)
      if (!Number.isFinite(value)) throw badInput(`${where}: ${name} is ${JSON.stringify(row[c] ?? '')}, not a finite number`, 'predictions')
      return value
    }
    for (let k = 0; k < xy.length; k++) coords[n * JOINT_COUNT * 2 + k] = number(xy[k], header[xy[k]])
    if (confidence) for (let j = 0; j < JOINT_COUNT; j++) confidence[n * JOINT_COUNT + j] = number(conf[j], `c${j}`)
  }
  return { source, count: people, coords, ...(confidence ? { confidence } : {}) }
}

function personIndex(cell: string | undefined, where: string, people: number): number {
  const n = Number((cell ?? '').trim())
  if (!Number.isInteger(n) || n < 0) throw badInput(`${where}: person is ${JSON.stringify(cell ?? '')}, not a 0-based index`, 'predictions')
  if (n >= people) {
    throw badInput(`${where}: person ${n}, but the file has only ${people} rows; some people are missing`, 'predictions')
  }
  return n
}
