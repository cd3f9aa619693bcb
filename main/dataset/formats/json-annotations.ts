// The two JSON layouts of MPII annotations, one list entry per person (pyranet-reference §4.3, §4.4):
//   - HRNet / MMPose: { image, center: [x, y], scale, joints: 16 x [x, y], joints_vis: 16 x 0/1 }, raw
//     MPII values (1-based, centre and scale not adjusted); the workbench's optional `is_visible` list
//     keeps occlusion (conventions.ts) and its optional `head_box` [x1, y1, x2, y2] the MPII head
//     rectangle (the demo set writes both). Test files have no joints.
//   - bearpaw's mpii_annotations.json: { img_paths, isValidation, img_width, img_height, objpos,
//     scale_provided, joint_self: 16 x [x, y, vis], annolist_index, people_index, … }.
// A wrong entry fails the whole file with its index and field: a person list is all of one shape, so
// one bad entry means a wrong or damaged file.
import { readFileSync } from 'node:fs'
import { badInput } from '../../errors'
import { jointFromBearpaw, jointFromMmpose } from '../conventions'
import { JOINT_COUNT, emptyJoints, type Joint, type Split } from '../model'
import { ImageCollector, splitFromFileName, type ParsedAnnotations, type ParsedPerson } from './records'

export type JsonLayout = 'mmpose-json' | 'bearpaw-json'

/** Reads and parses a JSON annotation file; the layout is recognised from the first entry unless given. */
export function readJsonAnnotations(file: string, layout?: JsonLayout, split?: Split): ParsedAnnotations {
  const entries = readEntries(file)
  const detected = layout ?? detectJsonLayout(entries, file)
  return detected === 'mmpose-json' ? parseMmpose(entries, file, split) : parseBearpaw(entries, file)
}

export function readEntries(file: string): unknown[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw badInput(`${file}: cannot read: ${(error as Error).message}`, 'file')
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw badInput(`${file}: not valid JSON: ${(error as Error).message}`, 'file')
  }
  // Some copies wrap the list: { "annolist": [...] } or similar single-key objects.
  if (!Array.isArray(value) && value && typeof value === 'object') {
    const lists = Object.values(value).filter(Array.isArray)
    if (lists.length === 1) value = lists[0]
  }
  if (!Array.isArray(value)) throw badInput(`${file}: expected a JSON list of people`, 'file')
  return value
}

export function detectJsonLayout(entries: unknown[], file: string): JsonLayout {
  const first = entries[0]
  if (first && typeof first === 'object') {
    if ('joint_self' in first || 'img_paths' in first) return 'bearpaw-json'
    if ('image' in first && 'center' in first) return 'mmpose-json'
  }
  throw badInput(
    `${file}: not an MPII JSON annotation file (the first entry has neither image/center nor img_paths/joint_self)`,
    'file'
  )
}

function parseMmpose(entries: unknown[], file: string, split?: Split): ParsedAnnotations {
  const images = new ImageCollector()
  const people: ParsedPerson[] = []
  const fileSplit = split ?? splitFromFileName(file)
  entries.forEach((raw, i) => {
    const entry = objectAt(raw, file, i)
    // Messages are built only on failure: an MPII-sized file has 40,000 entries of 16 joints.
    const where: Where = () => `${file}: entry ${i}`
    const image = stringField(entry, 'image', where)
    const center = numbers(entry.center, 2, where, 'center')
    const scale = numberField(entry, 'scale', where)
    const joints = emptyJoints()
    if (entry.joints !== undefined) {
      const xy = pairs(entry.joints, where, 'joints')
      const vis = entry.joints_vis === undefined ? null : numbers(entry.joints_vis, JOINT_COUNT, where, 'joints_vis')
      const isVisible = entry.is_visible === undefined ? null : numbers(entry.is_visible, JOINT_COUNT, where, 'is_visible')
      for (let j = 0; j < JOINT_COUNT; j++) joints[j] = jointFromMmpose(xy[j][0], xy[j][1], vis?.[j], isVisible?.[j])
    }
    images.add({ name: image, split: fileSplit ?? 'unknown', splitIsAuthoritative: fileSplit !== null })
    people.push({
      image,
      mpiiPerson: null,
      annotation: { center: { x: center[0], y: center[1] }, scale: scale > 0 ? scale : null, headBox: headBoxOf(entry, where), joints },
      source: `entry ${i}`
    })
  })
  return { format: 'mmpose-json', file, images: images.list(), people, refused: [] }
}

