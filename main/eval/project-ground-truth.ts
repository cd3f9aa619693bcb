// The ground truth of a split of the open project, as the evaluation reads it: its people (not deleted)
// in id order, which is the order they were imported in (for MPII's validation split, Tompson's order),
// with their labels now or as they were at a label mark. Coordinates are MPII 1-based, as in the
// evaluation files. The people come from the dataset's `annotatedPeople`, the same reading training uses.
import { badInput } from '../errors'
import type { Db } from '../dataset/db'
import type { Split } from '../dataset/model'
import { annotatedPeople, type AnnotatedPerson } from '../dataset/queries'
import { labelMark } from '../dataset/revisions'
import { JOINT_COUNT } from './joints'
import type { EvalGroundTruth } from './types'

export interface ProjectGroundTruth extends EvalGroundTruth {
  personIds: number[]
  imageNames: string[]
  imageIds: number[]
  /** The label revision it was read at. */
  labelMark: number
}

export interface ProjectGroundTruthOptions {
  /** Read the labels as they were at this label mark (default: as they are now). */
  asOf?: number
}

function splitPeople(db: Db, split: string, asOf?: number): AnnotatedPerson[] {
  return annotatedPeople(db, { split: split as Split, asOf }).sort((a, b) => a.personId - b.personId)
}

/** The split's people in id order (the order prediction files for the split are read in). */
export function splitPersonIds(db: Db, split: string): number[] {
  return splitPeople(db, split).map((p) => p.personId)
}

export function projectGroundTruth(db: Db, split: string, options: ProjectGroundTruthOptions = {}): ProjectGroundTruth {
  return db.transaction(() => {
    const mark = options.asOf ?? labelMark(db)
    const people = splitPeople(db, split, options.asOf)
    const source = `split ${split} of the project${options.asOf === undefined ? '' : ` at label revision ${mark}`}`
    if (people.length === 0) throw badInput(`${source} has no people to evaluate on`, 'split')
    const count = people.length
    const gt: ProjectGroundTruth = {
      source,
      count,
      joints: new Float64Array(count * JOINT_COUNT * 2),
      missing: new Uint8Array(count * JOINT_COUNT).fill(1),
      headBoxes: new Float64Array(count * 4),
      personIds: people.map((p) => p.personId),
      imageNames: people.map((p) => p.imageName),
      imageIds: people.map((p) => p.imageId),
      labelMark: mark
    }
    const withoutBox: AnnotatedPerson[] = []
    people.forEach((person, n) => {
      const { joints, headBox } = person.annotation
      let annotated = false
      joints.forEach((joint, j) => {
        if (joint.state === 'missing' || joint.x === null || joint.y === null) return
        const i = n * JOINT_COUNT + j
        gt.missing[i] = 0
        gt.joints[i * 2] = joint.x
        gt.joints[i * 2 + 1] = joint.y
        annotated = true
      })
      if (headBox) gt.headBoxes.set([headBox.x1, headBox.y1, headBox.x2, headBox.y2], n * 4)
      else if (annotated) withoutBox.push(person)
    })
    if (withoutBox.length) {
      const first = withoutBox[0]
      throw badInput(
        `${source}: ${withoutBox.length} of ${count} people have annotated joints but no head box ` +
          `(person ${first.personId} in ${first.imageName} first); PCKh is normalised by the head size, so add their ` +
          `head boxes (or import a file that has them, such as MPII's detections.mat)`,
        'split'
      )
    }
    return gt
  })()
}
