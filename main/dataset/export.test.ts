import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { editPerson } from './edits'
import { exportAnnotations } from './export'
import { readPoseH5 } from './formats/h5'
import { importAnnotations } from './import'
import { annotatedPeople } from './queries'
import { labelMark } from './revisions'
import { REAL_DATA, tempProject, type TempProject } from './test-support'

const VAL = join(REAL_DATA, 'val.h5')
let imported: TempProject
let source: TempProject
let target: TempProject

beforeAll(async () => {
  imported = tempProject()
  await importAnnotations(imported.db, { file: VAL })
  await importAnnotations(imported.db, { file: join(REAL_DATA, 'detections.mat') })
})
afterAll(() => imported.dispose())
beforeEach(() => {
  source = tempProject('export-test-', imported)
  target = tempProject()
})
afterEach(() => {
  source.dispose()
  target.dispose()
})

/** The annotations of a project keyed by image and MPII person, for comparing two projects. */
function byKey(project: TempProject) {
  return new Map(annotatedPeople(project.db).map((p) => [`${p.imageName}#${p.mpiiPerson ?? `${p.annotation.center?.x},${p.annotation.center?.y}`}`, p]))
}

describe('export', () => {
  it('writes the h5 layout that reads back as the original val.h5 (centre/scale re-adjusted, normalize from head boxes)', async () => {
    const file = join(source.dir, 'out.h5')
    const summary = await exportAnnotations(source.db, { format: 'pose-h5', file })
    expect(summary).toEqual({ file, format: 'pose-h5', people: 2958, images: 2729, skipped: 0 })
    const [original, written] = [await readPoseH5(VAL), await readPoseH5(file)]
    expect(written.imgname).toEqual(original.imgname)
    expect(written.index).toEqual(original.index)
    expect(written.person).toEqual(original.person)
    // The h5 joints were integer-truncated; the database now holds detections.mat's exact values for the
    // same people (filled head boxes only: joints stay as first imported, from val.h5).
    expect(written.part).toEqual(original.part)
    expect(written.visible).toEqual(original.visible)
    for (let n = 0; n < original.count; n++) {
      expect(written.scale[n]).toBeCloseTo(original.scale[n], 10)
      expect(written.center[2 * n + 1]).toBeCloseTo(original.center[2 * n + 1], 9)
      expect(written.normalize![n]).toBeCloseTo(original.normalize![n], 3)
    }
  })

  it('round-trips through the h5 importer into another project', async () => {
    const file = join(source.dir, 'out.h5')
    await exportAnnotations(source.db, { format: 'pose-h5', file })
    await importAnnotations(target.db, { file, split: 'val' })
    const [a, b] = [byKey(source), byKey(target)]
    expect(b.size).toBe(a.size)
    for (const [key, p] of a) {
      const q = b.get(key)!
      expect(q.annotation.joints).toEqual(p.annotation.joints)
      expect(q.annotation.scale).toBeCloseTo(p.annotation.scale!, 10)
      expect(q.annotation.center!.y).toBeCloseTo(p.annotation.center!.y, 9)
    }
  })

  it('round-trips through the MMPose JSON importer, occlusion included, and exports edits', async () => {
    const person = annotatedPeople(source.db)[0]
    editPerson(source.db, person.personId, { op: 'moveJoint', joint: 0, x: 801.25, y: 700.5 }, { author: 't' })
    editPerson(source.db, person.personId, { op: 'deleteJoint', joint: 1 }, { author: 't' })
    const file = join(source.dir, 'mpii_val.json')
    expect(await exportAnnotations(source.db, { format: 'mmpose-json', file })).toMatchObject({ people: 2958, skipped: 0 })
    const entries = JSON.parse(readFileSync(file, 'utf8'))
    expect(Object.keys(entries[0]).sort()).toEqual(['center', 'head_box', 'image', 'is_visible', 'joints', 'joints_vis', 'scale'])
    expect(entries[0].head_box).toEqual([914, 79, 1031, 237])
    expect(entries[0].joints[1]).toEqual([-1, -1])
    expect(entries[0].joints_vis[1]).toBe(0)
    await importAnnotations(target.db, { file })
    const moved = annotatedPeople(target.db)[0]
    expect(moved.annotation.joints[0]).toEqual({ x: 801.25, y: 700.5, state: 'visible' })
    expect(moved.annotation.joints[1].state).toBe('missing')
    const sourceStates = annotatedPeople(source.db).flatMap((p) => p.annotation.joints.map((j) => j.state))
    const targetStates = annotatedPeople(target.db).flatMap((p) => p.annotation.joints.map((j) => j.state))
    expect(targetStates).toEqual(sourceStates)
    expect(targetStates.filter((s) => s === 'occluded').length).toBe(10243)
    expect(annotatedPeople(target.db).map((p) => p.annotation.headBox)).toEqual(annotatedPeople(source.db).map((p) => p.annotation.headBox))
  })

  it('exports the labels as they were at a mark, or one split only', async () => {
    const mark = labelMark(source.db)
    const person = annotatedPeople(source.db)[0]
    editPerson(source.db, person.personId, { op: 'moveJoint', joint: 0, x: 1, y: 1 }, { author: 't' })
    const file = join(source.dir, 'at-mark.json')
    await exportAnnotations(source.db, { format: 'mmpose-json', file, asOf: mark })
    expect(JSON.parse(readFileSync(file, 'utf8'))[0].joints[0]).toEqual([804, 711])
    expect(await exportAnnotations(source.db, { format: 'mmpose-json', file, split: 'train' })).toMatchObject({ people: 0 })
  })

  it('fails cleanly on an unwritable target, leaving no file behind', async () => {
    const file = join(source.dir, 'no-such-folder', 'out.json')
    await expect(exportAnnotations(source.db, { format: 'mmpose-json', file })).rejects.toThrow(/out\.json: cannot write: ENOENT/)
    expect(existsSync(file)).toBe(false)
    expect(readdirSync(source.dir).filter((n) => n.endsWith('.tmp'))).toEqual([])
  })
})
