import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addPerson, editPerson } from './edits'
import { importAnnotations } from './import'
import { listDirectory } from './list-directory'
import { datasetStats, getImage, listImages } from './queries'
import { FIXTURES, tempProject, type TempProject } from './test-support'

let project: TempProject
beforeAll(async () => {
  project = tempProject()
  await importAnnotations(project.db, { file: join(FIXTURES, 'mpii-release-mini.mat') })
})
afterAll(() => project.dispose())

describe('image lists', () => {
  it('pages with a total and keeps the order', () => {
    const all = listImages(project.db, {})
    expect(all.total).toBe(5)
    expect(all.images.map((i) => i.name)).toEqual(['img-a.jpg', 'img-b.jpg', 'img-c.jpg', 'img-d.jpg', 'img-e.jpg'])
    const page = listImages(project.db, { offset: 2, limit: 2 })
    expect(page).toMatchObject({ total: 5, offset: 2 })
    expect(page.images.map((i) => i.name)).toEqual(['img-c.jpg', 'img-d.jpg'])
    expect(listImages(project.db, { order: 'name', limit: 1, offset: 4 }).images[0].name).toBe('img-e.jpg')
  })

  it('filters by split, name, missing and occluded joints, and counts per image', () => {
    expect(listImages(project.db, { filter: { split: 'test' } }).images.map((i) => i.name)).toEqual(['img-c.jpg', 'img-d.jpg'])
    expect(listImages(project.db, { filter: { search: 'G-B' } }).images.map((i) => i.name)).toEqual(['img-b.jpg'])
    expect(listImages(project.db, { filter: { search: '%' } }).total).toBe(0)
    expect(listImages(project.db, { filter: { occludedJoints: true } }).images.map((i) => i.name)).toEqual(['img-a.jpg', 'img-e.jpg'])
    expect(listImages(project.db, { filter: { occludedJoints: false, split: 'train' } }).images.map((i) => i.name)).toEqual(['img-b.jpg'])
    expect(listImages(project.db, { filter: { missingJoints: false } }).images.map((i) => i.name)).toEqual(['img-d.jpg'])
    const a = listImages(project.db, { filter: { search: 'img-a' } }).images[0]
    expect(a).toMatchObject({ personCount: 2, editedPeople: 0, occludedJoints: 2, missingJoints: 12 })
    expect(a.people).toBeUndefined()
    expect(listImages(project.db, { filter: { search: 'img-a' }, withPeople: true }).images[0].people).toHaveLength(2)
  })

  it('filters edited images and follows edits, adds and deletes', () => {
    const b = getImage(project.db, listImages(project.db, { filter: { search: 'img-b' } }).images[0].id)
    editPerson(project.db, b.people[0].id, { op: 'setJointState', joint: 9, state: 'occluded' }, { author: 't' })
    expect(listImages(project.db, { filter: { edited: true } }).images.map((i) => i.name)).toEqual(['img-b.jpg'])
    expect(listImages(project.db, { filter: { occludedJoints: true } }).total).toBe(3)
    const { person } = addPerson(project.db, b.id, null, { author: 't' })
    expect(listImages(project.db, { filter: { search: 'img-b' } }).images[0]).toMatchObject({ personCount: 2, editedPeople: 2 })
    editPerson(project.db, person.id, { op: 'deletePerson' }, { author: 't' })
    expect(listImages(project.db, { filter: { search: 'img-b' } }).images[0]).toMatchObject({ personCount: 1 })
  })

  it('gives dataset statistics', () => {
    const stats = datasetStats(project.db)
    expect(stats.images).toEqual({ total: 5, bySplit: { train: 3, val: 0, test: 2, unknown: 0 }, present: 0, missing: 0, unknown: 5 })
    expect(stats.people).toMatchObject({ total: 6, bySplit: { train: 4, test: 2, val: 0, unknown: 0 }, deleted: 1 })
    expect(stats.joints.visible + stats.joints.occluded + stats.joints.missing).toBe(6 * 16)
    expect(stats.perJoint[3]).toEqual({ visible: 0, occluded: 1, missing: 5 })
    expect(stats.revisions.byReason).toMatchObject({ import: 6, edit: 3 })
    expect(stats.mark).toBe(9)
    expect(stats.imports).toEqual([expect.objectContaining({ format: 'mpii-release', peopleAdded: 6 })])
  })

  it('says which image is missing', () => {
    expect(() => getImage(project.db, 999)).toThrow('no image 999 in this project')
  })
})

describe('listDirectory', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'listing-'))
    mkdirSync(join(dir, 'images'))
    mkdirSync(join(dir, '.hidden'))
    writeFileSync(join(dir, 'val.h5'), 'x')
    writeFileSync(join(dir, 'notes.txt'), 'hello')
    symlinkSync(join(dir, 'images'), join(dir, 'linked'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('lists folders first, then files, with sizes; hides dot files unless asked', () => {
    const listing = listDirectory(dir)
    expect(listing).toEqual({
      path: dir,
      parent: tmpdir(),
      truncated: false,
      entries: [
        { name: 'images', kind: 'dir' },
        { name: 'linked', kind: 'dir' },
        { name: 'notes.txt', kind: 'file', size: 5 },
        { name: 'val.h5', kind: 'file', size: 1 }
      ]
    })
    expect(listDirectory(dir, { showHidden: true }).entries.map((e) => e.name)).toContain('.hidden')
    expect(listDirectory(dir, { extensions: ['h5', '.mat'] }).entries.map((e) => e.name)).toEqual(['images', 'linked', 'val.h5'])
    expect(listDirectory('/').parent).toBeNull()
  })

  it('says what is wrong with a path', () => {
    expect(() => listDirectory(join(dir, 'nope'))).toThrow(`${join(dir, 'nope')}: no such folder`)
    expect(() => listDirectory(join(dir, 'val.h5'))).toThrow(new RegExp(`^${join(dir, 'val.h5')} is not a folder$`))
  })
})
