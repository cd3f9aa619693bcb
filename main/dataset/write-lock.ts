// An import writes its one big transaction in chunks, yielding to the event loop between them so progress
// and cancellation work. While it runs, edits to the same database are refused (rather than nested into,
// and possibly rolled back with, the import's transaction). Keyed by database file, so it holds across
// connections.
import { conflict } from '../errors'
import type { Db } from './db'

const held = new Map<string, string>()

export function acquireWriteLock(db: Db, holder: string): () => void {
  const current = held.get(db.name)
  if (current) throw conflict(`${current} is still running on this project; wait for it to finish`)
  held.set(db.name, holder)
  return () => {
    if (held.get(db.name) === holder) held.delete(db.name)
  }
}

/** Throws a conflict error while an import is writing to this database. */
export function assertWritable(db: Db): void {
  const current = held.get(db.name)
  if (current) throw conflict(`${current} is running on this project; edits are paused until it finishes`)
}

/** Whether an import is writing to this database (optional writes, like caching an image size, skip then). */
export function isWriteLocked(db: Db): boolean {
  return held.has(db.name)
}
