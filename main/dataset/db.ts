// Opening a project's database: better-sqlite3 in WAL mode with foreign keys on, migrated to the
// current schema. WAL keeps readers (the UI's lists) off the writer's back and makes every committed
// edit survive a crash of the app. synchronous=NORMAL (this build's WAL default) means a power cut can
// lose the last commits but never corrupts the file; FULL adds an fsync to every commit, which made a
// joint edit take a median 4 ms instead of 0.2 ms on the build machine (bench/dataset.bench.ts).
import Database from 'better-sqlite3'
import { badInput } from '../errors'
import { applyMigrations, migrationLists, type MigrationList } from './migrations'

export type Db = Database.Database

export interface OpenDatabaseOptions {
  lists?: MigrationList[]
  readonly?: boolean
}

export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  let db: Db
  try {
    db = new Database(file, {
      readonly: options.readonly ?? false,
      fileMustExist: options.readonly ?? false,
      // The desktop app runs Electron's Node, whose ABI differs from the system Node's: `npm start` builds a
      // second copy of the addon for it and names it here (scripts/electron-sqlite.mjs).
      nativeBinding: process.env.WORKBENCH_SQLITE_BINDING || undefined
    })
  } catch (error) {
    throw badInput(`${file}: cannot open the project database: ${(error as Error).message}`, 'database')
  }
  try {
    if (!options.readonly) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
    }
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 2000')
    if (!options.readonly) applyMigrations(db, options.lists ?? migrationLists, file)
    return db
  } catch (error) {
    db.close()
    if (error instanceof Error && /file is not a database|malformed/.test(error.message)) {
      throw badInput(`${file}: not a workbench database or damaged: ${error.message}`, 'database')
    }
    throw error
  }
}

/**
 * Prepared statements cached per connection: better-sqlite3 compiles a statement once and reuses it, which
 * is what keeps a joint edit well under a millisecond.
 */
const cache = new WeakMap<Db, Map<string, Database.Statement>>()

export function statement(db: Db, sql: string): Database.Statement {
  let statements = cache.get(db)
  if (!statements) {
    statements = new Map()
    cache.set(db, statements)
  }
  let prepared = statements.get(sql)
  if (!prepared) {
    prepared = db.prepare(sql)
    statements.set(sql, prepared)
  }
  return prepared
}
