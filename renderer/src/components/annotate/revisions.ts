// A revision in words for the history panel: what changed, on which joints, from where to where.
import type { Revision } from '../../../../contract'
import { MPII_JOINT_LABELS } from '../../../../contract/mpii'

type Patch = Revision['new']

function jointsOf(patch: Patch): number[] {
  return Object.keys(patch.joints ?? {})
    .map(Number)
    .sort((a, b) => a - b)
}

function jointList(joints: number[]): string {
  if (joints.length === 0) return ''
  if (joints.length > 3) return `${joints.length} joints`
  return joints.map((j) => MPII_JOINT_LABELS[j]).join(', ')
}

function position(patch: Patch, joint: number): string {
  const j = patch.joints?.[String(joint)]
  if (!j || j.x === null || j.y === null) return 'missing'
  return `(${j.x.toFixed(1)}, ${j.y.toFixed(1)})${j.state === 'occluded' ? ' occluded' : ''}`
}

export function describeRevision(revision: Revision): string {
  const joints = jointsOf(revision.new)
  const one = joints.length === 1 ? joints[0] : null
  const names = jointList(joints)
  switch (revision.operation) {
    case 'import':
      return 'Imported'
    case 'moveJoint':
      return one === null ? `Moved ${names}` : `Moved ${names} ${position(revision.old, one)} → ${position(revision.new, one)}`
    case 'setJointState':
      return one === null ? `Changed ${names}` : `Marked ${names} ${revision.new.joints?.[String(one)]?.state ?? ''}`
    case 'deleteJoint':
      return `Deleted ${names}`
    case 'restoreJoint':
      return `Restored ${names}`
    case 'addJoint':
      return one === null ? `Placed ${names}` : `Placed ${names} at ${position(revision.new, one)}`
    case 'swapLeftRight':
      return 'Swapped left and right'
    case 'setHeadBox':
      return revision.new.headBox ? 'Changed the head box' : 'Removed the head box'
    case 'setCenterScale':
      return revision.new.scale !== undefined && revision.new.center === undefined ? 'Changed the scale' : 'Changed the centre'
    case 'acceptPrediction':
      return `Accepted the prediction for ${names}`
    case 'deletePerson':
      return 'Deleted the person'
    case 'restorePerson':
      return 'Restored the person'
    case 'addPerson':
      return 'Added the person'
    case 'undo':
      return `Undo of revision ${revision.reverts ?? '?'}${names ? ` (${names})` : ''}`
    case 'redo':
      return `Redo of revision ${revision.reverts ?? '?'}${names ? ` (${names})` : ''}`
    case 'restore':
      return revision.note ? revision.note[0].toUpperCase() + revision.note.slice(1) : 'Restored an earlier revision'
    default:
      return revision.operation
  }
}

const REASON_LABELS: Record<Revision['reason'], string> = {
  import: 'import',
  edit: 'edit',
  'accept-prediction': 'accept-prediction',
  undo: 'undo',
  redo: 'redo',
  restore: 'restore'
}

export function reasonLabel(reason: Revision['reason']): string {
  return REASON_LABELS[reason]
}
