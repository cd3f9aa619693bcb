// The editing domain the annotation editor calls. Every call is ONE SQLite transaction holding the
// change and its revision, and returns the updated person so the UI can redraw.
//
//   editPerson(db, personId, operation, { author, note? })   → { person, revision }
//   addPerson(db, imageId, annotation?, { author })          → { person, revision }
//   undo / redo / restoreRevision / personHistory            (revisions.ts)
//
// Operations (EditOperation, a discriminated union on `op`):
//   moveJoint       { joint, x, y }             a missing joint becomes visible; others keep their state
//   setJointState   { joint, state }            'visible' | 'occluded' (a missing joint needs addJoint)
//   deleteJoint     { joint }                   the joint becomes missing
//   restoreJoint    { joint }                   back to its values before its latest deletion
//   addJoint        { joint, x, y, state? }     place a missing joint (default 'visible')
//   swapLeftRight   {}                          swap the six MPII left/right pairs
//   setHeadBox      { headBox | null }
//   setCenterScale  { center?, scale? }         raw MPII objpos and scale
//   acceptPrediction{ joints: [{ joint, x, y, state? }], source }  recorded with reason 'accept-prediction'
//   deletePerson    {}                          the person is hidden; history keeps it, undo brings it back
//   restorePerson   {}                          undelete
// Coordinates are MPII 1-based (conventions.ts). Bad values are refused with badInput naming the field.
import { badInput, conflict } from '../errors'
import { statement, type Db } from './db'
import { FLIP_PAIRS, JOINT_COUNT, emptyJoints, type HeadBox, type Joint, type PersonAnnotation, type PersonPatch, type Point } from './model'
import { checkAnnotation, checkHeadBox, checkJoint, checkPoint, fullPatch, insertPerson, refreshImageCounts, requirePerson, type StoredPerson } from './people-store'
import { commitChange, getRevision, insertRevision, pushUndo, type ChangeResult } from './revisions'
import { assertWritable } from './write-lock'

export type EditOperation =
  | { op: 'moveJoint'; joint: number; x: number; y: number }
  | { op: 'setJointState'; joint: number; state: 'visible' | 'occluded' }
  | { op: 'deleteJoint'; joint: number }
  | { op: 'restoreJoint'; joint: number }
  | { op: 'addJoint'; joint: number; x: number; y: number; state?: 'visible' | 'occluded' }
  | { op: 'swapLeftRight' }
  | { op: 'setHeadBox'; headBox: HeadBox | null }
  | { op: 'setCenterScale'; center?: Point | null; scale?: number | null }
  | { op: 'acceptPrediction'; joints: PredictedJoint[]; source: string }
  | { op: 'deletePerson' }
  | { op: 'restorePerson' }

export interface PredictedJoint {
  joint: number
  x: number
  y: number
  state?: 'visible' | 'occluded'
}

export interface EditMeta {
  /** Who made the change (recorded in the revision). */
  author: string
  /** Why, in the user's words or the caller's (e.g. the run a prediction came from). */
  note?: string | null
}

export function editPerson(db: Db, personId: number, operation: EditOperation, meta: EditMeta): ChangeResult {
  const person = requirePerson(db, personId)
  if (person.deleted && operation.op !== 'restorePerson') throw conflict(`person ${personId} is deleted; restore it before editing`, 'personId')
  const patch = patchFor(db, person, operation)
  const isPrediction = operation.op === 'acceptPrediction'
  return commitChange(db, personId, patch, {
    reason: isPrediction ? 'accept-prediction' : 'edit',
    operation: operation.op,
    author: meta.author,
    note: meta.note ?? (isPrediction ? operation.source : null)
  })
}

/** Adds a person to an image (all joints missing unless given); recorded and undoable like an edit. */
export function addPerson(db: Db, imageId: number, annotation: PersonAnnotation | null, meta: EditMeta): ChangeResult {
  assertWritable(db)
  const value = checkAnnotation(annotation ?? { center: null, scale: null, headBox: null, joints: emptyJoints() }, 'person')
  return db.transaction((): ChangeResult => {
    if (!statement(db, 'SELECT 1 FROM images WHERE id = ?').get(imageId)) throw badInput(`no image ${imageId} in this project`, 'imageId')
    const personId = insertPerson(db, imageId, null, value)
    const id = insertRevision(db, personId, 'edit', 'addPerson', { deleted: true }, fullPatch(value), meta.author, meta.note ?? null, null)
    refreshImageCounts(db, imageId)
    pushUndo(db, id)
    return { person: requirePerson(db, personId), revision: getRevision(db, id) }
  })()
}

