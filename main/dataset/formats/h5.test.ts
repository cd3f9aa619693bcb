import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadH5wasm, readPoseH5, writePoseH5, type PoseH5 } from './h5'

const VAL = join(process.cwd(), '../shared/data/mpii/val.h5')
const real = JSON.parse(readFileSync(join(process.cwd(), 'main/dataset/fixtures/expected-real.json'), 'utf8')).val_h5

interface Sample {
  imgname: string
  center: number[]
  scale: number
  part: number[][]
  visible: number[]
  normalize: number
  index: number
  person: number
}

let dir: string
let val: PoseH5

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'h5-test-'))
  val = await readPoseH5(VAL)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const total = (a: Float64Array | undefined) => (a ?? new Float64Array()).reduce((s, v) => s + v, 0)

describe('pose-hg-train HDF5', () => {
  it('reads val.h5 like h5py', () => {
    expect(val.count).toBe(real.count)
    expect(new Set(val.imgname).size).toBe(real.images)
    expect(total(val.part)).toBeCloseTo(real.part_sum, 6)
    expect(total(val.center)).toBeCloseTo(real.center_sum, 6)
    expect(total(val.scale)).toBeCloseTo(real.scale_sum, 6)
    expect(total(val.normalize)).toBeCloseTo(real.normalize_sum, 6)
    for (const [key, sample] of Object.entries(real.samples as Record<string, Sample>)) {
      const n = Number(key)
      expect(val.imgname[n]).toBe(sample.imgname)
      expect([val.center[2 * n], val.center[2 * n + 1]]).toEqual(sample.center)
      expect(val.scale[n]).toBe(sample.scale)
      expect(val.normalize![n]).toBe(sample.normalize)
      expect(val.index![n]).toBe(sample.index)
      expect(val.person![n]).toBe(sample.person)
      for (let j = 0; j < 16; j++) {
        expect([val.part![32 * n + 2 * j], val.part![32 * n + 2 * j + 1]]).toEqual(sample.part[j])
        expect(val.visible![16 * n + j]).toBe(sample.visible[j])
      }
    }
  })

  it('writes the layout and reads it back unchanged', async () => {
    const file = join(dir, 'roundtrip.h5')
    await writePoseH5(file, val)
    const back = await readPoseH5(file)
    expect(back.imgname).toEqual(val.imgname)
    for (const key of ['center', 'scale', 'part', 'visible', 'normalize', 'index', 'person', 'torsoangle'] as const) {
      expect(back[key], key).toEqual(val[key])
    }
  })

  it('refuses a file that is not HDF5', async () => {
    const file = join(dir, 'text.h5')
    writeFileSync(file, 'imgname,center\n')
    await expect(readPoseH5(file)).rejects.toThrow(`${file}: not an HDF5 file (no HDF5 signature at byte 0)`)
    await expect(readPoseH5(join(dir, 'absent.h5'))).rejects.toThrow(/absent\.h5: cannot read: ENOENT/)
  })

  it('names the file and what HDF5 found on a truncated copy', async () => {
    const bytes = readFileSync(VAL)
    const file = join(dir, 'cut.h5')
    writeFileSync(file, bytes.subarray(0, 500_000))
    await expect(readPoseH5(file)).rejects.toThrow(`${file}: HDF5 error while trying to open: truncated file: eof = 500000, sblock->base_addr = 0, stored_eof = ${bytes.length}`)
  })

  it('names the dataset whose header is corrupt on a copy with flipped bytes', async () => {
    const bytes = Buffer.from(readFileSync(VAL))
    for (let i = 800; i < 816; i++) bytes[i] ^= 0xff
    const file = join(dir, 'flipped.h5')
    writeFileSync(file, bytes)
    await expect(readPoseH5(file)).rejects.toThrow(`${file}: HDF5 error while trying to open imgname: bad object header version number`)
  })

  it('refuses wrong types and shapes, naming the dataset', async () => {
    const h5wasm = await loadH5wasm()
    const make = (name: string, build: (f: InstanceType<typeof h5wasm.File>) => void) => {
      const file = join(dir, name)
      const f = new h5wasm.File(file, 'w')
      f.create_dataset({ name: 'imgname', data: ['a.jpg', 'b.jpg'], shape: [2], dtype: 'S5' })
      build(f)
      f.close()
      return file
    }
    const textCentre = make('text-centre.h5', (f) => {
      f.create_dataset({ name: 'center', data: ['1', '2', '3', '4'], shape: [2, 2], dtype: 'S1' })
      f.create_dataset({ name: 'scale', data: new Float64Array([1, 2]) })
    })
    await expect(readPoseH5(textCentre)).rejects.toThrow(`${textCentre}: center must be numeric, found S1 with shape (2, 2)`)
    const badShape = make('bad-shape.h5', (f) => {
      f.create_dataset({ name: 'center', data: new Float64Array(4), shape: [2, 2] })
      f.create_dataset({ name: 'scale', data: new Float64Array([1, 2]) })
      f.create_dataset({ name: 'part', data: new Float64Array(2 * 15 * 2), shape: [2, 15, 2] })
    })
    await expect(readPoseH5(badShape)).rejects.toThrow(`${badShape}: part has shape (2, 15, 2), expected (2, 16, 2) for 2 people`)
    const noScale = make('no-scale.h5', (f) => f.create_dataset({ name: 'center', data: new Float64Array(4), shape: [2, 2] }))
    await expect(readPoseH5(noScale)).rejects.toThrow(`${noScale}: no 'scale' dataset: not a pose-hg-train annotation file (it has center, imgname)`)
  })
})
