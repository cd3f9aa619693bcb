// For tests and the bench: a small real project made the way a user's is — the demo generator's images and
// MMPose JSON (with its head boxes), brought in through the dataset importer, in a real SQLite file.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { demoOptions, DEMO_FILES, generateDemoSet } from '../dataset/demo/generate'
import { editPerson } from '../dataset/edits'
import { importAnnotations } from '../dataset/import'
import { datasetOf } from '../dataset/project-dataset'
import { annotatedPeople } from '../dataset/queries'
import { Workspace } from '../workspace/workspace'
import type { TrainOverrides } from './config'

export interface TestProject {
  dataDir: string
  projectDir: string
}

/**
 * Generates `people` demo people under `root/set`, creates a project in the data folder `root/data` and
 * imports both splits. Head boxes come from the JSON's `head_box` extension: set by edit where the
 * importer left them out, so every validation person can be scored.
 */
export async function createTestProject(root: string, { people = 48, seed = 5, valFraction = 0.25 } = {}): Promise<TestProject> {
  const set = join(root, 'set')
  await generateDemoSet(set, demoOptions({ people, seed, valFraction }))
  const workspace = new Workspace(join(root, 'data'))
  try {
    const projectDir = workspace.createProject('training test')
    const project = await workspace.openProject(projectDir)
    const { db } = datasetOf(project)
    const images = join(set, DEMO_FILES.images)
    await importAnnotations(db, { file: join(set, DEMO_FILES.trainJson), imagesDir: images, split: 'train' })
    await importAnnotations(db, { file: join(set, DEMO_FILES.valJson), imagesDir: images, split: 'val' })
    const boxes = new Map<string, [number, number, number, number]>()
    for (const file of [DEMO_FILES.trainJson, DEMO_FILES.valJson]) {
      const entries = JSON.parse(readFileSync(join(set, file), 'utf8')) as { image: string; center: [number, number]; head_box: [number, number, number, number] }[]
      for (const e of entries) boxes.set(`${e.image}@${e.center.join(',')}`, e.head_box)
    }
    for (const person of annotatedPeople(db)) {
      if (person.annotation.headBox || !person.annotation.center) continue
      const box = boxes.get(`${person.imageName}@${person.annotation.center.x},${person.annotation.center.y}`)
      if (!box) continue
      editPerson(db, person.personId, { op: 'setHeadBox', headBox: { x1: box[0], y1: box[1], x2: box[2], y2: box[3] } }, { author: 'test fixture' })
    }
    return { dataDir: workspace.dataDir, projectDir }
  } finally {
    await workspace.dispose()
  }
}

/** A PyraNet small enough that a step takes well under a second on one core: for tests only. */
export const MICRO_RUN: TrainOverrides = {
  model: { nStack: 1, nFeats: 16, stemWidth: 8, inputRes: 64 },
  batchSize: 4,
  valLimit: 8,
  previewSeconds: 0.2,
  prefetch: 2
}
