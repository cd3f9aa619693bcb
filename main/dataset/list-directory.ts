// Folder listing for the web host's path picker (the desktop app uses a native dialog instead):
//   listDirectory(path?, { showHidden?, extensions? }) → { path, parent, entries, truncated }
// Folders first, then files, each sorted by name; `extensions` keeps only files ending so (folders are
// always listed so the user can walk into them). Unreadable entries are skipped.
import { readdirSync, statSync, type Dirent } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { WorkbenchError, badInput, notFound } from '../errors'

export interface DirectoryEntry {
  name: string
  kind: 'dir' | 'file'
  /** Bytes, for files. */
  size?: number
}

export interface DirectoryListing {
  path: string
  /** null at the file-system root. */
  parent: string | null
  entries: DirectoryEntry[]
  /** True when the folder held more than the listing returns. */
  truncated: boolean
}

const MAX_ENTRIES = 5000

export function listDirectory(path?: string, options: { showHidden?: boolean; extensions?: string[] } = {}): DirectoryListing {
  const dir = resolve(path?.trim() ? path : homedir())
  let dirents: Dirent[]
  try {
    if (!statSync(dir).isDirectory()) throw badInput(`${dir} is not a folder`, 'path')
    dirents = readdirSync(dir, { withFileTypes: true })
  } catch (error) {
    if (error instanceof WorkbenchError) throw error
    if (error instanceof Error && 'code' in error) {
      if (error.code === 'ENOENT') throw notFound(`${dir}: no such folder`, 'path')
      throw badInput(`${dir}: cannot list: ${error.message}`, 'path')
    }
    throw error
  }
  const extensions = options.extensions?.map((e) => e.toLowerCase().replace(/^\.?/, '.'))
  const entries: DirectoryEntry[] = []
  for (const dirent of dirents) {
    if (!options.showHidden && dirent.name.startsWith('.')) continue
    let isDir = dirent.isDirectory()
    let size: number | undefined
    try {
      if (dirent.isSymbolicLink() || !isDir) {
        const info = statSync(join(dir, dirent.name))
        isDir = info.isDirectory()
        size = isDir ? undefined : info.size
      }
    } catch {
      continue
    }
    if (!isDir && extensions && !extensions.some((e) => dirent.name.toLowerCase().endsWith(e))) continue
    entries.push(isDir ? { name: dirent.name, kind: 'dir' } : { name: dirent.name, kind: 'file', size })
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1))
  const parent = dirname(dir)
  return { path: dir, parent: parent === dir ? null : parent, entries: entries.slice(0, MAX_ENTRIES), truncated: entries.length > MAX_ENTRIES }
}
