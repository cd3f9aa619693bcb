import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe as group, expect, it } from 'vitest'
import { WorkbenchError } from '../../errors'
import {
  at,
  cellElements,
  charRows,
  describe,
  field,
  numericArray,
  readMat,
  readMatFile,
  structAt,
  structElements,
  toFloat64,
  toNumber,
  toText,
  type MatFile,
  type MatValue
} from './mat5'

const FIXTURES = join(process.cwd(), 'main/dataset/fixtures')
const REAL = join(process.cwd(), '../shared/data/mpii')

interface NumericExpectation {
  dims: number[]
  data?: number[]
  bigint?: string[]
  real?: number[]
  imag?: number[]
}
const expected = JSON.parse(readFileSync(join(FIXTURES, 'mat5-expected.json'), 'utf8')) as Record<string, NumericExpectation> & {
  txt: string
  utxt: string
  rows: string[]
}
const real = JSON.parse(readFileSync(join(FIXTURES, 'expected-real.json'), 'utf8'))

function thrown(fn: () => unknown): WorkbenchError {
  try {
    fn()
  } catch (error) {
    if (error instanceof WorkbenchError) return error
    throw error
  }
  throw new Error('expected an error')
}

for (const variant of ['compressed', 'plain']) {
  group(`MAT v5 fixture (${variant})`, () => {
    const mat = readMatFile(join(FIXTURES, `mat5-${variant}.mat`))

    it('reads every numeric class with its values, in column-major order', () => {
      const classes: Record<string, string> = {
        d: 'double',
        single: 'single',
        i8: 'int8',
        u8: 'uint8',
        i16: 'int16',
        u16: 'uint16',
        i32: 'int32',
        u32: 'uint32',
        i64: 'int64',
        u64: 'uint64',
        flags: 'logical',
        arr3: 'double'
      }
      for (const [name, cls] of Object.entries(classes)) {
        const value = mat.get(name)
        expect(value.kind, name).toBe('numeric')
        if (value.kind !== 'numeric') continue
        expect(value.class, name).toBe(cls)
        expect(value.dims, name).toEqual(expected[name].dims)
        if (expected[name].bigint) expect([...value.data].map(String), name).toEqual(expected[name].bigint)
        else expect([...value.data].map(Number), name).toEqual(expected[name].data)
      }
    })

    it('indexes a 3-d array column-major', () => {
      const { dims, data } = numericArray(mat, 'arr3')
      expect(dims).toEqual([2, 3, 4])
      // numpy arange(24).reshape(2,3,4)[i,j,k] = 12i + 4j + k
      for (const [i, j, k] of [
        [0, 0, 0],
        [1, 2, 3],
        [1, 0, 2],
        [0, 2, 1]
      ]) {
        expect(data[at(dims, [i, j, k])]).toBe(12 * i + 4 * j + k)
      }
    })

    it('keeps the imaginary part of complex arrays', () => {
      const value = mat.get('cplx')
      if (value.kind !== 'numeric') throw new Error('not numeric')
      expect([...value.data]).toEqual(expected.cplx.real)
      expect([...(value.imag ?? [])]).toEqual(expected.cplx.imag)
    })

    it('reads char arrays: ASCII, non-Latin text and char matrices', () => {
      expect(toText(mat.get('txt'))).toBe(expected.txt)
      expect(toText(mat.get('utxt'))).toBe(expected.utxt)
      const rows = mat.get('rows')
      if (rows.kind !== 'char') throw new Error('not char')
      expect(rows.dims).toEqual([2, 3])
      expect(charRows(rows)).toEqual(expected.rows)
    })

    it('reads empty arrays with their dims', () => {
      expect(mat.get('empty').dims).toEqual([0, 0])
      expect(mat.get('empty3').dims).toEqual([2, 0, 3])
      expect(toNumber(mat.get('empty'))).toBeUndefined()
    })

    it('reads cells, nested cells and empty cell elements', () => {
      const cells = cellElements(mat.get('cell'))
      expect(cells.map(describe)).toEqual(['a 1x1 double array', 'a 1x3 char array', 'a 0x0 double array'])
      expect(toNumber(cells[0])).toBe(7)
      expect(toText(cells[1])).toBe('two')
      const nested = cellElements(mat.get('nested'))
      expect(mat.get('nested').dims).toEqual([2, 1])
      expect(cellElements(nested[0]).length).toBe(3)
      expect([...toFloat64(nested[1]).data]).toEqual([0, 1, 2])
    })

    it('reads a 1x1 struct as a struct and struct arrays element by element', () => {
      const one = structAt(mat.get('one'))
      expect(toNumber(field(one, 'x'))).toBe(1)
      expect(toText(field(one, 'name'))).toBe('why')
      expect(toNumber(field(structAt(field(one, 'inner')), 'deep'))).toBe(42)
      expect(field(one, 'absent')).toBeUndefined()

      const people = structElements(mat.get('people'))
      expect(people.length).toBe(3)
      expect(toNumber(people[0].a)).toBe(1)
      expect([...toFloat64(people[1].a).data]).toEqual([2, 3])
      expect(toNumber(people[2].a)).toBeUndefined()
      expect(toText(people[0].b)).toBe('first')
      expect(toText(people[1].b)).toBe('')
      expect(toNumber(people[1].c)).toBe(9)
      expect(toText(people[2].c)).toBe('x')
      expect(() => toNumber(people[2].c, 'people(3).c')).toThrow(/people\(3\)\.c: expected a number, found the text "x"/)
    })

    it('reads only the requested variables when asked', () => {
      const only = readMatFile(join(FIXTURES, `mat5-${variant}.mat`), { only: ['txt', 'people'] })
      expect([...only.variables.keys()].sort()).toEqual(['people', 'txt'])
      expect(() => only.get('d')).toThrow(/no variable 'd'/)
    })
  })
}

