// A reader for MATLAB Level 5 MAT-files (the `-v6`/`-v7` formats; MathWorks, "MAT-File Format", 2019),
// written here because the only npm reader, mat-for-js, is GPL-3.0. It covers what MPII's files use and
// a little more: zlib-compressed elements (miCOMPRESSED), numeric arrays of every class (double, single,
// int8..uint64, logical; complex kept as a separate imaginary part), char, cell and struct arrays
// (struct arrays of any size, empty fields, one-element struct arrays) in either byte order.
// Sparse, object, function-handle and opaque variables are returned as `unsupported` values rather than
// failing the whole file. MAT v7.3 files are HDF5 and are refused with a pointer to h5.ts.
//
// Use:
//   const mat = readMatFile('detections_our_format.mat')            // every variable
//   const gt = numericArray(mat, 'pos_gt_src')                       // { dims: [16, 2, 2958], data: Float64Array }
//   gt.data[at(gt.dims, [j, 0, n])]                                   // column-major index helper
//   const rect = field(structAt(mat.get('annolist'), 0), 'annorect') // navigate structs
//
// Data stay in MATLAB's column-major order: element (i, j, k) of dims (a, b, c) is at i + a*(j + b*k).
// Every malformed input becomes one badInput error naming the file, the variable (with the path inside
// it, e.g. `RELEASE.annolist(5).annorect(2)`) and the byte offset of the element at fault.
import { readFileSync } from 'node:fs'
import { constants as zlibConstants, inflateSync } from 'node:zlib'
import { badInput, WorkbenchError } from '../../errors'

export type MatNumericClass =
  | 'double'
  | 'single'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'logical'

export type MatNumericData =
  | Float64Array
  | Float32Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array

export interface MatNumeric {
  readonly kind: 'numeric'
  readonly class: MatNumericClass
  readonly dims: number[]
  /** Column-major values in the array's own class (logical as 0/1 bytes). */
  readonly data: MatNumericData
  /** The imaginary part of a complex array. */
  readonly imag?: MatNumericData
}

export interface MatChar {
  readonly kind: 'char'
  readonly dims: number[]
  /** The characters in column-major order; `charRows` gives the rows of a char matrix. */
  readonly text: string
}

export interface MatCell {
  readonly kind: 'cell'
  readonly dims: number[]
  /** Column-major. */
  readonly cells: MatValue[]
}

export interface MatStruct {
  readonly kind: 'struct'
  readonly dims: number[]
  readonly fieldNames: string[]
  /** One record per element, column-major; every record has every field name. */
  readonly elements: Record<string, MatValue>[]
}

export interface MatUnsupported {
  readonly kind: 'unsupported'
  readonly dims: number[]
  /** 'sparse', 'object', 'function', 'opaque', … */
  readonly class: string
}

export type MatValue = MatNumeric | MatChar | MatCell | MatStruct | MatUnsupported

export interface MatFile {
  /** The descriptive text of the 128-byte header ("MATLAB 5.0 MAT-file, Platform: …"). */
  readonly header: string
  readonly file: string
  readonly variables: Map<string, MatValue>
  /** The variable, or a badInput error naming the file and the variable. */
  get(name: string): MatValue
}

export interface ReadMatOptions {
  /** Read only these variables (others are skipped without decompressing them). */
  only?: string[]
}

// Data types of a data element's tag (Table 1-1 of the spec).
const MI = {
  INT8: 1,
  UINT8: 2,
  INT16: 3,
  UINT16: 4,
  INT32: 5,
  UINT32: 6,
  SINGLE: 7,
  DOUBLE: 9,
  INT64: 12,
  UINT64: 13,
  MATRIX: 14,
  COMPRESSED: 15,
  UTF8: 16,
  UTF16: 17,
  UTF32: 18
} as const

