// Writes result files so that none is ever left half-written: every file goes to a temporary sibling
// first, and only when all of them are complete are they renamed into place.
import { randomBytes } from 'node:crypto'
import { renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { badInput } from '../errors'

export interface FileToWrite {
  path: string
  text: string
}

export function writeFilesAtomically(files: FileToWrite[]): void {
  const staged: { temp: string; path: string }[] = []
  try {
    for (const file of files) {
      const temp = join(dirname(file.path), `.${basename(file.path)}.${randomBytes(4).toString('hex')}.tmp`)
      staged.push({ temp, path: file.path })
      try {
        writeFileSync(temp, file.text)
      } catch (error) {
        throw badInput(`${file.path}: cannot write: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'path')
      }
    }
  } catch (error) {
    for (const { temp } of staged) rmSync(temp, { force: true })
    throw error
  }
  for (const { temp, path } of staged) renameSync(temp, path)
}