group('MAT v5 on the real MPII files', () => {
  it('reads detections_our_format.mat like scipy', () => {
    const mat = readMatFile(join(REAL, 'detections_our_format.mat'))
    const exp = real.detections_our_format
    const gt = numericArray(mat, 'pos_gt_src')
    expect(gt.dims).toEqual(exp.pos_gt_src.dims)
    expect(sum(gt.data)).toBeCloseTo(exp.pos_gt_src.sum, 3)
    for (const [n, joints] of Object.entries(exp.pos_gt_src.samples as Record<string, number[][]>)) {
      for (let j = 0; j < 16; j++) {
        expect(gt.data[at(gt.dims, [j, 0, Number(n)])]).toBe(joints[j][0])
        expect(gt.data[at(gt.dims, [j, 1, Number(n)])]).toBe(joints[j][1])
      }
    }
    const hb = numericArray(mat, 'headboxes_src')
    expect(hb.dims).toEqual(exp.headboxes_src.dims)
    expect(sum(hb.data)).toBeCloseTo(exp.headboxes_src.sum, 3)
    for (const [n, box] of Object.entries(exp.headboxes_src.samples as Record<string, number[][]>)) {
      for (let r = 0; r < 2; r++) for (let c = 0; c < 2; c++) expect(hb.data[at(hb.dims, [r, c, Number(n)])]).toBe(box[r][c])
    }
    const missing = numericArray(mat, 'jnt_missing')
    expect(missing.dims).toEqual(exp.jnt_missing.dims)
    const perJoint = Array.from({ length: 16 }, (_, j) => {
      let s = 0
      for (let n = 0; n < missing.dims[1]; n++) s += missing.data[at(missing.dims, [j, n])]
      return s
    })
    expect(perJoint).toEqual(exp.jnt_missing.per_joint)
    expect(sum(numericArray(mat, 'pos_pred_src').data)).toBeCloseTo(exp.pos_pred_src.sum, 3)
    expect(cellElements(mat.get('dataset_joints')).map((c) => toText(c))).toEqual(exp.dataset_joints)
  })

  it('reads bearpaw-hg_s2_b1.mat (preds Nx16x2 single) like scipy', () => {
    const mat = readMatFile(join(REAL, 'bearpaw-hg_s2_b1.mat'))
    const value = mat.get('preds')
    expect(value.kind === 'numeric' && value.class).toBe('single')
    const preds = toFloat64(value)
    expect(preds.dims).toEqual(real.bearpaw.dims)
    expect(sum(preds.data)).toBeCloseTo(real.bearpaw.sum, 3)
    for (const [n, joints] of Object.entries(real.bearpaw.samples as Record<string, number[][]>)) {
      for (let j = 0; j < 16; j++) {
        expect(preds.data[at(preds.dims, [Number(n), j, 0])]).toBe(joints[j][0])
        expect(preds.data[at(preds.dims, [Number(n), j, 1])]).toBe(joints[j][1])
      }
    }
  })

  it('reads the struct layout of detections.mat (empty is_visible, logical flags, 1x1 structs)', () => {
    const mat = readMatFile(join(REAL, 'detections.mat'))
    const annolist = structElements(mat.get('annolist'))
    expect(annolist.length).toBe(real.detections.count)
    const imgIndex = toFloat64(mat.get('RELEASE_img_index'))
    expect(sum(imgIndex.data)).toBe(real.detections.img_index_sum)
    for (const [n, person] of Object.entries(real.detections.people as Record<string, DetectionPerson>)) {
      const rect = structAt(annolist[Number(n)].annorect)
      expect(['x1', 'y1', 'x2', 'y2'].map((k) => toNumber(rect[k]))).toEqual(person.head)
      expect(toNumber(rect.scale)).toBe(person.scale)
      const objpos = structAt(rect.objpos)
      expect([toNumber(objpos.x), toNumber(objpos.y)]).toEqual(person.objpos)
      const points = structElements(field(structAt(rect.annopoints), 'point'))
      const joints = Object.fromEntries(points.map((p) => [String(toNumber(p.id)), [toNumber(p.x), toNumber(p.y), toNumber(p.is_visible) ?? null]]))
      expect(joints).toEqual(person.joints)
      expect(toNumber(cellOrNumber(mat.get('RELEASE_person_index'), Number(n)))).toBe(person.person_index)
    }
  })
})