const ELEMENT_SIZE: Record<number, number> = {
  [MI.INT8]: 1,
  [MI.UINT8]: 1,
  [MI.INT16]: 2,
  [MI.UINT16]: 2,
  [MI.INT32]: 4,
  [MI.UINT32]: 4,
  [MI.SINGLE]: 4,
  [MI.DOUBLE]: 8,
  [MI.INT64]: 8,
  [MI.UINT64]: 8,
  [MI.UTF8]: 1,
  [MI.UTF16]: 2,
  [MI.UTF32]: 4
}

// Array classes of the array-flags subelement (Table 1-3).
const NUMERIC_CLASS: Record<number, MatNumericClass> = {
  6: 'double',
  7: 'single',
  8: 'int8',
  9: 'uint8',
  10: 'int16',
  11: 'uint16',
  12: 'int32',
  13: 'uint32',
  14: 'int64',
  15: 'uint64'
}
const MX_CELL = 1
const MX_STRUCT = 2
const MX_OBJECT = 3
const MX_CHAR = 4
const MX_SPARSE = 5
const UNSUPPORTED_CLASS: Record<number, string> = { [MX_OBJECT]: 'object', [MX_SPARSE]: 'sparse', 16: 'function', 17: 'opaque' }

// Most values in MPII's files are 1x1 or 0x0: their dims arrays are shared (frozen) rather than repeated.
const SMALL_DIMS: number[][] = Array.from({ length: 256 }, (_, k) => Object.freeze([Math.floor(k / 16), k % 16]) as number[])

const FLAG_COMPLEX = 0x08
const FLAG_LOGICAL = 0x02
const EMPTY = new Float64Array(0)

/** Reads a MAT v5 file from disk. */
export function readMatFile(file: string, options: ReadMatOptions = {}): MatFile {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (error) {
    throw badInput(`${file}: cannot read: ${(error as Error).message}`, 'file')
  }
  return readMat(bytes, file, options)
}

/** Parses MAT v5 bytes; `file` names the source in error messages. */
export function readMat(bytes: Uint8Array, file: string, options: ReadMatOptions = {}): MatFile {
  if (bytes.length < 128) throw badInput(`${file}: not a MAT-file: ${bytes.length} bytes, shorter than the 128-byte header`, 'file')
  const header = new TextDecoder('latin1').decode(bytes.subarray(0, 116)).replace(/[\s\0]+$/, '')
  if (header.startsWith('MATLAB 7.3 MAT-file')) {
    throw badInput(`${file}: a MAT v7.3 file is HDF5; read it with the HDF5 reader, not as MAT v5`, 'file')
  }
  const endian = String.fromCharCode(bytes[126], bytes[127])
  if (!header.startsWith('MATLAB 5.0 MAT-file') || (endian !== 'IM' && endian !== 'MI')) {
    throw badInput(`${file}: not a MAT v5 file (the header does not start with "MATLAB 5.0 MAT-file" and an IM/MI byte-order mark)`, 'file')
  }
  const littleEndian = endian === 'IM'
  const wanted = options.only ? new Set(options.only) : null
  const variables = new Map<string, MatValue>()
  let offset = 128
  let index = 0
  while (offset < bytes.length) {
    // Trailing padding (fewer bytes than a tag) is tolerated, as MATLAB and scipy do.
    if (bytes.length - offset < 8) break
    const top = new Cursor(bytes, littleEndian, file, `variable #${index + 1}`, null)
    const tag = top.tag(offset)
    const dataStart = offset + tag.headerBytes
    const end = dataStart + tag.numBytes
    if (end > bytes.length) {
      if (tag.type === MI.MATRIX) top.nameFromPartial(offset)
      if (tag.type === MI.COMPRESSED) top.nameFrom(partialInflate(bytes.subarray(dataStart)))
      top.fail(`element of ${tag.numBytes} bytes runs past the end of the file (${bytes.length} bytes): truncated`, offset)
    }
    let value: { name: string; value: MatValue } | null = null
    if (tag.type === MI.COMPRESSED) {
      const inflated = inflateElement(bytes.subarray(dataStart, end), file, index, offset, littleEndian)
      const inner = new Cursor(inflated, littleEndian, file, `variable #${index + 1}`, offset)
      value = inner.topLevelMatrix(0, wanted)
      offset = end
    } else if (tag.type === MI.MATRIX) {
      value = top.topLevelMatrix(offset, wanted)
      offset = align8(end)
    } else {
      top.fail(`unexpected top-level element type ${tag.type} (expected miMATRIX or miCOMPRESSED)`, offset)
    }
    if (value) variables.set(value.name, value.value)
    index++
  }
  return {
    header,
    file,
    variables,
    get(name: string): MatValue {
      const found = variables.get(name)
      if (!found) throw badInput(`${file}: no variable '${name}' (it has ${[...variables.keys()].join(', ') || 'none'})`, name)
      return found
    }
  }
}

