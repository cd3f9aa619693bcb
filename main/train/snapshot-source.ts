// Reading a run's data snapshot out of the project database: every train and val person with a usable
// crop (centre, scale, at least one annotated joint, an image file that is present), at one label mark,
// read inside one transaction so the people and the mark agree.
import { toPoseH5CenterScale } from '../dataset/conventions'
import type { Db } from '../dataset/db'
import { imageFile } from '../dataset/images-folder'
import type { Split } from '../dataset/model'
import { annotatedPeople, type AnnotatedPerson } from '../dataset/queries'
import { labelMark } from '../dataset/revisions'
import { JOINT_COUNT, JointState } from './joints'
import type { DataSnapshot, SnapshotPerson } from './snapshot'

export interface SnapshotStats {
  /** People of the split left out, by reason. */
  skipped: { noImage: number; noCrop: number; noJoints: number }
}

const STATE_CODES = { missing: JointState.missing, visible: JointState.visible, occluded: JointState.occluded } as const

export function takeSnapshot(db: Db): { snapshot: DataSnapshot; stats: SnapshotStats } {
  return db.transaction(() => {
    const mark = labelMark(db)
    const stats: SnapshotStats = { skipped: { noImage: 0, noCrop: 0, noJoints: 0 } }
    const files = new Map<number, string | null>()
    const read = (split: Split) => {
      const out: SnapshotPerson[] = []
      for (const person of annotatedPeople(db, { split, asOf: mark })) {
        const converted = toSnapshotPerson(person, (imageId) => {
          if (!files.has(imageId)) files.set(imageId, imageFile(db, imageId))
          return files.get(imageId)!
        })
        if (typeof converted === 'string') stats.skipped[converted]++
        else out.push(converted)
      }
      return out
    }
    const snapshot: DataSnapshot = { version: 1, labelRevision: mark, createdAt: new Date().toISOString(), train: read('train'), val: read('val') }
    return { snapshot, stats }
  })()
}

function toSnapshotPerson(person: AnnotatedPerson, fileOf: (imageId: number) => string | null): SnapshotPerson | keyof SnapshotStats['skipped'] {
  const { center, scale, headBox, joints } = person.annotation
  if (!center || !scale || !(scale > 0)) return 'noCrop'
  if (!joints.some((j) => j.state !== 'missing' && j.x !== null && j.y !== null)) return 'noJoints'
  const image = fileOf(person.imageId)
  if (!image) return 'noImage'
  // the crop convention of the reference recipe (pose-hg-train's h5 values): y + 15·s, 1.25·s
  const crop = toPoseH5CenterScale(center, scale)
  const flat: number[] = []
  const states: number[] = []
  for (let j = 0; j < JOINT_COUNT; j++) {
    const joint = joints[j]
    const present = joint.state !== 'missing' && joint.x !== null && joint.y !== null
    flat.push(present ? joint.x! : 0, present ? joint.y! : 0)
    states.push(present ? STATE_CODES[joint.state] : JointState.missing)
  }
  return {
    id: person.personId,
    image,
    centre: [crop.center.x, crop.center.y],
    scale: crop.scale,
    joints: flat,
    states,
    headBox: headBox ? [headBox.x1, headBox.y1, headBox.x2, headBox.y2] : null
  }
}
