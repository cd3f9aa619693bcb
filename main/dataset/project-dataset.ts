// A project's dataset: its database `<project dir>/project.sqlite`, opened on first use and closed with
// the project. Other areas get the connection here and call the domain functions of this folder with it:
//
//   const { db } = datasetOf(project)
//   listImages(db, { filter: { split: 'val' } })
//   annotatedPeople(db, { split: 'train', asOf: mark })
import { join } from 'node:path'
import type { Closable, OpenProject } from '../workspace/workspace'
import { openDatabase, type Db } from './db'

export const DATABASE_FILE = 'project.sqlite'
export const CACHE_DIR = 'cache'

export class ProjectDataset implements Closable {
  constructor(
    readonly projectDir: string,
    readonly db: Db
  ) {}

  get file(): string {
    return this.db.name
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}

export function databaseFile(projectDir: string): string {
  return join(projectDir, DATABASE_FILE)
}

/** The open project's dataset, opened (and migrated) lazily as the project's 'dataset' resource. */
export function datasetOf(project: OpenProject): ProjectDataset {
  return project.resource('dataset', () => new ProjectDataset(project.dir, openDatabase(databaseFile(project.dir))))
}