function inflateElement(data: Uint8Array, file: string, index: number, offset: number, littleEndian: boolean): Uint8Array {
  try {
    return inflateSync(data)
  } catch (error) {
    const named = new Cursor(new Uint8Array(0), littleEndian, file, `variable #${index + 1}`, offset)
    named.nameFrom(partialInflate(data))
    throw badInput(
      `${file}: ${named.where}: the compressed element at byte ${offset} is corrupt or truncated (zlib: ${(error as Error).message})`,
      named.where,
      { file, offset }
    )
  }
}

function partialInflate(data: Uint8Array): Uint8Array | null {
  try {
    return inflateSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH })
  } catch {
    return null
  }
}

function align8(n: number): number {
  return (n + 7) & ~7
}

interface Tag {
  type: number
  numBytes: number
  /** 8 for a normal tag; 4 for a small data element, whose data sit in the tag's second word. */
  headerBytes: number
}

/** Walks one buffer (the file, or one inflated element) and knows how to describe where it is. */
class Cursor {
  private readonly view: DataView
  private readonly slabs = new Slabs()
  /**
   * Where inside the variable the reader is, as pairs: ('{', i) for cell element i, (i, name) for field
   * `name` of struct element i (-1 for a 1x1 struct). Kept as primitives and turned into text only for an
   * error message: MPII's release has millions of elements, and a path string each was most of the garbage.
   */
  private readonly trail: (string | number)[] = []
  /** Offset after the last nested element read. */
  private after = 0

