import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WorkbenchError } from '../errors'
import { addPerson, editPerson } from './edits'
import { importAnnotations } from './import'
import type { Person } from './model'
import { fullPatch, fullPatchJson } from './people-store'
import { annotatedPeople, getImage, listImages } from './queries'
import { changesSince, labelMark, personAt, personHistory, redo, restoreRevision, undo, undoState } from './revisions'
import { FIXTURES, tempProject, type TempProject } from './test-support'

let project: TempProject
let first: Person
let second: Person
const me = { author: 'tester' }

beforeEach(async () => {
  project = tempProject()
  await importAnnotations(project.db, { file: join(FIXTURES, 'mpii-release-mini.mat') })
  const page = listImages(project.db, { withPeople: true })
  first = page.images[0].people![0]
  second = page.images[1].people![0]
})
afterEach(() => project.dispose())


describe('editing a person', () => {
  it('moves a joint, recording old and new values with the revision', () => {
    const { person: moved, revision } = editPerson(project.db, first.id, { op: 'moveJoint', joint: 3, x: 131.5, y: 216.25 }, { ...me, note: 'knee was off' })
    expect(moved.joints[3]).toEqual({ x: 131.5, y: 216.25, state: 'occluded' })
    expect(revision).toMatchObject({
      personId: first.id,
      imageId: first.imageId,
      reason: 'edit',
      operation: 'moveJoint',
      old: { joints: { 3: { x: 130, y: 215, state: 'occluded' } } },
      new: { joints: { 3: { x: 131.5, y: 216.25, state: 'occluded' } } },
      author: 'tester',
      note: 'knee was off',
      reverts: null
    })
    expect(Date.parse(revision!.at)).toBeGreaterThan(0)
    expect(moved.edits).toBe(1)
    expect(listImages(project.db, { filter: { edited: true } }).images.map((i) => i.id)).toEqual([first.imageId])
  })

  it('sets a joint occluded and visible, deletes, restores and adds joints', () => {
    expect(editPerson(project.db, first.id, { op: 'setJointState', joint: 0, state: 'occluded' }, me).person.joints[0].state).toBe('occluded')
    expect(editPerson(project.db, first.id, { op: 'deleteJoint', joint: 0 }, me).person.joints[0]).toEqual({ x: null, y: null, state: 'missing' })
    expect(() => editPerson(project.db, first.id, { op: 'setJointState', joint: 0, state: 'visible' }, me)).toThrow(/joint 0 is missing: add it/)
    expect(editPerson(project.db, first.id, { op: 'restoreJoint', joint: 0 }, me).person.joints[0]).toEqual({ x: 100, y: 200, state: 'occluded' })
    expect(() => editPerson(project.db, first.id, { op: 'restoreJoint', joint: 1 }, me)).toThrow(/joint 1 of person \d+ was never deleted/)
    const added = editPerson(project.db, second.id, { op: 'addJoint', joint: 0, x: 22, y: 33, state: 'occluded' }, me).person
    expect(added.joints[0]).toEqual({ x: 22, y: 33, state: 'occluded' })
    expect(listImages(project.db, { filter: { search: 'img-b' } }).images[0]).toMatchObject({ occludedJoints: 1, missingJoints: 14 })
  })

  it('swaps left and right with the MPII flip pairs', () => {
    const swapped = editPerson(project.db, first.id, { op: 'swapLeftRight' }, me).person
    expect(swapped.joints[0]).toEqual(first.joints[5])
    expect(swapped.joints[5]).toEqual(first.joints[0])
    expect(swapped.joints[12]).toEqual(first.joints[13])
    expect(swapped.joints[6]).toEqual(first.joints[6])
    expect(editPerson(project.db, first.id, { op: 'swapLeftRight' }, me).person.joints).toEqual(first.joints)
  })

  it('edits the head box and the centre/scale', () => {
    const box = editPerson(project.db, first.id, { op: 'setHeadBox', headBox: { x1: 1, y1: 2, x2: 3, y2: 4 } }, me).person
    expect(box.headBox).toEqual({ x1: 1, y1: 2, x2: 3, y2: 4 })
    const moved = editPerson(project.db, first.id, { op: 'setCenterScale', center: { x: 170, y: 250 } }, me).person
    expect(moved).toMatchObject({ center: { x: 170, y: 250 }, scale: 3.5 })
    expect(editPerson(project.db, first.id, { op: 'setCenterScale', scale: 4 }, me).person.scale).toBe(4)
    expect(() => editPerson(project.db, first.id, { op: 'setCenterScale', scale: -1 }, me)).toThrow(/scale must be a positive number/)
  })

  it('accepts a prediction for one joint or a whole person, recorded as such', () => {
    const one = editPerson(project.db, second.id, { op: 'acceptPrediction', joints: [{ joint: 7, x: 21, y: 30 }], source: 'run 3, epoch 40' }, me)
    expect(one.person.joints[7]).toEqual({ x: 21, y: 30, state: 'visible' })
    expect(one.revision).toMatchObject({ reason: 'accept-prediction', operation: 'acceptPrediction', note: 'run 3, epoch 40' })
    const all = Array.from({ length: 16 }, (_, j) => ({ joint: j, x: 10 + j, y: 20 + j }))
    const whole = editPerson(project.db, second.id, { op: 'acceptPrediction', joints: all, source: 'run 3' }, me).person
    expect(whole.joints.every((j, k) => j.x === 10 + k && j.state === 'visible')).toBe(true)
    expect(personHistory(project.db, second.id).map((r) => r.reason)).toEqual(['accept-prediction', 'accept-prediction', 'import'])
  })

  it('adds and deletes a person; a deleted person leaves the lists and can be restored', () => {
    const { person: added } = addPerson(project.db, second.imageId, null, me)
    expect(getImage(project.db, second.imageId).people).toHaveLength(2)
    expect(added.joints.every((j) => j.state === 'missing')).toBe(true)
    editPerson(project.db, added.id, { op: 'addJoint', joint: 9, x: 5, y: 6 }, me)
    editPerson(project.db, added.id, { op: 'deletePerson' }, me)
    expect(getImage(project.db, second.imageId).people).toHaveLength(1)
    expect(() => editPerson(project.db, added.id, { op: 'moveJoint', joint: 9, x: 1, y: 1 }, me)).toThrow(/is deleted; restore it/)
    const back = editPerson(project.db, added.id, { op: 'restorePerson' }, me).person
    expect(back.joints[9]).toEqual({ x: 5, y: 6, state: 'visible' })
    expect(() => addPerson(project.db, 9999, null, me)).toThrow(/no image 9999/)
  })

  it('refuses bad values naming the field, and records nothing for a change that changes nothing', () => {
    const mark = labelMark(project.db)
    const bad = (fn: () => unknown) => {
      try {
        fn()
      } catch (error) {
        return error as WorkbenchError
      }
      throw new Error('expected an error')
    }
    expect(bad(() => editPerson(project.db, first.id, { op: 'moveJoint', joint: 16, x: 1, y: 1 }, me))).toMatchObject({ code: 'bad_input', field: 'operation.joint' })
    expect(bad(() => editPerson(project.db, first.id, { op: 'moveJoint', joint: 1, x: Number.NaN, y: 1 }, me)).code).toBe('bad_input')
    expect(bad(() => editPerson(project.db, 12345, { op: 'deleteJoint', joint: 1 }, me)).code).toBe('not_found')
    const same = editPerson(project.db, first.id, { op: 'moveJoint', joint: 0, x: 100, y: 200 }, me)
    expect(same.revision).toBeNull()
    expect(labelMark(project.db)).toBe(mark)
  })
})

