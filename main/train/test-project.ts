// For tests and the bench: a small real project made the way a user's is — the demo generator's images and
// MMPose JSON (with its head boxes), brought in through the dataset importer, in a real SQLite file.
import { join } from 'node:path'
import { demoOptions, DEMO_FILES, generateDemoSet } from '../dataset/demo/generate'
import { importAnnotations } from '../dataset/import'
import { datasetOf } from '../dataset/project-dataset'
import { Workspace } from '../workspace/workspace'
import type { TrainOverrides } from './config'

export interface TestProject {
  dataDir: string
  projectDir: string
}

/**
 * Generates `people` demo people under `root/set`, creates a project in the data folder `root/data` and
 * imports both splits (head boxes come with the JSON's `head_box` key, so every person can be scored).
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