  constructor(
    private readonly bytes: Uint8Array,
    private readonly le: boolean,
    private readonly file: string,
    private root: string,
    /** File offset of the compressed element this buffer was inflated from, or null for the file itself. */
    private readonly compressedAt: number | null
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  /** What is being read: "variable 'RELEASE'", "RELEASE.annolist(5).annorect", … */
  get where(): string {
    let path = this.root
    for (let k = 0; k < this.trail.length; k += 2) {
      const [a, b] = [this.trail[k], this.trail[k + 1]]
      path += a === '{' ? `{${Number(b) + 1}}` : a === -1 ? `.${b}` : `(${Number(a) + 1}).${b}`
    }
    return path
  }

  fail(problem: string, offset: number): never {
    const at =
      this.compressedAt === null
        ? `at byte ${offset}`
        : `at byte ${offset} of the compressed element at file byte ${this.compressedAt}`
    const where = this.where
    throw badInput(`${this.file}: ${where}: ${problem} ${at}`, where, {
      file: this.file,
      variable: where,
      offset,
      compressedAt: this.compressedAt
    })
  }

  tag(offset: number): Tag {
    if (offset + 8 > this.bytes.length) this.fail('truncated element tag', offset)
    const first = this.view.getUint32(offset, this.le)
    const small = first >>> 16
    if (small !== 0) {
      const type = first & 0xffff
      if (small > 4) this.fail(`small data element claims ${small} bytes (at most 4)`, offset)
      return { type, numBytes: small, headerBytes: 4 }
    }
    return { type: first, numBytes: this.view.getUint32(offset + 4, this.le), headerBytes: 8 }
  }

  /** Names the variable whose (truncated) miMATRIX starts at `offset`, when its header survives. */
  nameFromPartial(offset: number): void {
    try {
      const header = this.matrixHeader(offset + 8, this.bytes.length)
      if (header?.name) this.root = `variable '${header.name}'`
    } catch {
      // the header itself is cut: keep the variable's number
    }
  }

  /** Same, for the inflated start of a truncated compressed element. */
  nameFrom(inflatedStart: Uint8Array | null): void {
    if (inflatedStart && inflatedStart.length >= 8) new Cursor(inflatedStart, this.le, this.file, this.root, 0).nameFromPartialInto(this)
  }

  private nameFromPartialInto(target: Cursor): void {
    this.nameFromPartial(0)
    target.root = this.root
  }

  /** Reads a top-level miMATRIX (its tag at `offset`): its name, then its value unless filtered out. */
  topLevelMatrix(offset: number, wanted: Set<string> | null): { name: string; value: MatValue } | null {
    const tag = this.tag(offset)
    if (tag.type !== MI.MATRIX) this.fail(`expected a miMATRIX element, found type ${tag.type}`, offset)
    const start = offset + 8
    const end = start + tag.numBytes
    if (end > this.bytes.length) this.fail(`miMATRIX of ${tag.numBytes} bytes is truncated (${this.bytes.length - start} available)`, offset)
    const header = this.matrixHeader(start, end)
    if (!header) this.fail('a top-level variable is empty', offset)
    this.root = header.name || this.root
    if (wanted && !wanted.has(header.name)) return null
    return { name: header.name, value: this.matrixBody(header, end) }
  }

  /** A nested miMATRIX (a cell or field element); returns the value and leaves the offset after it in `after`. */
  private nestedMatrix(offset: number, limit: number): MatValue {
    const tag = this.tag(offset)
    if (tag.type !== MI.MATRIX) this.fail(`expected a miMATRIX element, found type ${tag.type}`, offset)
    const start = offset + tag.headerBytes
    const end = start + tag.numBytes
    if (end > limit) this.fail(`miMATRIX of ${tag.numBytes} bytes runs past its parent (${limit - start} bytes left): truncated or corrupt`, offset)
    const header = this.matrixHeader(start, end)
    // MATLAB writes an empty field or cell ([] of class double) as a miMATRIX with no subelements.
    const value: MatValue = header ? this.matrixBody(header, end) : { kind: 'numeric', class: 'double', dims: SMALL_DIMS[0], data: EMPTY }
    this.after = align8(end)
    return value
  }

  private matrixHeader(start: number, end: number): MatrixHeader | null {
    if (start === end) return null
    const flags = this.subelement(start, end, 'array flags')
    if (flags.type !== MI.UINT32 || flags.numBytes < 8) this.fail(`array flags must be 8 bytes of miUINT32, found type ${flags.type}, ${flags.numBytes} bytes`, start)
    const flagWord = this.view.getUint32(flags.dataAt, this.le)
    const classCode = flagWord & 0xff
    const flagBits = (flagWord >>> 8) & 0xff
    const dimsEl = this.subelement(flags.next, end, 'dimensions')
    if (dimsEl.type !== MI.INT32 || dimsEl.numBytes % 4 !== 0 || dimsEl.numBytes < 8) {
      this.fail(`dimensions must be at least two miINT32 values, found type ${dimsEl.type}, ${dimsEl.numBytes} bytes`, flags.next)
    }
    let dims: number[] = []
    for (let i = 0; i < dimsEl.numBytes / 4; i++) {
      const d = this.view.getInt32(dimsEl.dataAt + 4 * i, this.le)
      if (d < 0) this.fail(`negative dimension ${d}`, flags.next)
      dims.push(d)
    }
    if (dims.length === 2 && dims[0] < 16 && dims[1] < 16) dims = SMALL_DIMS[dims[0] * 16 + dims[1]]
    const nameEl = this.subelement(dimsEl.next, end, 'array name')
    if (nameEl.type !== MI.INT8 && nameEl.type !== MI.UINT8) this.fail(`array name must be miINT8, found type ${nameEl.type}`, dimsEl.next)
    const name = latin1(this.bytes, nameEl.dataAt, nameEl.dataAt + nameEl.numBytes)
    return { classCode, complex: (flagBits & FLAG_COMPLEX) !== 0, logical: (flagBits & FLAG_LOGICAL) !== 0, dims, name, bodyAt: nameEl.next, flagsAt: start }
  }

  private matrixBody(h: MatrixHeader, end: number): MatValue {
    const count = h.dims.reduce((a, b) => a * b, 1)
    if (h.classCode === MX_CELL) return this.cell(h, count, end)
    if (h.classCode === MX_STRUCT) return this.struct(h, count, end)
    if (h.classCode === MX_CHAR) return this.char(h, count, end)
    const numericClass = NUMERIC_CLASS[h.classCode]
    if (numericClass) return this.numeric(h, h.logical ? 'logical' : numericClass, count, end)
    const unsupported = UNSUPPORTED_CLASS[h.classCode]
    if (unsupported) return { kind: 'unsupported', dims: h.dims, class: unsupported }
    this.fail(`unknown array class ${h.classCode}`, h.flagsAt)
  }

  private numeric(h: MatrixHeader, cls: MatNumericClass, count: number, end: number): MatNumeric {
    const real = this.subelement(h.bodyAt, end, 'real part')
    if (count === 1 && !h.complex) {
      const size = ELEMENT_SIZE[real.type]
      if (!size || real.numBytes !== size || real.type === MI.UTF8 || real.type === MI.UTF16 || real.type === MI.UTF32) {
        this.numbers(real, cls, count, h.bodyAt) // throws the same errors as an array would
      }
      return new MatScalar(cls, h.dims, this.reader(real.type)(real.dataAt))
    }
    const data = this.numbers(real, cls, count, h.bodyAt)
    if (!h.complex) return { kind: 'numeric', class: cls, dims: h.dims, data }
    const imagEl = this.subelement(real.next, end, 'imaginary part')
    return { kind: 'numeric', class: cls, dims: h.dims, data, imag: this.numbers(imagEl, cls, count, real.next) }
  }

  private numbers(el: Subelement, cls: MatNumericClass, count: number, at: number): MatNumericData {
    const size = ELEMENT_SIZE[el.type]
    if (!size || el.type === MI.UTF8 || el.type === MI.UTF16 || el.type === MI.UTF32) {
      this.fail(`numeric data of unexpected type ${el.type}`, at)
    }
    if (el.numBytes !== count * size) {
      this.fail(`numeric data holds ${el.numBytes / size} values but the dimensions need ${count}`, at)
    }
    const out = this.slabs.allocate(cls, count)
    const read = this.reader(el.type)
    if (out instanceof BigInt64Array || out instanceof BigUint64Array) {
      for (let i = 0; i < count; i++) {
        const v = read(el.dataAt + i * size)
        out[i] = typeof v === 'bigint' ? v : BigInt(Math.trunc(v))
      }
    } else {
      for (let i = 0; i < count; i++) {
        const v = read(el.dataAt + i * size)
        out[i] = typeof v === 'bigint' ? Number(v) : v
      }
    }
    return out
  }

  private reader(type: number): (offset: number) => number | bigint {
    const v = this.view
    const le = this.le
    switch (type) {
      case MI.INT8:
        return (o) => v.getInt8(o)
      case MI.UINT8:
        return (o) => v.getUint8(o)
      case MI.INT16:
        return (o) => v.getInt16(o, le)
      case MI.UINT16:
        return (o) => v.getUint16(o, le)
      case MI.INT32:
        return (o) => v.getInt32(o, le)
      case MI.UINT32:
        return (o) => v.getUint32(o, le)
      case MI.SINGLE:
        return (o) => v.getFloat32(o, le)
      case MI.DOUBLE:
        return (o) => v.getFloat64(o, le)
      case MI.INT64:
        return (o) => v.getBigInt64(o, le)
      case MI.UINT64:
        return (o) => v.getBigUint64(o, le)
      default:
        throw new WorkbenchError('bad_input', `no reader for element type ${type}`)
    }
  }

  private char(h: MatrixHeader, count: number, end: number): MatChar {
    const el = this.subelement(h.bodyAt, end, 'characters')
    let text: string
    if (el.type === MI.UTF8 || el.type === MI.UINT8 || el.type === MI.INT8) {
      text = new TextDecoder(el.type === MI.UTF8 ? 'utf-8' : 'latin1').decode(this.bytes.subarray(el.dataAt, el.dataAt + el.numBytes))
    } else if (el.type === MI.UINT16 || el.type === MI.UTF16 || el.type === MI.INT16) {
      if (el.numBytes !== count * 2) this.fail(`char data holds ${el.numBytes / 2} characters but the dimensions need ${count}`, h.bodyAt)
      const codes = new Uint16Array(count)
      for (let i = 0; i < count; i++) codes[i] = this.view.getUint16(el.dataAt + 2 * i, this.le)
      text = new TextDecoder('utf-16le').decode(codes)
    } else if (el.type === MI.UTF32 || el.type === MI.UINT32) {
      text = ''
      for (let i = 0; i < el.numBytes / 4; i++) text += String.fromCodePoint(this.view.getUint32(el.dataAt + 4 * i, this.le))
    } else {
      this.fail(`char data of unexpected type ${el.type}`, h.bodyAt)
    }
    return { kind: 'char', dims: h.dims, text }
  }

  private cell(h: MatrixHeader, count: number, end: number): MatCell {
    const cells: MatValue[] = []
    let offset = h.bodyAt
    for (let i = 0; i < count; i++) {
      this.trail.push('{', i)
      if (offset >= end) this.fail(`cell holds ${i} of its ${count} elements`, offset)
      cells.push(this.nestedMatrix(offset, end))
      offset = this.after
      this.trail.length -= 2
    }
    return { kind: 'cell', dims: h.dims, cells }
  }

  private struct(h: MatrixHeader, count: number, end: number): MatStruct {
    const lengthEl = this.subelement(h.bodyAt, end, 'field name length')
    if (lengthEl.type !== MI.INT32 || lengthEl.numBytes !== 4) this.fail('struct field name length must be one miINT32', h.bodyAt)
    const nameLength = this.view.getInt32(lengthEl.dataAt, this.le)
    const namesEl = this.subelement(lengthEl.next, end, 'field names')
    if (namesEl.type !== MI.INT8 && namesEl.type !== MI.UINT8) this.fail(`struct field names must be miINT8, found type ${namesEl.type}`, lengthEl.next)
    if (nameLength <= 0 ? namesEl.numBytes !== 0 : namesEl.numBytes % nameLength !== 0) {
      this.fail(`struct field names (${namesEl.numBytes} bytes) are not a multiple of the name length ${nameLength}`, lengthEl.next)
    }
    const fieldNames: string[] = []
    for (let at = 0; nameLength > 0 && at < namesEl.numBytes; at += nameLength) {
      const start = namesEl.dataAt + at
      let stop = start
      while (stop < start + nameLength && this.bytes[stop] !== 0) stop++
      fieldNames.push(latin1(this.bytes, start, stop))
    }
    const elements: Record<string, MatValue>[] = []
    let offset = namesEl.next
    for (let i = 0; i < count; i++) {
      const record: Record<string, MatValue> = {}
      for (const name of fieldNames) {
        this.trail.push(count === 1 ? -1 : i, name)
        if (offset >= end) this.fail(`struct element ${i + 1} of ${count} is missing its field '${name}'`, offset)
        record[name] = this.nestedMatrix(offset, end)
        offset = this.after
        this.trail.length -= 2
      }
      elements.push(record)
    }
    return { kind: 'struct', dims: h.dims, fieldNames, elements }
  }

  private subelement(offset: number, end: number, what: string): Subelement {
    if (offset + 8 > end) this.fail(`missing ${what} (the array ends)`, offset)
    const tag = this.tag(offset)
    const dataAt = offset + tag.headerBytes
    if (dataAt + tag.numBytes > end) this.fail(`${what} of ${tag.numBytes} bytes runs past the end of its array: truncated or corrupt`, offset)
    const next = tag.headerBytes === 4 ? offset + 8 : align8(dataAt + tag.numBytes)
    return { type: tag.type, numBytes: tag.numBytes, dataAt, next }
  }
}

interface MatrixHeader {
  classCode: number
  complex: boolean
  logical: boolean
  dims: number[]
  name: string
  bodyAt: number
  flagsAt: number
}

interface Subelement {
  type: number
  numBytes: number
  dataAt: number
  next: number
}

/**
 * A numeric 1x1 array. MPII's release holds millions of them; keeping the number itself and making the
 * typed array only when `data` is read halves the memory a parsed file takes (and the time spent in GC).
 */
class MatScalar implements MatNumeric {
  readonly kind = 'numeric' as const
  readonly class: MatNumericClass
  readonly dims: number[]
  readonly value: number | bigint
  private cached: MatNumericData | undefined

