import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { writeFilesAtomically } from './write-files'

let dir: string
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'eval-write-'))))
afterEach(() => rmSync(dir, { recursive: true, force: true }))

it('writes every file, replacing what was there', () => {
  writeFilesAtomically([{ path: join(dir, 'a.csv'), text: 'old' }])
  writeFilesAtomically([
    { path: join(dir, 'a.csv'), text: 'new' },
    { path: join(dir, 'b.csv'), text: 'b' }
  ])
  expect(readdirSync(dir).sort()).toEqual(['a.csv', 'b.csv'])
  expect(readFileSync(join(dir, 'a.csv'), 'utf8')).toBe('new')
})

it('leaves nothing behind, not even the first file, when a later one cannot be written', () => {
  expect(() =>
    writeFilesAtomically([
      { path: join(dir, 'a.csv'), text: 'a' },
      { path: join(dir, 'missing-folder', 'b.csv'), text: 'b' }
    ])
  ).toThrow(/missing-folder\/b\.csv: cannot write: ENOENT/)
  expect(readdirSync(dir)).toEqual([])
})
