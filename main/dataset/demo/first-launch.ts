// The demo project a new user starts with: a synthetic data set rendered into the data folder, then
// brought in through the same importer as real MPII annotations. The set is rendered into a staging
// folder first, so an interrupted first launch leaves either nothing or a finished project behind.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ProgressOptions } from '../../progress'
import { openDatabase } from '../db'
import { importAnnotations } from '../import'
import { databaseFile } from '../project-dataset'
import { PROJECT_FILE, readProjectFile, type Workspace } from '../../workspace/workspace'
import { DEMO_FILES, demoOptions, generateDemoSet, type Split } from './generate'

export const DEMO_PROJECT_NAME = 'Demo project'

export interface DemoProjectOptions extends ProgressOptions {
  people?: number
  seed?: number
  valFraction?: number
}

/** A demo project folder is finished once its manifest is in place (moved there last). */
export function isFinishedDemoProject(dir: string): boolean {
  if (!existsSync(join(dir, PROJECT_FILE)) || !existsSync(join(dir, DEMO_FILES.manifest))) return false
  try {
    return readProjectFile(dir).demo
  } catch {
    return false
  }
}

/** `<dataDir>/projects/demo`, or the first `demo-N` beside it when a project of the user's holds that name. */
export function demoProjectDir(workspace: Workspace): string {
  for (let n = 1; ; n++) {
    const dir = join(workspace.projectsDir, n === 1 ? 'demo' : `demo-${n}`)
    if (!existsSync(join(dir, PROJECT_FILE))) return dir
    try {
      if (readProjectFile(dir).demo) return dir
    } catch {
      // an unreadable project.json is not ours to reuse
    }
  }
}

/**
 * Creates the demo project and returns its folder; a finished one made before is returned as it is.
 * Stages: 'rendering images', 'writing annotations', 'creating project', then the importer's own
 * ('reading mpii_train.json', …, 'checking images').
 */
export async function createDemoProject(workspace: Workspace, options: DemoProjectOptions = {}): Promise<string> {
  const dir = demoProjectDir(workspace)
  if (isFinishedDemoProject(dir)) return dir
  // an unfinished demo project (the app stopped during the first launch) is made again from scratch
  if (existsSync(join(dir, PROJECT_FILE))) rmSync(dir, { recursive: true, force: true })

  mkdirSync(workspace.projectsDir, { recursive: true })
  removeStaleStaging(workspace.projectsDir)
  const staging = mkdtempSync(join(workspace.projectsDir, STAGING_PREFIX))
  let created = false
  try {
    const summary = await generateDemoSet(staging, demoOptions(options), options)
    options.onProgress?.({ stage: 'creating project', done: 0, total: 1 })
    workspace.createProject(DEMO_PROJECT_NAME, { demo: true, dir })
    created = true
    renameSync(join(staging, DEMO_FILES.images), join(dir, DEMO_FILES.images))
    renameSync(join(staging, 'annotations'), join(dir, 'annotations'))
    options.onProgress?.({ stage: 'creating project', done: 1, total: 1 })
    await importDemoAnnotations(dir, summary.people, options)
    renameSync(join(staging, DEMO_FILES.manifest), join(dir, DEMO_FILES.manifest))
    return dir
  } catch (error) {
    if (created) rmSync(dir, { recursive: true, force: true })
    throw error
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

const STAGING_PREFIX = '.demo-staging-'
const STALE_MS = 30 * 60 * 1000

/** Staging folders left by a first launch that was killed (a running one is younger than this). */
function removeStaleStaging(projectsDir: string): void {
  for (const name of readdirSync(projectsDir)) {
    const path = join(projectsDir, name)
    if (name.startsWith(STAGING_PREFIX) && Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true })
  }
}

/**
 * Brings the set into the project's database through the importer real MPII files use: the MMPose JSON
 * of each split (it carries occlusion and head boxes in the workbench's extra keys), then the images.
 */
async function importDemoAnnotations(dir: string, people: Record<Split, number>, options: ProgressOptions): Promise<void> {
  const files = ([['train', DEMO_FILES.trainJson], ['val', DEMO_FILES.valJson]] as const).filter(([split]) => people[split] > 0)
  const db = openDatabase(databaseFile(dir))
  try {
    for (const [k, [split, file]] of files.entries()) {
      const imagesDir = k === files.length - 1 ? join(dir, DEMO_FILES.images) : undefined
      await importAnnotations(db, { file: join(dir, file), split, imagesDir, author: 'demo' }, options)
    }
  } finally {
    db.close()
  }
}
