// The pose-hg-train HDF5 annotation layout (anewell/pose-hg-train `annot/{train,valid,test}.h5`, also
// shipped by bearpaw/PyraNet and the seed as `val.h5`), read and written with h5wasm. One row per person:
//
//   imgname    (N)        fixed-length byte strings, e.g. "005808361.jpg"
//   center     (N, 2)     person centre, ALREADY ADJUSTED: y = objpos_y + 15 * scale_raw
//   scale      (N)        ALREADY ADJUSTED: 1.25 * scale_raw (scale_raw = person height / 200 px)
//   part       (N, 16, 2) joints, MPII 1-based pixels, integer-truncated; (0, 0) = not annotated
//   visible    (N, 16)    MPII is_visible: 1 visible, 0 occluded or not annotated
//   normalize  (N)        0.6 x head-box diagonal (the PCKh head size)
//   index      (N)        0-based image index into the official annolist
//   person     (N)        0-based person index (annorect) in that image
//   torsoangle (N)        not used by the workbench; kept when present
//
// This module only moves arrays in and out of files: the centre/scale adjustment and the meaning of
// (0, 0) are applied by the importer and exporter (see ../conventions.ts). Use:
//   const h5 = await readPoseH5('val.h5')         // PoseH5: row-major typed arrays + names
//   await writePoseH5('out.h5', h5)
//
// h5wasm does not throw when HDF5 fails: the C library prints an error stack on stderr and returns a
// negative id. Every call here therefore runs inside `hdf5Call`, which captures that stack and turns it
// into one badInput error naming the file and the innermost HDF5 message ("truncated file: eof = …").
import fs from 'node:fs'
import type { Dataset, File as H5File } from 'h5wasm'
import { badInput } from '../../errors'

export interface PoseH5 {
  /** Number of people (rows). */
  count: number
  imgname: string[]
  /** (N, 2) row-major. */
  center: Float64Array
  scale: Float64Array
  /** (N, 16, 2) row-major; absent in a test file. */
  part?: Float64Array
  /** (N, 16). */
  visible?: Float64Array
  normalize?: Float64Array
  index?: Float64Array
  person?: Float64Array
  torsoangle?: Float64Array
}

export const POSE_H5_JOINTS = 16

type H5Module = typeof import('h5wasm')
let loading: Promise<H5Module> | null = null
/** Set once loaded: the classes, for instanceof checks in synchronous helpers. */
let h5Classes: H5Module | null = null

/**
 * Loads h5wasm once. In Electron `navigator` exists and fools Emscripten's environment detection, so it
 * is hidden while the module initialises (h5wasm README, "Using in Electron app").
 */
export function loadH5wasm(): Promise<H5Module> {
  loading ??= (async () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'navigator')
    if (descriptor?.configurable) Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true })
    try {
      const h5wasm = (await import('h5wasm/node')) as H5Module
      await h5wasm.ready
      h5Classes = h5wasm
      return h5wasm
    } finally {
      if (descriptor?.configurable) Object.defineProperty(globalThis, 'navigator', descriptor)
    }
  })()
  return loading
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

/** Reads a pose-hg-train annotation file. */
export async function readPoseH5(file: string): Promise<PoseH5> {
  checkSignature(file)
  const h5wasm = await loadH5wasm()
  const h5 = hdf5Call(file, 'open', () => new h5wasm.File(file, 'r'))
  if (h5.file_id < 0n) throw badInput(`${file}: not a readable HDF5 file`, 'file')
  try {
    const keys = new Set(hdf5Call(file, 'list datasets', () => h5.keys()))
    for (const required of ['imgname', 'center', 'scale']) {
      if (!keys.has(required)) {
        throw badInput(`${file}: no '${required}' dataset: not a pose-hg-train annotation file (it has ${[...keys].join(', ') || 'nothing'})`, required)
      }
    }
    const imgname = readNames(h5, file)
    const count = imgname.length
    const numbers = (name: string, trailing: number[]): Float64Array | undefined =>
      keys.has(name) ? readNumbers(h5, file, name, [count, ...trailing]) : undefined
    const result: PoseH5 = {
      count,
      imgname,
      center: numbers('center', [2])!,
      scale: numbers('scale', [])!,
      part: numbers('part', [POSE_H5_JOINTS, 2]),
      visible: numbers('visible', [POSE_H5_JOINTS]),
      normalize: numbers('normalize', []),
      index: numbers('index', []),
      person: numbers('person', []),
      torsoangle: numbers('torsoangle', [])
    }
    return result
  } finally {
    hdf5Call(file, 'close', () => h5.close())
  }
}

/** Writes the layout (doubles, fixed-length names), replacing `file`. */
export async function writePoseH5(file: string, data: PoseH5): Promise<void> {
  const h5wasm = await loadH5wasm()
  const width = Math.max(1, ...data.imgname.map((n) => Buffer.byteLength(n)))
  const h5 = hdf5Call(file, 'create', () => new h5wasm.File(file, 'w'))
  if (h5.file_id < 0n) throw badInput(`${file}: cannot create the HDF5 file`, 'file')
  try {
    const put = (name: string, values: Float64Array | undefined, trailing: number[]) => {
      if (!values) return
      const shape = [data.count, ...trailing]
      if (values.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`writePoseH5: ${name} has ${values.length} values for shape ${shape.join('x')}`)
      hdf5Call(file, `write ${name}`, () => h5.create_dataset({ name, data: values, shape, dtype: '<d' }))
    }
    hdf5Call(file, 'write imgname', () => h5.create_dataset({ name: 'imgname', data: data.imgname, shape: [data.count], dtype: `S${width}` }))
    put('center', data.center, [2])
    put('scale', data.scale, [])
    put('part', data.part, [POSE_H5_JOINTS, 2])
    put('visible', data.visible, [POSE_H5_JOINTS])
    put('normalize', data.normalize, [])
    put('index', data.index, [])
    put('person', data.person, [])
    put('torsoangle', data.torsoangle, [])
  } finally {
    hdf5Call(file, 'close', () => h5.close())
  }
}