describe('undo, redo, history and restore', () => {
  it('undoes and redoes across images, each step recorded as a revision', () => {
    editPerson(project.db, first.id, { op: 'moveJoint', joint: 0, x: 1, y: 1 }, me)
    editPerson(project.db, second.id, { op: 'deleteJoint', joint: 9 }, me)
    expect(undoState(project.db)).toMatchObject({ undo: { personId: second.id, imageId: second.imageId, operation: 'deleteJoint' }, redo: null, undoDepth: 2 })

    const undone = undo(project.db, 'tester')!
    expect(undone.person.id).toBe(second.id)
    expect(undone.person.joints[9]).toEqual(second.joints[9])
    expect(undone.revision).toMatchObject({ reason: 'undo', operation: 'undo' })
    const undone2 = undo(project.db, 'tester')!
    expect(undone2.person.joints[0]).toEqual(first.joints[0])
    expect(undo(project.db, 'tester')).toBeNull()

    const redone = redo(project.db, 'tester')!
    expect(redone.person.joints[0]).toEqual({ x: 1, y: 1, state: 'visible' })
    expect(redone.revision).toMatchObject({ reason: 'redo', reverts: undone2.revision!.reverts })
    expect(undoState(project.db)).toMatchObject({ undo: { personId: first.id }, redo: { personId: second.id }, undoDepth: 1, redoDepth: 1 })
    // A new change clears the redo stack.
    editPerson(project.db, first.id, { op: 'moveJoint', joint: 1, x: 2, y: 2 }, me)
    expect(undoState(project.db).redo).toBeNull()
    expect(personHistory(project.db, first.id).map((r) => r.reason)).toEqual(['edit', 'redo', 'undo', 'edit', 'import'])
  })

  it('keeps the undo and redo stacks across a restart', () => {
    editPerson(project.db, first.id, { op: 'moveJoint', joint: 0, x: 1, y: 1 }, me)
    editPerson(project.db, first.id, { op: 'moveJoint', joint: 0, x: 2, y: 2 }, me)
    undo(project.db, 'tester')
    const db = project.reopen()
    expect(undoState(db)).toMatchObject({ undoDepth: 1, redoDepth: 1 })
    expect(redo(db, 'tester')!.person.joints[0]).toMatchObject({ x: 2, y: 2 })
    expect(undo(db, 'tester')!.person.joints[0]).toMatchObject({ x: 1, y: 1 })
    expect(undo(db, 'tester')!.person.joints[0]).toMatchObject({ x: 100, y: 200 })
  })

  it('undoes adding and deleting a person', () => {
    const ids = () => getImage(project.db, first.imageId).people.map((p) => p.id)
    const [, other] = ids()
    const { person: added } = addPerson(project.db, first.imageId, null, me)
    editPerson(project.db, first.id, { op: 'deletePerson' }, me)
    expect(ids()).toEqual([other, added.id])
    undo(project.db, 'tester')
    expect(ids()).toEqual([first.id, other, added.id])
    undo(project.db, 'tester')
    expect(ids()).toEqual([first.id, other])
    expect(redo(project.db, 'tester')!.person.id).toBe(added.id)
    expect(ids()).toEqual([first.id, other, added.id])
  })

  it('restores a person to any earlier revision, undoably', () => {
    const r1 = editPerson(project.db, first.id, { op: 'moveJoint', joint: 0, x: 1, y: 1 }, me).revision!
    editPerson(project.db, first.id, { op: 'swapLeftRight' }, me)
    editPerson(project.db, first.id, { op: 'setHeadBox', headBox: null }, me)
    const restored = restoreRevision(project.db, first.id, r1.id, 'tester')
    expect(restored.revision).toMatchObject({ reason: 'restore', note: `restore to revision ${r1.id}` })
    expect(restored.person.joints).toEqual(first.joints.map((j, k) => (k === 0 ? { x: 1, y: 1, state: 'visible' } : j)))
    expect(restored.person.headBox).toEqual(first.headBox)
    const imported = personHistory(project.db, first.id).at(-1)!
    expect(restoreRevision(project.db, first.id, imported.id, 'tester').person.joints).toEqual(first.joints)
    expect(undo(project.db, 'tester')!.person.joints[0]).toEqual({ x: 1, y: 1, state: 'visible' })
    expect(() => restoreRevision(project.db, second.id, r1.id, 'tester')).toThrow(/has no revision/)
  })

  it('refuses to undo over a change made outside the undo history', () => {
    editPerson(project.db, first.id, { op: 'moveJoint', joint: 0, x: 1, y: 1 }, me)
    project.db.prepare('UPDATE joints SET x = 5 WHERE person_id = ? AND joint = 0').run(first.id)
    expect(() => undo(project.db, 'tester')).toThrow(/cannot undo revision \d+ \(moveJoint\): person \d+ has changed since/)
  })
})

