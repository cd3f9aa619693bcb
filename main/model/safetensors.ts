// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
// JSON ({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {string: string}}), then the
// little-endian tensor bytes, offsets relative to the end of the header. No npm package for it is
// available to us, and the format is small. Writing follows the reference writer's habits: names sorted,
// header padded with spaces to a multiple of 8. Reading checks what the format promises (offsets in order,
// no holes, sizes matching shapes) and names the file and tensor when something does not hold.
import { badInput } from '../errors'

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL'

export type TensorData = Float64Array | Float32Array | Uint16Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array

export interface StoredTensor {
  dtype: SafetensorsDtype
  shape: number[]
  /** F16 and BF16 come as their raw 16-bit patterns (Uint16Array); BOOL as Uint8Array. */
  data: TensorData
}

const BYTES: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 }
/** Refuse headers past this: a corrupt length would otherwise make us allocate gigabytes. */
const MAX_HEADER = 100 * 1024 * 1024

function view(dtype: SafetensorsDtype, buffer: ArrayBuffer): TensorData {
  switch (dtype) {
    case 'F64': return new Float64Array(buffer)
    case 'F32': return new Float32Array(buffer)
    case 'F16':
    case 'BF16': return new Uint16Array(buffer)
    case 'I64': return new BigInt64Array(buffer)
    case 'I32': return new Int32Array(buffer)
    case 'I16': return new Int16Array(buffer)
    case 'I8': return new Int8Array(buffer)
    case 'U8':
    case 'BOOL': return new Uint8Array(buffer)
  }
}

function elementCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

export function encodeSafetensors(tensors: ReadonlyMap<string, StoredTensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {}
  if (Object.keys(metadata).length) header.__metadata__ = metadata
  const names = [...tensors.keys()].sort()
  let offset = 0
  for (const name of names) {
    const { dtype, shape, data } = tensors.get(name)!
    const bytes = elementCount(shape) * BYTES[dtype]
    if (data.byteLength !== bytes) throw new Error(`tensor ${name}: ${data.byteLength} bytes of data for ${dtype} [${shape.join(', ')}]`)
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes] }
    offset += bytes
  }
  let json = JSON.stringify(header)
  json += ' '.repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8)
  const headerBytes = new TextEncoder().encode(json)
  const out = new Uint8Array(8 + headerBytes.length + offset)
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true)
  out.set(headerBytes, 8)
  let position = 8 + headerBytes.length
  for (const name of names) {
    const { data } = tensors.get(name)!
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), position)
    position += data.byteLength
  }
  return out
}

export interface DecodedSafetensors {
  tensors: Map<string, StoredTensor>
  metadata: Record<string, string>
}

/** `source` names the file in error messages. */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): DecodedSafetensors {
  const fail = (message: string, offset?: number) =>
    badInput(`${source}: ${message}${offset === undefined ? '' : ` (at byte ${offset})`}`, undefined, { source, offset })
  if (bytes.length < 8) throw fail(`${bytes.length} bytes is too short for a safetensors file`)
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true))
  if (headerLength > MAX_HEADER || 8 + headerLength > bytes.length) {
    throw fail(`header length ${headerLength} does not fit in ${bytes.length} bytes`, 0)
  }
  let header: unknown
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)))
  } catch (error) {
    throw fail(`header is not valid JSON: ${(error as Error).message}`, 8)
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) throw fail('header is not a JSON object', 8)
  const dataStart = 8 + headerLength
  const dataLength = bytes.length - dataStart
  const entries: Array<{ name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }> = []
  let metadata: Record<string, string> = {}
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!info || typeof info !== 'object' || Object.values(info).some((v) => typeof v !== 'string')) {
        throw fail('__metadata__ must map strings to strings', 8)
      }
      metadata = info as Record<string, string>
      continue
    }
    const entry = info as { dtype?: unknown; shape?: unknown; data_offsets?: unknown }
    if (typeof entry?.dtype !== 'string' || !(entry.dtype in BYTES)) throw fail(`tensor "${name}" has unsupported dtype ${JSON.stringify(entry?.dtype)}`, 8)
    const dtype = entry.dtype as SafetensorsDtype
    const shape = entry.shape
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw fail(`tensor "${name}" has a bad shape ${JSON.stringify(shape)}`, 8)
    const offsets = entry.data_offsets
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isInteger(o) && o >= 0)) {
      throw fail(`tensor "${name}" has bad data_offsets ${JSON.stringify(offsets)}`, 8)
    }
    const [begin, end] = offsets as [number, number]
    if (end < begin || end > dataLength) throw fail(`tensor "${name}" data [${begin}, ${end}) lies outside the ${dataLength} data bytes`, dataStart + begin)
    if (end - begin !== elementCount(shape) * BYTES[dtype]) {
      throw fail(`tensor "${name}" has ${end - begin} bytes for ${dtype} [${shape.join(', ')}]`, dataStart + begin)
    }
    entries.push({ name, dtype, shape, begin, end })
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end)
  let expected = 0
  for (const entry of entries) {
    if (entry.begin !== expected) throw fail(`tensor "${entry.name}" starts at ${entry.begin}, expected ${expected} (overlap or hole)`, dataStart + entry.begin)
    expected = entry.end
  }
  if (expected !== dataLength) throw fail(`${dataLength - expected} bytes after the last tensor`, dataStart + expected)
  const tensors = new Map<string, StoredTensor>()
  for (const { name, dtype, shape, begin, end } of entries) {
    // A copy (also of a Node Buffer, whose slice() would share the pool): the data region need not be aligned.
    const buffer = new Uint8Array(bytes.subarray(dataStart + begin, dataStart + end)).buffer
    tensors.set(name, { dtype, shape, data: view(dtype, buffer) })
  }
  return { tensors, metadata }
}

/** F32 data of a stored tensor, converting F64, F16 and BF16; throws for integer tensors. */
export function toFloat32(tensor: StoredTensor, name: string): Float32Array {
  const { dtype, data } = tensor
  if (dtype === 'F32') return data as Float32Array
  if (dtype === 'F64') return Float32Array.from(data as Float64Array)
  if (dtype === 'F16') return Float32Array.from(data as Uint16Array, halfToFloat)
  if (dtype === 'BF16') {
    const bits = new Uint32Array((data as Uint16Array).length)
    ;(data as Uint16Array).forEach((h, i) => (bits[i] = h << 16))
    return new Float32Array(bits.buffer)
  }
  throw new Error(`tensor ${name} is ${dtype}, not floating point`)
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1
  const exponent = (h >> 10) & 0x1f
  const fraction = h & 0x3ff
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024)
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024)
}