  constructor(cls: MatNumericClass, dims: number[], value: number | bigint) {
    this.class = cls
    this.dims = dims
    this.value = value
  }

  get data(): MatNumericData {
    if (!this.cached) {
      const data = allocate(this.class, 1)
      if (data instanceof BigInt64Array || data instanceof BigUint64Array) data[0] = typeof this.value === 'bigint' ? this.value : BigInt(Math.trunc(this.value))
      else data[0] = Number(this.value)
      this.cached = data
    }
    return this.cached
  }
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > 256) return new TextDecoder('latin1').decode(bytes.subarray(start, end))
  let text = ''
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i])
  return text
}

/**
 * MPII's files hold hundreds of thousands of scalars; one ArrayBuffer each made parsing GC-bound.
 * Small arrays are therefore views into shared slabs (one per class), large ones get their own buffer.
 */
class Slabs {
  private static readonly SMALL = 64
  private static readonly SLAB = 4096
  private readonly free = new Map<MatNumericClass, { data: MatNumericData; used: number }>()

  allocate(cls: MatNumericClass, n: number): MatNumericData {
    if (n > Slabs.SMALL) return allocate(cls, n)
    let slab = this.free.get(cls)
    if (!slab || slab.used + n > slab.data.length) {
      slab = { data: allocate(cls, Slabs.SLAB), used: 0 }
      this.free.set(cls, slab)
    }
    const view = slab.data.subarray(slab.used, slab.used + n) as MatNumericData
    slab.used += n
    return view
  }
}