function checkSignature(file: string): void {
  let head: Buffer
  try {
    const fd = fs.openSync(file, 'r')
    try {
      head = Buffer.alloc(8)
      fs.readSync(fd, head, 0, 8, 0)
    } finally {
      fs.closeSync(fd)
    }
  } catch (error) {
    throw badInput(`${file}: cannot read: ${(error as Error).message}`, 'file')
  }
  if (!HDF5_SIGNATURE.every((b, i) => head[i] === b)) {
    throw badInput(`${file}: not an HDF5 file (no HDF5 signature at byte 0)`, 'file')
  }
}

function readNames(h5: H5File, file: string): string[] {
  const dataset = getDataset(h5, file, 'imgname')
  const meta = dataset.metadata
  if (meta.type !== 3 || meta.shape?.length !== 1) {
    throw badInput(`${file}: imgname must be a 1-d array of strings, found ${describeDataset(dataset)}`, 'imgname')
  }
  const value = hdf5Call(file, 'read imgname', () => dataset.value)
  if (!Array.isArray(value)) throw badInput(`${file}: imgname could not be read as strings`, 'imgname')
  return value.map((name) => String(name).replace(/\0+$/, ''))
}

function readNumbers(h5: H5File, file: string, name: string, shape: number[]): Float64Array {
  const dataset = getDataset(h5, file, name)
  const meta = dataset.metadata
  // HDF5 type classes 0 (integer) and 1 (float) are numbers; strings, compounds and the rest are not.
  if (meta.type !== 0 && meta.type !== 1) {
    throw badInput(`${file}: ${name} must be numeric, found ${describeDataset(dataset)}`, name)
  }
  const actual = meta.shape ?? []
  const matches = actual.length === shape.length && actual.every((d, i) => d === shape[i])
  if (!matches) {
    throw badInput(`${file}: ${name} has shape (${actual.join(', ')}), expected (${shape.join(', ')}) for ${shape[0]} people`, name)
  }
  const value = hdf5Call(file, `read ${name}`, () => dataset.value)
  if (value === null || typeof value !== 'object' || !('length' in value)) throw badInput(`${file}: ${name} could not be read`, name)
  const out = Float64Array.from(value as ArrayLike<number | bigint>, Number)
  for (let i = 0; i < out.length; i++) {
    if (Number.isNaN(out[i])) throw badInput(`${file}: ${name} holds NaN at element ${i}`, name)
  }
  return out
}

function getDataset(h5: H5File, file: string, name: string): Dataset {
  const entity = hdf5Call(file, `open ${name}`, () => h5.get(name))
  if (!(entity instanceof h5Classes!.Dataset)) throw badInput(`${file}: '${name}' is not a dataset`, name)
  return entity
}

function describeDataset(dataset: Dataset): string {
  return `${dataset.dtype} with shape (${(dataset.shape ?? []).join(', ')})`
}

/**
 * Runs one h5wasm call with HDF5's stderr diagnostics captured. If HDF5 reported an error (or the call
 * threw), raises badInput with the innermost message of the stack, which is the specific one.
 */
export function hdf5Call<T>(file: string, what: string, call: () => T): T {
  const captured: string[] = []
  const original = fs.writeSync
  const writable = fs as { writeSync: typeof fs.writeSync }
  writable.writeSync = ((fd: number, buffer: string | NodeJS.ArrayBufferView, ...rest: unknown[]) => {
    if (fd !== 2) return (original as (...args: unknown[]) => number)(fd, buffer, ...rest)
    if (typeof buffer === 'string') {
      captured.push(buffer)
      return Buffer.byteLength(buffer)
    }
    const [offset = 0, length = buffer.byteLength - (offset as number)] = rest as [number?, number?]
    captured.push(Buffer.from(buffer.buffer, buffer.byteOffset + offset, length).toString('utf8'))
    return length
  }) as typeof fs.writeSync
  let result: T
  try {
    result = call()
  } catch (error) {
    throw badInput(`${file}: HDF5 error while trying to ${what}: ${innermost(captured) ?? (error as Error).message}`, 'file')
  } finally {
    writable.writeSync = original
  }
  const problem = innermost(captured)
  if (problem) throw badInput(`${file}: HDF5 error while trying to ${what}: ${problem}`, 'file')
  return result
}

function innermost(captured: string[]): string | null {
  const text = captured.join('')
  if (!text.includes('HDF5')) return null
  const lines = [...text.matchAll(/#\d+: .*? in [\w.]+\(\): (.*)$/gm)].map((m) => m[1].trim())
  return lines.at(-1) ?? text.trim().split('\n')[0]
}