function patchFor(db: Db, person: StoredPerson, operation: EditOperation): PersonPatch {
  switch (operation.op) {
    case 'moveJoint': {
      const current = person.joints[jointIndex(operation.joint)]
      const state = current.state === 'missing' ? 'visible' : current.state
      return jointPatch(operation.joint, { x: operation.x, y: operation.y, state })
    }
    case 'setJointState': {
      const current = person.joints[jointIndex(operation.joint)]
      if (current.state === 'missing') throw badInput(`joint ${operation.joint} is missing: add it before setting its state`, 'operation.joint')
      return jointPatch(operation.joint, { ...current, state: operation.state })
    }
    case 'deleteJoint':
      jointIndex(operation.joint)
      return jointPatch(operation.joint, { x: null, y: null, state: 'missing' })
    case 'restoreJoint':
      return jointPatch(operation.joint, lastBeforeDeletion(db, person.id, jointIndex(operation.joint)))
    case 'addJoint':
      return jointPatch(operation.joint, { x: operation.x, y: operation.y, state: operation.state ?? 'visible' })
    case 'swapLeftRight': {
      const joints: Record<number, Joint> = {}
      for (const [a, b] of FLIP_PAIRS) {
        joints[a] = { ...person.joints[b] }
        joints[b] = { ...person.joints[a] }
      }
      return { joints }
    }
    case 'setHeadBox':
      if (operation.headBox) checkHeadBox(operation.headBox, 'operation.headBox')
      return { headBox: operation.headBox }
    case 'setCenterScale': {
      const patch: PersonPatch = {}
      if (operation.center !== undefined) {
        if (operation.center) checkPoint(operation.center, 'operation.center')
        patch.center = operation.center
      }
      if (operation.scale !== undefined) {
        if (operation.scale !== null && !(Number.isFinite(operation.scale) && operation.scale > 0)) {
          throw badInput(`scale must be a positive number, got ${operation.scale}`, 'operation.scale')
        }
        patch.scale = operation.scale
      }
      return patch
    }
    case 'acceptPrediction': {
      if (operation.joints.length === 0) throw badInput('acceptPrediction needs at least one joint', 'operation.joints')
      const joints: Record<number, Joint> = {}
      operation.joints.forEach((p, i) => {
        const joint: Joint = { x: p.x, y: p.y, state: p.state ?? 'visible' }
        checkJoint(joint, `operation.joints.${i}`)
        joints[jointIndex(p.joint, `operation.joints.${i}.joint`)] = joint
      })
      return { joints }
    }
    case 'deletePerson':
      return { deleted: true }
    case 'restorePerson':
      return { deleted: false }
  }
}

function jointIndex(joint: number, field = 'operation.joint'): number {
  if (!Number.isInteger(joint) || joint < 0 || joint >= JOINT_COUNT) throw badInput(`joint must be an integer 0..15, got ${joint}`, field)
  return joint
}

function jointPatch(joint: number, value: Joint): PersonPatch {
  const index = jointIndex(joint)
  checkJoint(value, 'operation')
  return { joints: { [index]: value } }
}

/** The joint's values just before the latest revision that made it missing. */
function lastBeforeDeletion(db: Db, personId: number, joint: number): Joint {
  const rows = statement(db, 'SELECT old, new FROM revisions WHERE person_id = ? ORDER BY id DESC').all(personId) as { old: string; new: string }[]
  for (const row of rows) {
    const before = (JSON.parse(row.old) as PersonPatch).joints?.[joint]
    const after = (JSON.parse(row.new) as PersonPatch).joints?.[joint]
    if (before && after && before.state !== 'missing' && after.state === 'missing') return before
  }
  throw badInput(`joint ${joint} of person ${personId} was never deleted: nothing to restore`, 'operation.joint')
}