function allocate(cls: MatNumericClass, n: number): MatNumericData {
  switch (cls) {
    case 'double':
      return new Float64Array(n)
    case 'single':
      return new Float32Array(n)
    case 'int8':
      return new Int8Array(n)
    case 'uint8':
    case 'logical':
      return new Uint8Array(n)
    case 'int16':
      return new Int16Array(n)
    case 'uint16':
      return new Uint16Array(n)
    case 'int32':
      return new Int32Array(n)
    case 'uint32':
      return new Uint32Array(n)
    case 'int64':
      return new BigInt64Array(n)
    case 'uint64':
      return new BigUint64Array(n)
  }
}

// ---------------------------------------------------------------------------------------------------
// Navigation helpers. Each takes an optional `where` (a path for error messages, e.g. the file and
// variable) and throws badInput naming it when the value is not what the caller needs.

export function numel(value: MatValue): number {
  return value.dims.reduce((a, b) => a * b, 1)
}

export function isEmpty(value: MatValue | undefined): boolean {
  return value === undefined || numel(value) === 0
}

/** Column-major linear index of `index` (0-based subscripts) in an array of `dims`. */
export function at(dims: readonly number[], index: readonly number[]): number {
  let linear = 0
  for (let k = index.length - 1; k >= 0; k--) linear = linear * (dims[k] ?? 1) + index[k]
  return linear
}

