// What a run trains and validates on, frozen when it starts: every person's image, crop centre and scale,
// joints and their states, plus the label revision mark they were read at. Main writes it to the run's
// folder; the trainer reads only this file, so later edits can never change what a run claims.
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { badInput } from '../errors'
import { JOINT_COUNT } from './joints'

export interface SnapshotPerson {
  /** The project's person id (for predictions and rankings). */
  id: number
  /** Absolute path of the image file. */
  image: string
  /** Crop centre, MPII 1-based image coordinates, adjusted as pose-hg-train's h5 files are (c_y + 15·s). */
  centre: [number, number]
  /** Crop scale (h5 convention: 1.25 × MPII's raw scale); the crop side is 200·scale pixels. */
  scale: number
  /** [16 × 2] x, y per joint, MPII 1-based; 0 where the joint is missing. */
  joints: number[]
  /** [16] JointState codes: 0 missing, 1 visible, 2 occluded. */
  states: number[]
  /** Head box x1, y1, x2, y2 (needed for the PCKh of validation people). */
  headBox: [number, number, number, number] | null
}

export interface DataSnapshot {
  version: 1
  /** The label revision mark (max revision id) the people were read at. */
  labelRevision: number
  createdAt: string
  train: SnapshotPerson[]
  val: SnapshotPerson[]
}

export function writeSnapshot(path: string, snapshot: DataSnapshot): void {
  const tmp = `${path}.tmp`
  writeFileSync(tmp, JSON.stringify(snapshot))
  renameSync(tmp, path)
}

export function readSnapshot(path: string): DataSnapshot {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw badInput(`${path}: cannot read the run's data snapshot (${(error as Error).message})`, 'snapshot')
  }
  const snapshot = parsed as DataSnapshot
  if (snapshot?.version !== 1 || !Array.isArray(snapshot.train) || !Array.isArray(snapshot.val)) {
    throw badInput(`${path}: not a version-1 data snapshot`, 'snapshot')
  }
  for (const [split, people] of [['train', snapshot.train], ['val', snapshot.val]] as const) {
    people.forEach((p, i) => {
      if (p.joints?.length !== JOINT_COUNT * 2 || p.states?.length !== JOINT_COUNT || !(p.scale > 0)) {
        throw badInput(`${path}: ${split}[${i}] (person ${p.id}) has malformed joints, states or scale`, `${split}.${i}`)
      }
    })
  }
  return snapshot
}
