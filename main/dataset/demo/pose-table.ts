// The bundled pose table: every person of MPII's standard validation split (val.h5, 2,958 people), each
// pose expressed relative to its own (adjusted) centre in units of its (adjusted) scale, exactly as the
// pose-hg-train h5 stores them: p = (part - center) / scale. The generator places these real poses into
// synthetic images. The file is built by build-pose-table.ts and read at run time from resources/.
//
// Layout (little-endian): 'MPIIPOSE' | u16 version | u16 joints | u32 count | i16[count][joints][2]
// coordinates in 1/100 scale units | u8[count][joints] states (0 occluded, 1 visible, 2 unannotated).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { badInput, notFound } from '../../errors'
import { JOINT_COUNT } from './skeleton'

export const POSE_TABLE_FILE = 'mpii-val-poses.bin'
const MAGIC = 'MPIIPOSE'
const VERSION = 1
const HEADER_BYTES = 16
const UNITS = 100

export type JointState = 'occluded' | 'visible' | 'unannotated'
const STATES: readonly JointState[] = ['occluded', 'visible', 'unannotated']

/** One real pose: joint offsets from the person's centre in units of its scale; null where unannotated. */
export interface NormalisedPose {
  joints: ({ x: number; y: number } | null)[]
  /** MPII's is_visible for annotated joints (false for unannotated ones). */
  visible: boolean[]
}

export class PoseTable {
  private constructor(
    readonly count: number,
    private readonly coords: Int16Array,
    private readonly states: Uint8Array
  ) {}

  pose(index: number): NormalisedPose {
    if (!(index >= 0 && index < this.count)) throw badInput(`pose ${index} is outside the table (0..${this.count - 1})`, 'index')
    const joints: NormalisedPose['joints'] = []
    const visible: boolean[] = []
    for (let j = 0; j < JOINT_COUNT; j++) {
      const k = index * JOINT_COUNT + j
      const state = STATES[this.states[k]]
      joints.push(state === 'unannotated' ? null : { x: this.coords[2 * k] / UNITS, y: this.coords[2 * k + 1] / UNITS })
      visible.push(state === 'visible')
    }
    return { joints, visible }
  }

  static encode(poses: readonly NormalisedPose[]): Buffer {
    const count = poses.length
    const buffer = Buffer.alloc(HEADER_BYTES + count * JOINT_COUNT * 5)
    buffer.write(MAGIC, 0, 'latin1')
    buffer.writeUInt16LE(VERSION, 8)
    buffer.writeUInt16LE(JOINT_COUNT, 10)
    buffer.writeUInt32LE(count, 12)
    const stateOffset = HEADER_BYTES + count * JOINT_COUNT * 4
    poses.forEach((pose, i) => {
      for (let j = 0; j < JOINT_COUNT; j++) {
        const k = i * JOINT_COUNT + j
        const joint = pose.joints[j]
        if (joint) {
          buffer.writeInt16LE(toUnits(joint.x, i, j), HEADER_BYTES + 4 * k)
          buffer.writeInt16LE(toUnits(joint.y, i, j), HEADER_BYTES + 4 * k + 2)
        }
        buffer.writeUInt8(joint ? (pose.visible[j] ? 1 : 0) : 2, stateOffset + k)
      }
    })
    return buffer
  }

  static decode(buffer: Buffer, source = 'pose table'): PoseTable {
    if (buffer.length < HEADER_BYTES || buffer.toString('latin1', 0, 8) !== MAGIC) {
      throw badInput(`${source}: not a pose table (no ${MAGIC} header)`, 'path')
    }
    const version = buffer.readUInt16LE(8)
    const joints = buffer.readUInt16LE(10)
    const count = buffer.readUInt32LE(12)
    if (version !== VERSION) throw badInput(`${source}: version ${version}, expected ${VERSION}`, 'path')
    if (joints !== JOINT_COUNT) throw badInput(`${source}: ${joints} joints per pose, expected ${JOINT_COUNT}`, 'path')
    const expected = HEADER_BYTES + count * JOINT_COUNT * 5
    if (buffer.length !== expected) throw badInput(`${source}: ${buffer.length} bytes, expected ${expected} for ${count} poses`, 'path')
    const coords = new Int16Array(count * JOINT_COUNT * 2)
    for (let k = 0; k < coords.length; k++) coords[k] = buffer.readInt16LE(HEADER_BYTES + 2 * k)
    const states = new Uint8Array(buffer.subarray(HEADER_BYTES + coords.length * 2))
    const badState = states.findIndex((s) => s > 2)
    if (badState >= 0) throw badInput(`${source}: joint state ${states[badState]} at pose ${Math.floor(badState / JOINT_COUNT)}`, 'path')
    return new PoseTable(count, coords, states)
  }
}

function toUnits(value: number, pose: number, joint: number): number {
  const units = Math.round(value * UNITS)
  if (units < -32768 || units > 32767) throw badInput(`pose ${pose} joint ${joint}: ${value} is out of range`, 'poses')
  return units
}

/**
 * Where the bundled resources live: $WORKBENCH_RESOURCES, Electron's resources folder when packaged, or
 * the nearest `resources/` above this module (the repo in development, the app folder when bundled).
 */
export function resourcesDir(): string {
  const candidates: string[] = []
  if (process.env.WORKBENCH_RESOURCES) candidates.push(resolve(process.env.WORKBENCH_RESOURCES))
  const packaged = (process as { resourcesPath?: string }).resourcesPath
  if (packaged) candidates.push(join(packaged, 'app.asar.unpacked', 'resources'), join(packaged, 'resources'))
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let up = 0; up < 6; up++) {
    candidates.push(join(dir, 'resources'))
    dir = dirname(dir)
  }
  const found = candidates.find((candidate) => existsSync(join(candidate, POSE_TABLE_FILE)))
  if (!found) throw notFound(`the demo pose table ${POSE_TABLE_FILE} was not found (looked in ${candidates.join(', ')})`)
  return found
}

const cache = new Map<string, PoseTable>()

/** A pose table file (the bundled one by default), read once per process. */
export function loadPoseTable(path?: string): PoseTable {
  const file = resolve(path ?? join(resourcesDir(), POSE_TABLE_FILE))
  let table = cache.get(file)
  if (!table) {
    table = PoseTable.decode(readFileSync(file), file)
    cache.set(file, table)
  }
  return table
}