/** A numeric array as Float64 values (any numeric class, logical included), keeping dims. */
export function toFloat64(value: MatValue, where = 'value'): { dims: number[]; data: Float64Array } {
  if (value.kind !== 'numeric') throw badInput(`${where}: expected a numeric array, found ${describe(value)}`, where)
  const data = value.data instanceof Float64Array ? value.data : Float64Array.from(value.data as ArrayLike<number | bigint>, Number)
  return { dims: value.dims, data }
}

/** The named variable of a file as Float64 values with its dims. */
export function numericArray(mat: MatFile, name: string): { dims: number[]; data: Float64Array } {
  return toFloat64(mat.get(name), `${mat.file}: ${name}`)
}

/** A numeric scalar (or the first element of a numeric array); undefined when empty. */
export function toNumber(value: MatValue | undefined, where = 'value'): number | undefined {
  if (value === undefined || numel(value) === 0) return undefined
  if (value.kind === 'char') {
    const n = Number(value.text.trim())
    if (!Number.isFinite(n)) throw badInput(`${where}: expected a number, found the text ${JSON.stringify(value.text)}`, where)
    return n
  }
  if (value.kind !== 'numeric') throw badInput(`${where}: expected a number, found ${describe(value)}`, where)
  return value instanceof MatScalar ? Number(value.value) : Number(value.data[0])
}

