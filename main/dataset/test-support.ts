// Helpers shared by the dataset tests (not used by the app): a throw-away project folder with a real
// SQLite database, and a snapshot of every table to prove a failed operation changed nothing.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDatabase, type Db } from './db'

export const REAL_DATA = join(process.cwd(), '../shared/data/mpii')
export const FIXTURES = join(process.cwd(), 'main/dataset/fixtures')

export interface TempProject {
  dir: string
  db: Db
  /** Closes the database and opens it again (a restart of the app). */
  reopen(): Db
  dispose(): void
}

export function tempProject(prefix = 'dataset-test-', copyOf?: TempProject): TempProject {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const file = join(dir, 'project.sqlite')
  if (copyOf) {
    // A copy of another project's database (cheaper than importing the same files again).
    copyOf.db.pragma('wal_checkpoint(TRUNCATE)')
    copyFileSync(copyOf.db.name, file)
  }
  const project: TempProject = {
    dir,
    db: openDatabase(file),
    reopen() {
      project.db.close()
      project.db = openDatabase(file)
      return project.db
    },
    dispose() {
      if (project.db.open) project.db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
  return project
}

/** Every row of the dataset tables, for before/after comparisons. */
export function snapshot(db: Db): string {
  const tables = ['image_roots', 'images', 'people', 'joints', 'revisions', 'undo_stack', 'imports']
  return JSON.stringify(tables.map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()))
}
