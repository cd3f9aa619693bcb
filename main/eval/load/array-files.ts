// Named numeric arrays from a MAT v5 file or an HDF5 file (which includes MAT v7.3), whichever the bytes
// say the file is. HDF5 arrays are row-major with their dims in C order; a MAT v7.3 array therefore reads
// with MATLAB's dims reversed, and its data are in MATLAB's column-major order.
import { openSync, readSync, closeSync } from 'node:fs'
import { badInput } from '../../errors'
import { hdf5Call, loadH5wasm } from '../../dataset/formats/h5'
import { numericArray, readMatFile } from '../../dataset/formats/mat5'
import type { NumericArray } from './arrays'

export interface ReadArraysOptions {
  /** Succeed when at least one of the names is present (default: all must be). */
  anyOf?: boolean
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]

/** Reads the named arrays that exist; a missing one is an error naming the file, unless anyOf. */
export async function readArrayFile(file: string, names: string[], options: ReadArraysOptions = {}): Promise<Map<string, NumericArray>> {
  const found = isHdf5(file) ? await readHdf5Arrays(file, names) : readMatArrays(file, names)
  const missing = names.filter((n) => !found.has(n))
  if (options.anyOf ? found.size === 0 : missing.length) {
    throw badInput(`${file}: has no ${options.anyOf ? names.join(' or ') : missing.join(', ')}`, 'file')
  }
  return found
}

function readMatArrays(file: string, names: string[]): Map<string, NumericArray> {
  const mat = readMatFile(file, { only: names })
  const found = new Map<string, NumericArray>()
  for (const name of names) {
    if (!mat.variables.has(name)) continue
    const { dims, data } = numericArray(mat, name)
    found.set(name, { dims, data, order: 'column' })
  }
  return found
}

async function readHdf5Arrays(file: string, names: string[]): Promise<Map<string, NumericArray>> {
  const h5wasm = await loadH5wasm()
  const h5 = hdf5Call(file, 'open', () => new h5wasm.File(file, 'r'))
  if (h5.file_id < 0n) throw badInput(`${file}: not a readable HDF5 file`, 'file')
  try {
    const found = new Map<string, NumericArray>()
    const keys = new Set(hdf5Call(file, 'list datasets', () => h5.keys()))
    for (const name of names) {
      if (!keys.has(name)) continue
      const entity = hdf5Call(file, `open ${name}`, () => h5.get(name))
      if (!(entity instanceof h5wasm.Dataset)) throw badInput(`${file}: '${name}' is not a dataset`, 'file')
      const dataset = entity
      // HDF5 type classes 0 (integer) and 1 (float) are numbers.
      if (dataset.metadata.type !== 0 && dataset.metadata.type !== 1) {
        throw badInput(`${file}: ${name} must be numeric, found ${dataset.dtype}`, 'file')
      }
      const value = hdf5Call(file, `read ${name}`, () => dataset.value)
      if (value === null || typeof value !== 'object' || !('length' in value)) throw badInput(`${file}: ${name} could not be read`, 'file')
      const data = value instanceof Float64Array ? value : Float64Array.from(value as ArrayLike<number | bigint>, Number)
      found.set(name, { dims: dataset.metadata.shape ?? [], data, order: 'row' })
    }
    return found
  } finally {
    hdf5Call(file, 'close', () => h5.close())
  }
}

/** HDF5's signature sits at offset 0, 512, 1024, … (MAT v7.3 puts a 512-byte header before it). */
function isHdf5(file: string): boolean {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch (error) {
    throw badInput(`${file}: cannot read: ${(error as Error).message}`, 'file')
  }
  try {
    const bytes = Buffer.alloc(8)
    for (let offset = 0; offset <= 2048; offset = offset ? offset * 2 : 512) {
      if (readSync(fd, bytes, 0, 8, offset) < 8) return false
      if (HDF5_SIGNATURE.every((b, i) => bytes[i] === b)) return true
    }
    return false
  } finally {
    closeSync(fd)
  }
}