/** A char array as one string (a char matrix joins its rows with newlines). */
export function toText(value: MatValue | undefined, where = 'value'): string | undefined {
  if (value === undefined) return undefined
  if (value.kind !== 'char') {
    if (numel(value) === 0) return ''
    throw badInput(`${where}: expected text, found ${describe(value)}`, where)
  }
  return charRows(value).join('\n')
}

/** The rows of a char matrix (data are column-major, so a 2x3 matrix 'abc';'def' is stored "adbecf"). */
export function charRows(value: MatChar): string[] {
  const [rows, ...rest] = value.dims
  const cols = rest.reduce((a, b) => a * b, 1)
  if (rows <= 1) return [value.text]
  const out: string[] = []
  for (let r = 0; r < rows; r++) {
    let row = ''
    for (let c = 0; c < cols; c++) row += value.text[r + rows * c] ?? ''
    out.push(row)
  }
  return out
}

/**
 * Element `i` of a struct array. A one-element struct array and a struct are the same thing in MATLAB
 * (scipy's squeeze_me makes it a plain struct), so structAt(v, 0) works for both.
 */
export function structAt(value: MatValue | undefined, i = 0, where = 'value'): Record<string, MatValue> {
  if (value === undefined || value.kind !== 'struct') throw badInput(`${where}: expected a struct, found ${value ? describe(value) : 'nothing'}`, where)
  const element = value.elements[i]
  if (!element) throw badInput(`${where}: struct array has ${value.elements.length} elements, no element ${i + 1}`, where)
  return element
}

/** The elements of a struct array (none for an empty value or an empty numeric `[]`). */
export function structElements(value: MatValue | undefined, where = 'value'): Record<string, MatValue>[] {
  if (value === undefined || (value.kind !== 'struct' && numel(value) === 0)) return []
  if (value.kind !== 'struct') throw badInput(`${where}: expected a struct array, found ${describe(value)}`, where)
  return value.elements
}

/** A field of a struct element; undefined when the struct has no such field (a missing field). */
export function field(record: Record<string, MatValue>, name: string): MatValue | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined
}

/** The elements of a cell array. */
export function cellElements(value: MatValue | undefined, where = 'value'): MatValue[] {
  if (value === undefined || (value.kind !== 'cell' && numel(value) === 0)) return []
  if (value.kind !== 'cell') throw badInput(`${where}: expected a cell array, found ${describe(value)}`, where)
  return value.cells
}

/** "a 16x2x2958 double array", "a 1x5 struct array", … for error messages. */
export function describe(value: MatValue): string {
  const size = value.dims.join('x')
  switch (value.kind) {
    case 'numeric':
      return `a ${size} ${value.class} array`
    case 'char':
      return `a ${size} char array`
    case 'cell':
      return `a ${size} cell array`
    case 'struct':
      return `a ${size} struct array`
    case 'unsupported':
      return `a ${size} ${value.class} value`
  }
}
