// Versioned, named schema migrations for a project's database (project.sqlite), one list per area.
//
// How an area adds its tables (training runs, evaluation predictions, …):
//   1. write `main/<area>/migrations.ts` exporting `export const <area>Migrations: Migration[]` with
//      names that sort in order and say what they do ('0001-runs', '0002-run-notes', …);
//   2. add ONE line to `migrationLists` below: `{ area: '<area>', migrations: <area>Migrations }`.
// Lists are applied in the order given here (so an area may reference tables of the areas above it),
// each list in its own order, each migration in its own transaction, and every applied migration is
// recorded in `schema_migrations` (area, name, position, applied_at). Never edit or reorder a migration
// that has shipped: opening a database whose recorded migrations disagree with the code is refused, so
// is a database written by a newer version (it records migrations this code does not know).
import type Database from 'better-sqlite3'
import { badInput } from '../errors'
import { evalMigrations } from '../eval/migrations'
import { trainMigrations } from '../train/migrations'
import { datasetMigrations } from './schema'

export interface Migration {
  /** Unique within its area, e.g. '0001-dataset-index'. */
  name: string
  /** SQL run with db.exec, or a function for migrations that need code. */
  up: string | ((db: Database.Database) => void)
}

export interface MigrationList {
  area: string
  migrations: Migration[]
}

export const migrationLists: MigrationList[] = [
  { area: 'dataset', migrations: datasetMigrations },
  { area: 'eval', migrations: evalMigrations },
  { area: 'train', migrations: trainMigrations }
  // Other areas add their line here.
]

interface AppliedRow {
  area: string
  name: string
  position: number
}

/** Applies every migration not yet recorded; returns the names applied now ("area/name"). */
export function applyMigrations(db: Database.Database, lists: MigrationList[] = migrationLists, label = db.name): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    area TEXT NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (area, name)
  )`)
  const applied = db.prepare('SELECT area, name, position FROM schema_migrations ORDER BY area, position').all() as AppliedRow[]
  const known = new Map(lists.map((list) => [list.area, list.migrations]))
  for (const row of applied) {
    const list = known.get(row.area)
    if (!list) continue // an area this build does not have (an optional feature): leave its tables alone
    const expected = list[row.position]
    if (!expected) {
      throw badInput(`${label}: was written by a newer version of the workbench (unknown migration ${row.area}/${row.name})`, 'database')
    }
    if (expected.name !== row.name) {
      throw badInput(`${label}: migration ${row.position + 1} of '${row.area}' is recorded as ${row.name} but this version has ${expected.name}`, 'database')
    }
  }
  const done = new Set(applied.map((r) => `${r.area}/${r.name}`))
  const record = db.prepare('INSERT INTO schema_migrations (area, name, position, applied_at) VALUES (?, ?, ?, ?)')
  const now: string[] = []
  for (const list of lists) {
    list.migrations.forEach((migration, position) => {
      const key = `${list.area}/${migration.name}`
      if (done.has(key)) return
      db.transaction(() => {
        if (typeof migration.up === 'string') db.exec(migration.up)
        else migration.up(db)
        record.run(list.area, migration.name, position, new Date().toISOString())
      })()
      now.push(key)
    })
  }
  return now
}
