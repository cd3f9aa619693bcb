import Database from 'better-sqlite3'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase } from './db'
import { applyMigrations, migrationLists, type MigrationList } from './migrations'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'migrations-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const runs: MigrationList = {
  area: 'runs',
  migrations: [
    { name: '0001-runs', up: 'CREATE TABLE runs (id INTEGER PRIMARY KEY, mark INTEGER NOT NULL)' },
    { name: '0002-run-notes', up: (db) => db.exec('ALTER TABLE runs ADD COLUMN note TEXT') }
  ]
}

describe('migrations', () => {
  it('opens a project database in WAL mode with foreign keys, every migration applied and recorded', () => {
    const db = openDatabase(join(dir, 'project.sqlite'))
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    const applied = db.prepare('SELECT area, name, position FROM schema_migrations ORDER BY area, position').all()
    const expected = migrationLists.flatMap((list) => list.migrations.map((m, position) => ({ area: list.area, name: m.name, position })))
    expect(applied).toEqual(expect.arrayContaining(expected))
    expect(applied).toHaveLength(expected.length)
    expect(() => db.prepare('INSERT INTO people (image_id) VALUES (999)').run()).toThrow(/FOREIGN KEY/)
    db.close()
  })

  it("applies another area's list after the dataset's, in order, once", () => {
    const file = join(dir, 'project.sqlite')
    const lists = [migrationLists[0], runs]
    const db = new Database(file)
    expect(applyMigrations(db, lists)).toEqual([...migrationLists[0].migrations.map((m) => `dataset/${m.name}`), 'runs/0001-runs', 'runs/0002-run-notes'])
    expect(applyMigrations(db, lists)).toEqual([])
    db.prepare('INSERT INTO runs (mark, note) VALUES (1, ?)').run('first')
    // A later version appends a migration: only it runs.
    const later = { ...runs, migrations: [...runs.migrations, { name: '0003-index', up: 'CREATE INDEX runs_mark ON runs(mark)' }] }
    expect(applyMigrations(db, [migrationLists[0], later])).toEqual(['runs/0003-index'])
    db.close()
  })

  it('refuses a database whose recorded migrations disagree with the code, or come from a newer version', () => {
    const file = join(dir, 'project.sqlite')
    const db = new Database(file)
    applyMigrations(db, [migrationLists[0], runs])
    const renamed = { ...runs, migrations: [runs.migrations[0], { ...runs.migrations[1], name: '0002-renamed' }] }
    expect(() => applyMigrations(db, [migrationLists[0], renamed], 'p.sqlite')).toThrow("p.sqlite: migration 2 of 'runs' is recorded as 0002-run-notes but this version has 0002-renamed")
    const older = { ...runs, migrations: [runs.migrations[0]] }
    expect(() => applyMigrations(db, [migrationLists[0], older], 'p.sqlite')).toThrow('p.sqlite: was written by a newer version of the workbench (unknown migration runs/0002-run-notes)')
    db.close()
  })

  it('rolls back a failing migration and records nothing of it', () => {
    const db = new Database(join(dir, 'project.sqlite'))
    const broken: MigrationList = { area: 'broken', migrations: [{ name: '0001-half', up: 'CREATE TABLE a (x); CREATE TABLE a (y);' }] }
    expect(() => applyMigrations(db, [broken])).toThrow(/already exists/)
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'a'").pluck().get()).toBe(0)
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(0)
    db.close()
  })

  it('refuses a file that is not a database, naming it', () => {
    const file = join(dir, 'project.sqlite')
    writeFileSync(file, 'this is not sqlite '.repeat(100))
    expect(() => openDatabase(file)).toThrow(`${file}: not a workbench database or damaged: file is not a database`)
  })
})