function parseBearpaw(entries: unknown[], file: string): ParsedAnnotations {
  const images = new ImageCollector()
  const people: ParsedPerson[] = []
  entries.forEach((raw, i) => {
    const entry = objectAt(raw, file, i)
    const where: Where = () => `${file}: entry ${i}`
    const image = stringField(entry, 'img_paths', where)
    const objpos = numbers(entry.objpos, 2, where, 'objpos')
    const scale = numberField(entry, 'scale_provided', where)
    const self = triples(entry.joint_self, where, 'joint_self')
    const joints: Joint[] = self.map(([x, y, v]) => jointFromBearpaw(x, y, v))
    const validation = optionalNumber(entry, 'isValidation', where)
    images.add({
      name: image,
      split: validation === undefined ? 'unknown' : validation ? 'val' : 'train',
      splitIsAuthoritative: validation !== undefined,
      width: positiveInt(optionalNumber(entry, 'img_width', where)),
      height: positiveInt(optionalNumber(entry, 'img_height', where)),
      mpiiIndex: positiveInt(optionalNumber(entry, 'annolist_index', where))
    })
    people.push({
      image,
      mpiiPerson: positiveInt(optionalNumber(entry, 'people_index', where)) ?? null,
      annotation: { center: { x: objpos[0], y: objpos[1] }, scale: scale > 0 ? scale : null, headBox: null, joints },
      source: `entry ${i}`
    })
  })
  return { format: 'bearpaw-json', file, images: images.list(), people, refused: [] }
}

type Entry = Record<string, unknown>
/** The entry being read, for messages ("file.json: entry 17"). */
type Where = () => string

function objectAt(raw: unknown, file: string, i: number): Entry {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badInput(`${file}: entry ${i} is not an object`, `${i}`)
  return raw as Entry
}

function stringField(entry: Entry, name: string, where: Where): string {
  const value = entry[name]
  if (typeof value !== 'string' || value.trim() === '') throw badInput(`${where()}: ${name} must be a non-empty string, got ${JSON.stringify(value)}`, name)
  return value.trim()
}

function numberField(entry: Entry, name: string, where: Where): number {
  const value = entry[name]
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badInput(`${where()}: ${name} must be a number, got ${JSON.stringify(value)}`, name)
  return value
}

function optionalNumber(entry: Entry, name: string, where: Where): number | undefined {
  return entry[name] === undefined ? undefined : numberField(entry, name, where)
}

function positiveInt(value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : undefined
}

/** The workbench's optional `head_box` key: [x1, y1, x2, y2], MPII's head rectangle. */
function headBoxOf(entry: Entry, where: Where): { x1: number; y1: number; x2: number; y2: number } | null {
  if (entry.head_box === undefined) return null
  const [x1, y1, x2, y2] = numbers(entry.head_box, 4, where, 'head_box')
  return { x1, y1, x2, y2 }
}

function isNumberList(value: unknown, length: number): value is number[] {
  if (!Array.isArray(value) || value.length !== length) return false
  for (let k = 0; k < length; k++) {
    const v = value[k]
    if (typeof v !== 'number' || !Number.isFinite(v)) return false
  }
  return true
}

function numbers(value: unknown, length: number, where: Where, field: string): number[] {
  if (!isNumberList(value, length)) throw badInput(`${where()}: ${field}: must be a list of ${length} numbers`, field)
  return value
}

function pairs(value: unknown, where: Where, field: string): [number, number][] {
  if (!Array.isArray(value) || value.length !== JOINT_COUNT) throw badInput(`${where()}: ${field}: must be ${JOINT_COUNT} [x, y] pairs`, field)
  for (let j = 0; j < JOINT_COUNT; j++) if (!isNumberList(value[j], 2)) numbers(value[j], 2, where, `${field}.${j}`)
  return value as [number, number][]
}

function triples(value: unknown, where: Where, field: string): [number, number, number][] {
  if (!Array.isArray(value) || value.length !== JOINT_COUNT) throw badInput(`${where()}: ${field}: must be ${JOINT_COUNT} [x, y, visible] triples`, field)
  for (let j = 0; j < JOINT_COUNT; j++) if (!isNumberList(value[j], 3)) numbers(value[j], 3, where, `${field}.${j}`)
  return value as [number, number, number][]
}
