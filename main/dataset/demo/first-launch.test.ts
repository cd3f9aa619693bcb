import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Progress } from '../../../contract'
import { Workbench } from '../../workbench'
import { Workspace, readProjectFile } from '../../workspace/workspace'
import { openDatabase } from '../db'
import { exportAnnotations } from '../export'
import { readPoseH5 } from '../formats/h5'
import { databaseFile } from '../project-dataset'
import { annotatedPeople, datasetStats } from '../queries'
import { createDemoProject } from './first-launch'
import { DEMO_FILES } from './generate'
import type { MmposeEntry } from './mpii-files'

let dataDir: string
beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'wb-demo-project-'))))
afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

const tiny = { people: 12, seed: 3, valFraction: 0.25 }

describe('the demo project', () => {
  it('is created in the data folder and imported through the MPII importer, occlusion and head boxes included', async () => {
    const workspace = new Workspace(dataDir)
    const stages = new Set<string>()
    const dir = await createDemoProject(workspace, { ...tiny, onProgress: (p) => stages.add(p.stage) })
    expect(dir).toBe(join(dataDir, 'projects', 'demo'))
    expect(readProjectFile(dir)).toMatchObject({ name: 'Demo project', demo: true })
    expect(existsSync(join(dir, DEMO_FILES.manifest))).toBe(true)
    expect(readdirSync(join(dataDir, 'projects'))).toEqual(['demo'])
    expect([...stages]).toEqual(expect.arrayContaining(['rendering images', 'writing annotations', 'creating project', 'reading mpii_train.json', 'reading mpii_val.json', 'checking images']))

    const train = JSON.parse(readFileSync(join(dir, DEMO_FILES.trainJson), 'utf8')) as MmposeEntry[]
    const val = JSON.parse(readFileSync(join(dir, DEMO_FILES.valJson), 'utf8')) as MmposeEntry[]
    const db = openDatabase(databaseFile(dir))
    try {
      const stats = datasetStats(db)
      expect(stats.people.bySplit).toMatchObject({ train: train.length, val: val.length })
      expect(stats.images.present).toBe(readdirSync(join(dir, DEMO_FILES.images)).length)
      expect(stats.images.missing).toBe(0)
      const occluded = [...train, ...val].reduce((n, e) => n + e.is_visible.filter((v, j) => v === 0 && e.joints_vis[j] === 1).length, 0)
      expect(stats.joints.occluded).toBe(occluded)
      const people = annotatedPeople(db, { split: 'val' })
      expect(people.every((p) => p.annotation.headBox !== null)).toBe(true)
      expect(people[0].annotation.headBox).toEqual({ x1: val[0].head_box[0], y1: val[0].head_box[1], x2: val[0].head_box[2], y2: val[0].head_box[3] })

      // and out again through the exporters real projects use: the same people, joints, states and head boxes
      const jsonOut = join(dataDir, 'val.json')
      await exportAnnotations(db, { format: 'mmpose-json', file: jsonOut, split: 'val' })
      expect(JSON.parse(readFileSync(jsonOut, 'utf8'))).toEqual(val)
      const h5Out = join(dataDir, 'valid.h5')
      await exportAnnotations(db, { format: 'pose-h5', file: h5Out, split: 'val' })
      const [mine, theirs] = [await readPoseH5(join(dir, DEMO_FILES.valH5)), await readPoseH5(h5Out)]
      expect(theirs.imgname).toEqual(mine.imgname)
      expect(theirs.part).toEqual(mine.part)
      expect(theirs.visible).toEqual(mine.visible)
      for (let n = 0; n < mine.count; n++) {
        expect(theirs.scale[n]).toBeCloseTo(mine.scale[n], 5)
        expect(theirs.center[2 * n + 1]).toBeCloseTo(mine.center[2 * n + 1], 5)
        expect(theirs.normalize![n]).toBeCloseTo(mine.normalize![n], 4)
      }
    } finally {
      db.close()
    }
  })

  it('finds a finished one again, rebuilds an unfinished one, and steps around a user project named Demo', async () => {
    const workspace = new Workspace(dataDir)
    const dir = await createDemoProject(workspace, tiny)
    const manifestTime = statSync(join(dir, DEMO_FILES.manifest)).mtimeMs
    expect(await createDemoProject(workspace, tiny)).toBe(dir)
    expect(statSync(join(dir, DEMO_FILES.manifest)).mtimeMs).toBe(manifestTime)

    rmSync(join(dir, DEMO_FILES.manifest))
    writeFileSync(join(dir, 'half-done'), '')
    expect(await createDemoProject(workspace, tiny)).toBe(dir)
    expect(existsSync(join(dir, 'half-done'))).toBe(false)
    expect(existsSync(join(dir, DEMO_FILES.manifest))).toBe(true)

    const other = new Workspace(mkdtempSync(join(tmpdir(), 'wb-demo-user-')))
    try {
      other.createProject('Demo')
      const demo = await createDemoProject(other, { ...tiny, people: 3 })
      expect(demo).toBe(join(other.projectsDir, 'demo-2'))
      expect(readProjectFile(join(other.projectsDir, 'demo')).demo).toBe(false)
    } finally {
      rmSync(other.dataDir, { recursive: true, force: true })
    }
  })

  it('leaves nothing behind when cancelled', async () => {
    const workspace = new Workspace(dataDir)
    const controller = new AbortController()
    const run = createDemoProject(workspace, { people: 30, signal: controller.signal, onProgress: (p) => p.done === 2 && controller.abort() })
    await expect(run).rejects.toThrow(/cancelled/)
    expect(readdirSync(workspace.projectsDir)).toEqual([])
  })

  it('is created, opened and reported through the api as a task with progress', async () => {
    const workbench = new Workbench({ host: 'cli', dataDir })
    const progress: Progress[] = []
    workbench.events.subscribe((name, payload) => name === 'progress' && progress.push(payload as Progress))
    try {
      const reply = await workbench.call('createDemoProject', { people: 5, seed: 8 })
      expect(reply.ok).toBe(true)
      const status = await workbench.call('status', {})
      expect(status.ok && status.result.project).toMatchObject({ name: 'Demo project', demo: true, path: join(dataDir, 'projects', 'demo') })
      expect(progress.at(-1)).toMatchObject({ kind: 'demo', state: 'finished' })
      expect(new Set(progress.map((p) => p.stage))).toContain('rendering images')
    } finally {
      await workbench.dispose()
    }
  })
})
