// The demo set in MPII's file formats (reference §4.2-4.3): the HRNet/MMPose JSON list and the
// pose-hg-train h5 layout, with each format's own conventions for centre, scale and missing joints.
import { readFileSync, writeFileSync } from 'node:fs'
import { hdf5Call, loadH5wasm, type PoseH5 } from '../formats/h5'
import type { DemoPerson } from './scene'
import { Joint as J } from './skeleton'

/** A person with the image it belongs to. */
export interface ImagePerson {
  image: string
  /** 0-based index of the image in the whole set (h5 `index`). */
  imageIndex: number
  /** 0-based index of the person in its image (h5 `person`). */
  personIndex: number
  person: DemoPerson
}

export interface MmposeEntry {
  image: string
  center: [number, number]
  scale: number
  joints: [number, number][]
  joints_vis: number[]
  /** Workbench extension (HRNet and MMPose ignore it): MPII is_visible, 0 for occluded or missing. */
  is_visible: number[]
  /** Workbench extension: MPII head rectangle [x1, y1, x2, y2], which the PCKh head size comes from. */
  head_box: [number, number, number, number]
}

/**
 * HRNet/MMPose convention: raw objpos and scale, 1-based joints, joints_vis 1 for every labelled joint
 * (visible or occluded) and unlabelled joints as [-1, -1] with 0. Occlusion and the head box, which the
 * format has no field for, go into two extra keys that the workbench's importer reads.
 */
export function toMmposeEntry({ image, person }: ImagePerson): MmposeEntry {
  return {
    image,
    center: person.objpos,
    scale: person.scale,
    joints: person.joints.map((p) => p ?? [-1, -1]),
    joints_vis: person.joints.map((p) => (p ? 1 : 0)),
    is_visible: person.visible.map((v) => (v ? 1 : 0)),
    head_box: person.headBox
  }
}

/** One entry per line, so that the files diff well and stay readable. */
export function mmposeJson(people: readonly ImagePerson[]): string {
  if (people.length === 0) return '[]\n'
  return '[\n' + people.map((p) => JSON.stringify(toMmposeEntry(p))).join(',\n') + '\n]\n'
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6

/** pose-hg-train's adjusted centre and scale: y + 15 x scale, scale x 1.25 (reference §4.2). */
export function adjustedCentreScale(person: DemoPerson): { center: [number, number]; scale: number } {
  return { center: [person.objpos[0], round6(person.objpos[1] + 15 * person.scale)], scale: round6(1.25 * person.scale) }
}

/** PCKh head size as pose-hg-train stores it: 0.6 x head-box diagonal. */
export function normalizeOf(person: DemoPerson): number {
  const [x1, y1, x2, y2] = person.headBox
  return round6(0.6 * Math.hypot(x2 - x1, y2 - y1))
}

/** The torso's lean in degrees (thorax relative to pelvis, 0 = upright), as pose-hg-train's `torsoangle`. */
function torsoAngle(person: DemoPerson): number {
  const thorax = person.joints[J.thorax]
  const pelvis = person.joints[J.pelvis]
  if (!thorax || !pelvis) return 0
  return round6((Math.atan2(thorax[0] - pelvis[0], -(thorax[1] - pelvis[1])) * 180) / Math.PI)
}

/** The people as pose-hg-train h5 rows (adjusted centre and scale, unlabelled joints (0, 0)). */
export function toPoseH5(people: readonly ImagePerson[]): PoseH5 {
  const n = people.length
  const data: PoseH5 = {
    count: n,
    imgname: people.map((p) => p.image),
    center: new Float64Array(2 * n),
    scale: new Float64Array(n),
    part: new Float64Array(32 * n),
    visible: new Float64Array(16 * n),
    normalize: new Float64Array(n),
    index: new Float64Array(n),
    person: new Float64Array(n),
    torsoangle: new Float64Array(n)
  }
  people.forEach((entry, i) => {
    const adjusted = adjustedCentreScale(entry.person)
    data.center.set(adjusted.center, 2 * i)
    data.scale[i] = adjusted.scale
    entry.person.joints.forEach((p, j) => {
      if (p) data.part!.set(p, 32 * i + 2 * j)
      data.visible![16 * i + j] = entry.person.visible[j] ? 1 : 0
    })
    data.normalize![i] = normalizeOf(entry.person)
    data.torsoangle![i] = torsoAngle(entry.person)
    data.index![i] = entry.imageIndex
    data.person![i] = entry.personIndex
  })
  return data
}

/**
 * Writes the pose-hg-train layout (formats/h5.ts describes it) so that the same people always give the
 * same bytes: HDF5 stamps object headers with the wall clock, so the file is written with version-1
 * headers (plain time fields, no checksums) and the stamps are zeroed afterwards.
 */
export async function writePoseHgH5(path: string, people: readonly ImagePerson[]): Promise<void> {
  const data = toPoseH5(people)
  const h5wasm = await loadH5wasm()
  const startedAt = Math.floor(Date.now() / 1000)
  const file = hdf5Call(path, 'create', () => new h5wasm.File(path, 'w', { libver: ['earliest', 'v108'] }))
  try {
    const put = (name: string, values: Float64Array, trailing: number[]) =>
      hdf5Call(path, `write ${name}`, () => file.create_dataset({ name, data: values, shape: [data.count, ...trailing], dtype: '<d' }))
    hdf5Call(path, 'write imgname', () => file.create_dataset({ name: 'imgname', data: data.imgname, shape: [data.count], dtype: 'S13' }))
    put('index', data.index!, [])
    put('person', data.person!, [])
    put('center', data.center, [2])
    put('scale', data.scale, [])
    put('part', data.part!, [16, 2])
    put('visible', data.visible!, [16])
    put('normalize', data.normalize!, [])
    put('torsoangle', data.torsoangle!, [])
  } finally {
    hdf5Call(path, 'close', () => file.close())
  }
  const bytes = readFileSync(path)
  zeroModificationTimes(bytes, startedAt - 1, Math.floor(Date.now() / 1000) + 1)
  writeFileSync(path, bytes)
}

/**
 * Zeroes the HDF5 "object modification time" messages (type 0x0012, version 1) of v1 object headers:
 * 2-byte type 0x0012, 2-byte size 8, flags, 3 reserved bytes, then version 1, 3 reserved bytes and the
 * 32-bit seconds. Only stamps inside the write's time window are touched, so data bytes that happen to
 * look like a message header are left alone.
 */
export function zeroModificationTimes(bytes: Buffer, from: number, to: number): number {
  let zeroed = 0
  for (let i = 0; i + 16 <= bytes.length; i++) {
    if (bytes[i] !== 0x12 || bytes[i + 1] !== 0 || bytes[i + 2] !== 8 || bytes[i + 3] !== 0) continue
    if (bytes[i + 5] !== 0 || bytes[i + 6] !== 0 || bytes[i + 7] !== 0 || bytes[i + 8] !== 1) continue
    if (bytes[i + 9] !== 0 || bytes[i + 10] !== 0 || bytes[i + 11] !== 0) continue
    const seconds = bytes.readUInt32LE(i + 12)
    if (seconds < from || seconds > to) continue
    bytes.writeUInt32LE(0, i + 12)
    zeroed++
  }
  return zeroed
}