describe('label marks', () => {
  it('counts changes since a mark and reads the labels as they were at it', () => {
    const mark = labelMark(project.db)
    expect(changesSince(project.db, mark)).toEqual({ revisions: 0, people: 0 })
    editPerson(project.db, first.id, { op: 'moveJoint', joint: 0, x: 1, y: 1 }, me)
    editPerson(project.db, second.id, { op: 'deletePerson' }, me)
    const { person: added } = addPerson(project.db, first.imageId, null, me)
    expect(changesSince(project.db, mark)).toEqual({ revisions: 3, people: 3 })
    expect(personAt(project.db, first.id, mark)!.joints[0]).toEqual(first.joints[0])
    expect(personAt(project.db, added.id, mark)).toBeNull()

    const now = annotatedPeople(project.db, { split: 'train' })
    const then = annotatedPeople(project.db, { split: 'train', asOf: mark })
    expect(now.map((p) => p.personId)).toContain(added.id)
    expect(now.map((p) => p.personId)).not.toContain(second.id)
    expect(then.map((p) => p.personId)).toEqual([...then.map((p) => p.personId)].sort((a, b) => a - b))
    expect(then.map((p) => p.personId)).toContain(second.id)
    expect(then.map((p) => p.personId)).not.toContain(added.id)
    expect(then.find((p) => p.personId === first.id)!.annotation.joints[0]).toEqual(first.joints[0])
    expect(now.find((p) => p.personId === first.id)!.annotation.joints[0]).toEqual({ x: 1, y: 1, state: 'visible' })
  })
})

describe('the import revision', () => {
  it('stores the full annotation exactly as fullPatch would', () => {
    const samples = [first, second, { ...first, center: null, scale: null, headBox: null }, { ...second, headBox: { x1: 0.1, y1: -2, x2: 1e21, y2: 3 } }]
    for (const p of samples) expect(fullPatchJson(p)).toBe(JSON.stringify(fullPatch(p)))
    const stored = personHistory(project.db, first.id).at(-1)!
    expect(stored.new).toEqual(JSON.parse(JSON.stringify(fullPatch(first))))
  })
})
