import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventName, Params, Payload, RequestName, Result } from '../../contract'
import { Workbench } from '../workbench'

const FIXTURES = join(process.cwd(), 'main/dataset/fixtures')
let root: string
let workbench: Workbench
const seen: { name: EventName; payload: unknown }[] = []

async function call<N extends RequestName>(method: N, params: Params<N>): Promise<Result<N>> {
  const reply = await workbench.call(method, params)
  if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`)
  return reply.result
}

const eventsNamed = <N extends EventName>(name: N) => seen.filter((e) => e.name === name).map((e) => e.payload as Payload<N>)

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'dataset-api-'))
  workbench = new Workbench({ host: 'cli', dataDir: root })
  workbench.events.subscribe((name, payload) => seen.push({ name, payload }))
  await call('createProject', { name: 'API test' })
})
afterAll(async () => {
  await workbench.dispose()
  rmSync(root, { recursive: true, force: true })
})

describe('dataset requests', () => {
  it('imports as a task with progress events, then lists, filters and opens images with media URLs', async () => {
    const summary = await call('importAnnotations', { file: join(FIXTURES, 'mpii-release-mini.mat') })
    expect(summary).toMatchObject({ format: 'mpii-release', peopleAdded: 6, refusedCount: 4 })
    const progress = eventsNamed('progress').filter((p) => p.kind === 'import')
    expect(progress.at(-1)).toMatchObject({ state: 'finished', title: 'Importing mpii-release-mini.mat' })
    expect(eventsNamed('annotationsChanged').at(-1)).toMatchObject({ reason: 'import', mark: 6 })

    const { id: projectId } = (await call('status', {})).project!
    const page = await call('listImages', { filter: { split: 'train' }, limit: 2 })
    expect(page.total).toBe(3)
    expect(page.images[0]).toMatchObject({ name: 'img-a.jpg', imageUrl: `media/${projectId}/image/${page.images[0].id}`, thumbUrl: `media/${projectId}/thumb/${page.images[0].id}` })
    const detail = await call('getImage', { imageId: page.images[0].id })
    expect(detail.people).toHaveLength(2)
    expect(detail.people[0].joints[3]).toEqual({ x: 130, y: 215, state: 'occluded' })
    expect((await call('datasetStats', {})).people.total).toBe(6)
  })

  it('edits, announces the change, undoes and redoes, and keeps the history', async () => {
    const image = (await call('listImages', { filter: { search: 'img-b' }, withPeople: true })).images[0]
    const person = image.people![0]
    const before = seen.length
    const edited = await call('editPerson', { personId: person.id, operation: { op: 'moveJoint', joint: 9, x: 21, y: 13 }, note: 'nudge' })
    expect(edited.person.joints[9]).toEqual({ x: 21, y: 13, state: 'visible' })
    expect(edited.undo.undo).toMatchObject({ personId: person.id, imageId: image.id, operation: 'moveJoint' })
    expect(seen.slice(before).filter((e) => e.name === 'annotationsChanged')).toEqual([
      { name: 'annotationsChanged', payload: { reason: 'edit', imageIds: [image.id], personIds: [person.id], revisionId: edited.revision!.id, mark: edited.revision!.id } }
    ])
    const undone = await call('undo', {})
    expect(undone!.person.joints[9]).toEqual(person.joints[9])
    expect(undone!.undo.redo).toMatchObject({ revisionId: edited.revision!.id })
    expect((await call('redo', {}))!.person.joints[9]).toMatchObject({ x: 21 })
    const history = await call('personHistory', { personId: person.id })
    expect(history.revisions.map((r) => r.reason)).toEqual(['redo', 'undo', 'edit', 'import'])
    const restored = await call('restoreRevision', { personId: person.id, revisionId: history.revisions.at(-1)!.id })
    expect(restored.person.joints[9]).toEqual(person.joints[9])
    const { mark } = await call('labelMark', {})
    const added = await call('addPerson', { imageId: image.id })
    expect(added.person).toMatchObject({ imageId: image.id, deleted: false })
    expect(await call('labelMark', { since: mark })).toEqual({ mark: mark + 1, since: { mark, revisions: 1, people: 1 } })
  })

  it('exports as a task and lists folders for the path picker', async () => {
    const file = join(root, 'out.json')
    expect(await call('exportAnnotations', { format: 'mmpose-json', file })).toMatchObject({ file, people: 5, skipped: 2 })
    expect((await call('listDirectory', { path: root })).entries).toContainEqual({ name: 'out.json', kind: 'file', size: expect.any(Number) })
  })

  it('keeps serving the committed state while an import writes, and pauses edits', async () => {
    const before = (await call('listImages', { limit: 1, withPeople: true })).images[0]
    const during: Promise<unknown>[] = []
    const unsubscribe = workbench.events.subscribe((name, payload) => {
      const progress = payload as Payload<'progress'>
      if (name !== 'progress' || progress.kind !== 'import' || progress.stage !== 'writing' || during.length) return
      // Handlers run synchronously up to their first await: these run inside the import's write.
      during.push(workbench.call('listImages', { limit: 1 }), workbench.call('editPerson', { personId: before.people![0].id, operation: { op: 'deleteJoint', joint: 0 } }))
    })
    const total = (await call('listImages', {})).total
    await call('importAnnotations', { file: join(process.cwd(), '../shared/data/mpii/val.h5') })
    unsubscribe()
    const [list, edit] = (await Promise.all(during)) as Awaited<ReturnType<typeof workbench.call>>[]
    expect(list).toMatchObject({ ok: true, result: { total } })
    expect(edit).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/importing val\.h5 is running on this project/) } })
    expect((await call('listImages', {})).total).toBe(total + 2729)
  })

  it('answers bad requests and bad files with one clear error', async () => {
    const badOp = await workbench.handle('editPerson', { personId: 1, operation: { op: 'moveJoint', joint: 16, x: 1, y: 1 } })
    expect(badOp).toMatchObject({ ok: false, error: { code: 'invalid_request', field: 'operation.joint' } })
    const badFile = await workbench.call('importAnnotations', { file: join(FIXTURES, 'mpii-release-wrong-type.mat') })
    expect(badFile).toMatchObject({ ok: false, error: { code: 'bad_input' } })
    expect(!badFile.ok && badFile.error.message).toMatch(/RELEASE\.annolist\(2\)\.annorect\(1\)\.objpos: expected a struct/)
    expect(await workbench.call('getImage', { imageId: 99999 })).toMatchObject({ ok: false, error: { code: 'not_found', message: 'no image 99999 in this project' } })
  })
})