group('MAT v5 errors', () => {
  const good = readFileSync(join(FIXTURES, 'mat5-plain.mat'))
  const compressed = readFileSync(join(FIXTURES, 'mat5-compressed.mat'))

  it('refuses a file that is not a MAT v5 file', () => {
    expect(thrown(() => readMat(Buffer.from('hello'), 'x.mat')).message).toMatch(/x\.mat: not a MAT-file/)
    const fake = Buffer.alloc(200)
    fake.write('MATLAB 7.3 MAT-file, Platform: GLNXA64')
    expect(thrown(() => readMat(fake, 'v73.mat')).message).toMatch(/v73\.mat: a MAT v7\.3 file is HDF5/)
    const text = Buffer.alloc(200, 0x20)
    expect(thrown(() => readMat(text, 'blank.mat')).message).toMatch(/blank\.mat: not a MAT v5 file/)
  })

  it('names the file, the variable path and the byte offset on truncation', () => {
    // (A cut exactly between two variables leaves a valid, shorter file: MAT v5 has no variable count.)
    for (const cut of [200, 705, good.length - 40]) {
      const error = thrown(() => readMat(good.subarray(0, cut), 'cut.mat'))
      expect(error.code).toBe('bad_input')
      expect(error.message).toMatch(/^cut\.mat: .+ at byte \d+/)
      expect(error.message).toMatch(/truncated/)
    }
    const error = thrown(() => readMat(compressed.subarray(0, compressed.length - 30), 'cut.mat'))
    expect(error.message).toMatch(/^cut\.mat: variable 'people': element of \d+ bytes runs past the end of the file \(\d+ bytes\): truncated at byte \d+$/)
  })

  it('names the struct field at fault when bytes inside it are corrupt', () => {
    // Make the dims of people(2).a claim far more values than are stored.
    const mat = readMat(good, 'good.mat')
    expect(structElements(mat.get('people')).length).toBe(3)
    const damaged = Buffer.from(good)
    const marker = findPeopleSecondA(damaged)
    damaged.writeInt32LE(1000, marker)
    const error = thrown(() => readMat(damaged, 'bad.mat'))
    expect(error.message).toBe(
      `bad.mat: people(2).a: numeric data holds 2 values but the dimensions need 1000 at byte ${error.details && (error.details as { offset: number }).offset}`
    )
    expect(error.field).toBe('people(2).a')
  })

  it('detects flipped bytes in a compressed element', () => {
    const damaged = Buffer.from(compressed)
    for (let i = 400; i < 420; i++) damaged[i] ^= 0xff
    const error = thrown(() => readMat(damaged, 'flipped.mat'))
    expect(error.message).toMatch(/^flipped\.mat: /)
    expect(error.details).toMatchObject({ file: 'flipped.mat' })
  })

  it('says what a navigation helper expected and found', () => {
    const mat = readMat(good, 'good.mat')
    expect(() => structAt(mat.get('txt'), 0, 'good.mat: txt')).toThrow('good.mat: txt: expected a struct, found a 1x5 char array')
    expect(() => toFloat64(mat.get('people'), 'good.mat: people')).toThrow('good.mat: people: expected a numeric array, found a 1x3 struct array')
    expect(() => structAt(mat.get('people'), 5, 'p')).toThrow('p: struct array has 3 elements, no element 6')
  })
})

interface DetectionPerson {
  head: number[]
  scale: number
  objpos: number[]
  joints: Record<string, [number, number, number | null]>
  person_index: number
}

function sum(data: Float64Array): number {
  let s = 0
  for (const v of data) s += v
  return s
}

function cellOrNumber(value: MatValue, n: number): MatValue {
  const { data } = toFloat64(value)
  return { kind: 'numeric', class: 'double', dims: [1, 1], data: new Float64Array([data[n]]) }
}

/**
 * Offset of the first dimension of people(2).a in the uncompressed fixture: the second occurrence of
 * a 1x2 double array whose data are [2, 3]. Found by scanning for the array's dims subelement.
 */
function findPeopleSecondA(bytes: Buffer): number {
  const mat: MatFile = readMat(bytes, 'scan')
  expect(toFloat64(structElements(mat.get('people'))[1].a).data).toEqual(new Float64Array([2, 3]))
  for (let i = 0; i + 40 < bytes.length; i += 8) {
    // dims subelement: miINT32 (5), 8 bytes, 1, 2 — followed by an empty name and 16 bytes of doubles 2, 3.
    if (bytes.readUInt32LE(i) === 5 && bytes.readUInt32LE(i + 4) === 8 && bytes.readInt32LE(i + 8) === 1 && bytes.readInt32LE(i + 12) === 2) {
      const dataTag = i + 16 + 8
      if (bytes.readUInt32LE(dataTag) === 9 && bytes.readDoubleLE(dataTag + 8) === 2 && bytes.readDoubleLE(dataTag + 16) === 3) return i + 12
    }
  }
  throw new Error('people(2).a not found in the fixture')
}
