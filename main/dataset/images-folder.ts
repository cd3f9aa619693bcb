// Where the image files are. A project has image roots (folders); each image is found in one of them by
// its name (relative path). Attaching a folder marks the images it holds as present and the rest that
// no folder holds as missing — missing images are listed, never fatal. Sizes are read lazily with sharp
// when an image is first shown (or given by the annotations, like bearpaw's img_width/img_height).
//
//   attachImagesFolder(db, dir)   → FolderScan    (inside the caller's transaction, or its own)
//   imageFile(db, imageId)        → absolute path of a present image, or null
//   ensureImageSize(db, imageId)  → { width, height } read once with sharp, then stored
//   safeJoin(root, name)          → the path of `name` under `root`, or null if it would escape it
//
// The project folder is the database's folder: roots inside it are stored relative to it, so a moved
// project keeps its images.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path'
import sharp from 'sharp'
import { badInput } from '../errors'
import { statement, type Db } from './db'
import { isWriteLocked } from './write-lock'

export interface FolderScan {
  dir: string
  /** Images (that no earlier folder had) found in this folder. */
  present: number
  /** Images no folder holds. */
  missing: number
  /** The first missing names (up to 100). */
  missingNames: string[]
}

const MISSING_LISTED = 100

export function projectDirOf(db: Db): string {
  return dirname(resolve(db.name))
}

/** The stored form of a root: relative to the project folder when inside it. */
function storedRoot(db: Db, dir: string): string {
  const absolute = resolve(dir)
  const rel = relative(projectDirOf(db), absolute)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute
}

export function resolveRoot(db: Db, stored: string): string {
  return resolve(projectDirOf(db), stored)
}

/** Every image root of the project, as absolute paths. */
export function imageRoots(db: Db): { id: number; path: string }[] {
  return (statement(db, 'SELECT id, path FROM image_roots ORDER BY id').all() as { id: number; path: string }[]).map((r) => ({
    id: r.id,
    path: resolveRoot(db, r.path)
  }))
}

/** `root/name` if it stays inside `root` (names come from annotation files and could hold '../'). */
export function safeJoin(root: string, name: string): string | null {
  if (!name || isAbsolute(name) || name.includes('\0')) return null
  const full = resolve(root, name)
  return full.startsWith(resolve(root) + sep) ? full : null
}

export function attachImagesFolder(db: Db, dir: string): FolderScan {
  const absolute = resolve(dir)
  if (!existsSync(absolute) || !statSync(absolute).isDirectory()) throw badInput(`${dir}: no such folder`, 'imagesDir')
  return db.transaction((): FolderScan => {
    const stored = storedRoot(db, absolute)
    statement(db, 'INSERT OR IGNORE INTO image_roots (path, added_at) VALUES (?, ?)').run(stored, new Date().toISOString())
    const rootId = (statement(db, 'SELECT id FROM image_roots WHERE path = ?').get(stored) as { id: number }).id
    const listing = new Set(readdirSync(absolute))
    const exists = (name: string) => {
      if (!name.includes('/') && !name.includes('\\')) return listing.has(name)
      const path = safeJoin(absolute, name)
      return path !== null && existsSync(path)
    }
    const candidates = statement(db, "SELECT id, name FROM images WHERE file_state <> 'present' ORDER BY id").all() as { id: number; name: string }[]
    const markPresent = statement(db, "UPDATE images SET root_id = ?, file_state = 'present' WHERE id = ?")
    const markMissing = statement(db, "UPDATE images SET file_state = 'missing' WHERE id = ?")
    let present = 0
    const missingNames: string[] = []
    let missing = 0
    for (const image of candidates) {
      if (exists(image.name)) {
        markPresent.run(rootId, image.id)
        present++
      } else {
        markMissing.run(image.id)
        missing++
        if (missingNames.length < MISSING_LISTED) missingNames.push(image.name)
      }
    }
    return { dir: absolute, present, missing, missingNames }
  })()
}

interface FileRow {
  name: string
  root: string | null
  file_state: string
  width: number | null
  height: number | null
}

/** The absolute path of an image's file when it is present, else null. */
export function imageFile(db: Db, imageId: number): string | null {
  const row = statement(
    db,
    'SELECT i.name, r.path AS root, i.file_state, i.width, i.height FROM images i LEFT JOIN image_roots r ON r.id = i.root_id WHERE i.id = ?'
  ).get(imageId) as FileRow | undefined
  if (!row || row.root === null || row.file_state !== 'present') return null
  return safeJoin(resolveRoot(db, row.root), row.name)
}

/** The image's pixel size, read with sharp on first use and stored; null when the file is absent or unreadable. */
export async function ensureImageSize(db: Db, imageId: number): Promise<{ width: number; height: number } | null> {
  const row = statement(db, 'SELECT width, height FROM images WHERE id = ?').get(imageId) as { width: number | null; height: number | null } | undefined
  if (!row) return null
  if (row.width !== null && row.height !== null) return { width: row.width, height: row.height }
  const path = imageFile(db, imageId)
  if (!path) return null
  try {
    const meta = await sharp(path).metadata()
    if (!meta.width || !meta.height) return null
    // The stored pixel grid, which is what annotation coordinates refer to (EXIF orientation ignored).
    const size = { width: meta.width, height: meta.height }
    // While an import holds the write lock the size is not stored (it is read again next time).
    if (!isWriteLocked(db)) statement(db, 'UPDATE images SET width = ?, height = ? WHERE id = ?').run(size.width, size.height, imageId)
    return size
  } catch {
    return null
  }
}
