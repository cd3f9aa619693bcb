// The dataset's domain types: what an image, a person and a joint are once they are in the project, in
// the conventions every importer converts to and every exporter converts from (conventions.ts):
//   - coordinates are MPII's 1-based pixel positions (the centre of the top-left pixel is (1, 1));
//   - centre and scale are the RAW MPII values (objpos; person height / 200 px), not pose-hg's adjusted ones;
//   - a joint is 'visible', 'occluded' (annotated, is_visible = 0) or 'missing' (not annotated; x, y null).
// These plain objects are what domain functions take and return; the contract mirrors them.

/** MPII joint order, count and flip pairs: one definition for the whole workbench (contract/mpii.ts). */
import { MPII_FLIP_PAIRS, MPII_JOINT_COUNT } from '../../contract/mpii'

export const JOINT_COUNT = MPII_JOINT_COUNT
export const FLIP_PAIRS = MPII_FLIP_PAIRS

export type JointState = 'visible' | 'occluded' | 'missing'
export type Split = 'train' | 'val' | 'test' | 'unknown'
export const SPLITS: readonly Split[] = ['train', 'val', 'test', 'unknown']

/** How a joint's state is stored in the `joints.state` column. */
export const STATE_CODE: Record<JointState, number> = { missing: 0, visible: 1, occluded: 2 }
export const STATE_OF_CODE: readonly JointState[] = ['missing', 'visible', 'occluded']

export interface Joint {
  /** MPII 1-based pixel coordinates; null when the joint is missing. */
  x: number | null
  y: number | null
  state: JointState
}

export interface Point {
  x: number
  y: number
}

export interface HeadBox {
  x1: number
  y1: number
  x2: number
  y2: number
}

/** A person's annotation: everything an edit can change. */
export interface PersonAnnotation {
  /** Raw MPII objpos (rough person centre), 1-based. */
  center: Point | null
  /** Raw MPII scale: person height / 200 px. */
  scale: number | null
  headBox: HeadBox | null
  /** Always 16, in MPII order. */
  joints: Joint[]
}

export interface Person extends PersonAnnotation {
  id: number
  imageId: number
  /** 1-based index of the person in the official annolist(i).annorect, when known. */
  mpiiPerson: number | null
  /** Number of revisions other than the import (edits, accepted predictions, undo, redo, restore). */
  edits: number
  /** Id of the latest revision that touched this person (0 for none). */
  revision: number
}

export interface Activity {
  id: number | null
  category: string | null
  name: string | null
}

export type FileState = 'unknown' | 'present' | 'missing'

export interface ImageInfo {
  id: number
  /** The file name as the annotations give it, relative to an images folder ("005808361.jpg"). */
  name: string
  split: Split
  /** Pixel size, null until read from the file (it is read lazily). */
  width: number | null
  height: number | null
  fileState: FileState
  /** 1-based index in the official annolist, when known. */
  mpiiIndex: number | null
  activity: Activity | null
}

/**
 * A change to a person, as stored in a revision (`old` and `new` are both patches). Only the parts that
 * changed are present; `deleted` true means "the person does not exist" (before an import or an add,
 * after a delete).
 */
export interface PersonPatch {
  deleted?: boolean
  center?: Point | null
  scale?: number | null
  headBox?: HeadBox | null
  /** Keyed by joint id (0..15). */
  joints?: Record<number, Joint>
}

/** Why a revision exists. */
export type RevisionReason = 'import' | 'edit' | 'accept-prediction' | 'undo' | 'redo' | 'restore'

export interface Revision {
  id: number
  personId: number
  imageId: number
  reason: RevisionReason
  /** What was done: 'import', 'moveJoint', 'setJointState', 'swapLeftRight', 'undo', … */
  operation: string
  old: PersonPatch
  new: PersonPatch
  /** ISO time. */
  at: string
  author: string
  note: string | null
  /** For undo and redo: the revision undone or redone. */
  reverts: number | null
}

export function emptyJoints(): Joint[] {
  return Array.from({ length: JOINT_COUNT }, () => ({ x: null, y: null, state: 'missing' as const }))
}
