// Revisions: the history of every person, undo/redo that survives a restart, restoring a person to any
// earlier revision, and the label mark training runs record.
//
//   commitChange(db, personId, patch, meta)      one change + its revision, in one transaction (edits.ts uses it)
//   personHistory(db, personId)                  its revisions, newest first
//   undo(db, author) / redo(db, author)          across images; each is itself recorded as a revision
//   undoState(db)                                what undo and redo would do now
//   restoreRevision(db, personId, revisionId, author)   the person as it was right after that revision
//   personAt(db, personId, mark)                 the person as it was at a label mark
//   labelMark(db) / changesSince(db, mark)       the current mark (max revision id) and changes after one
//
// How it works: a revision stores `old` and `new` patches of exactly the parts it changed. The current
// rows always hold the latest state; an earlier state is the current one with the `old` patches of the
// later revisions applied newest first. The undo stack holds revision ids of user changes (edits,
// accepted predictions, restores); undoing r records a revision with old = r.new and new = r.old and moves
// r to the redo stack; redo records old = r.old, new = r.new and moves it back. A new change clears the
// redo stack. Before undoing or redoing, the person must still hold the values the step starts from;
// otherwise it is refused as a conflict instead of silently overwriting.
import { conflict, notFound } from '../errors'
import { statement, type Db } from './db'
import type { Person, PersonPatch, Revision, RevisionReason } from './model'
import { applyPatchTo, currentValues, matchesPatch, normalizePatch, refreshImageCounts, requirePerson, writePatch, type StoredPerson } from './people-store'
import { assertWritable } from './write-lock'

export interface ChangeMeta {
  reason: Exclude<RevisionReason, 'import' | 'undo' | 'redo'>
  operation: string
  author: string
  note?: string | null
}

export interface ChangeResult {
  person: StoredPerson
  /** The revision recorded; null when the change changed nothing (nothing is recorded then). */
  revision: Revision | null
}

interface RevisionRow {
  id: number
  person_id: number
  image_id: number
  reason: RevisionReason
  operation: string
  old: string
  new: string
  at: string
  author: string
  note: string | null
  reverts: number | null
}

const REVISION_SELECT = `SELECT r.id, r.person_id, p.image_id, r.reason, r.operation, r.old, r.new, r.at, r.author, r.note, r.reverts
  FROM revisions r JOIN people p ON p.id = r.person_id`

function toRevision(row: RevisionRow): Revision {
  return {
    id: row.id,
    personId: row.person_id,
    imageId: row.image_id,
    reason: row.reason,
    operation: row.operation,
    old: JSON.parse(row.old) as PersonPatch,
    new: JSON.parse(row.new) as PersonPatch,
    at: row.at,
    author: row.author,
    note: row.note,
    reverts: row.reverts
  }
}

export function getRevision(db: Db, revisionId: number): Revision | null {
  const row = statement(db, `${REVISION_SELECT} WHERE r.id = ?`).get(revisionId) as RevisionRow | undefined
  return row ? toRevision(row) : null
}

/** Inserts a revision row and bumps the person's counters. Call inside a transaction. */
export function insertRevision(
  db: Db,
  personId: number,
  reason: RevisionReason,
  operation: string,
  old: PersonPatch,
  next: PersonPatch,
  author: string,
  note: string | null,
  reverts: number | null,
  at = new Date().toISOString()
): number {
  const { lastInsertRowid } = statement(
    db,
    'INSERT INTO revisions (person_id, reason, operation, old, new, at, author, note, reverts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'
  ).run(personId, reason, operation, JSON.stringify(old), JSON.stringify(next), at, author, note, reverts)
  const id = Number(lastInsertRowid)
  statement(db, 'UPDATE people SET revision = ?, edits = edits + ? WHERE id = ?').run(id, reason === 'import' ? 0 : 1, personId)
  return id
}

/**
 * Applies `patch` to the person and records it, in one transaction; pushes it on the undo stack and
 * clears the redo stack. A patch that changes nothing records nothing.
 */
export function commitChange(db: Db, personId: number, patch: PersonPatch, meta: ChangeMeta): ChangeResult {
  assertWritable(db)
  return db.transaction((): ChangeResult => {
    const person = requirePerson(db, personId)
    const next = normalizePatch(patch)
    const old = currentValues(person, next)
    if (JSON.stringify(old) === JSON.stringify(next)) return { person, revision: null }
    writePatch(db, personId, next)
    const id = insertRevision(db, personId, meta.reason, meta.operation, old, next, meta.author, meta.note ?? null, null)
    refreshImageCounts(db, person.imageId)
    pushUndo(db, id)
    return { person: requirePerson(db, personId), revision: getRevision(db, id) }
  })()
}

/** Puts a user change on the undo stack and clears the redo stack. Call inside its transaction. */
export function pushUndo(db: Db, revisionId: number): void {
  statement(db, "DELETE FROM undo_stack WHERE stack = 'redo'").run()
  statement(db, "INSERT INTO undo_stack (stack, revision_id) VALUES ('undo', ?)").run(revisionId)
}

/** A person's revisions, newest first. */
export function personHistory(db: Db, personId: number): Revision[] {
  requirePerson(db, personId)
  return (statement(db, `${REVISION_SELECT} WHERE r.person_id = ? ORDER BY r.id DESC`).all(personId) as RevisionRow[]).map(toRevision)
}

export interface UndoStep {
  revisionId: number
  personId: number
  imageId: number
  operation: string
  at: string
}

export interface UndoState {
  /** What undo would revert now (the latest change), or null. */
  undo: UndoStep | null
  /** What redo would re-apply now, or null. */
  redo: UndoStep | null
  undoDepth: number
  redoDepth: number
}

function topOf(db: Db, stack: 'undo' | 'redo'): { seq: number; revision: Revision } | null {
  const row = statement(db, 'SELECT seq, revision_id FROM undo_stack WHERE stack = ? ORDER BY seq DESC LIMIT 1').get(stack) as
    | { seq: number; revision_id: number }
    | undefined
  if (!row) return null
  const revision = getRevision(db, row.revision_id)
  return revision ? { seq: row.seq, revision } : null
}

function stepOf(revision: Revision | undefined): UndoStep | null {
  if (!revision) return null
  return { revisionId: revision.id, personId: revision.personId, imageId: revision.imageId, operation: revision.operation, at: revision.at }
}

export function undoState(db: Db): UndoState {
  const depth = (stack: string) => (statement(db, 'SELECT count(*) AS n FROM undo_stack WHERE stack = ?').get(stack) as { n: number }).n
  return {
    undo: stepOf(topOf(db, 'undo')?.revision),
    redo: stepOf(topOf(db, 'redo')?.revision),
    undoDepth: depth('undo'),
    redoDepth: depth('redo')
  }
}

/** Reverts the latest change (on whichever image); null when there is nothing to undo. */
export function undo(db: Db, author: string): ChangeResult | null {
  return step(db, 'undo', author)
}

/** Re-applies the latest undone change; null when there is nothing to redo. */
export function redo(db: Db, author: string): ChangeResult | null {
  return step(db, 'redo', author)
}

function step(db: Db, direction: 'undo' | 'redo', author: string): ChangeResult | null {
  assertWritable(db)
  return db.transaction((): ChangeResult | null => {
    const top = topOf(db, direction)
    if (!top) return null
    const { revision } = top
    const person = requirePerson(db, revision.personId)
    const from = direction === 'undo' ? revision.new : revision.old
    const to = direction === 'undo' ? revision.old : revision.new
    if (!matchesPatch(person, from)) {
      throw conflict(`cannot ${direction} revision ${revision.id} (${revision.operation}): person ${person.id} has changed since`)
    }
    writePatch(db, person.id, to)
    const id = insertRevision(db, person.id, direction, direction, currentValues(person, to), normalizePatch(to), author, `${direction} of revision ${revision.id}`, revision.id)
    refreshImageCounts(db, person.imageId)
    statement(db, 'DELETE FROM undo_stack WHERE seq = ?').run(top.seq)
    statement(db, 'INSERT INTO undo_stack (stack, revision_id) VALUES (?, ?)').run(direction === 'undo' ? 'redo' : 'undo', revision.id)
    return { person: requirePerson(db, person.id), revision: getRevision(db, id) }
  })()
}

/** The person as it was right after `mark` (a revision id), or null if it did not exist then. */
export function personAt(db: Db, personId: number, mark: number): StoredPerson | null {
  let state: StoredPerson = requirePerson(db, personId)
  const later = statement(db, 'SELECT old FROM revisions WHERE person_id = ? AND id > ? ORDER BY id DESC').all(personId, mark) as { old: string }[]
  for (const { old } of later) state = applyPatchTo(state, JSON.parse(old) as PersonPatch)
  return state.deleted ? null : state
}

/** Restores a person to its state right after one of its revisions; recorded (and undoable) as 'restore'. */
export function restoreRevision(db: Db, personId: number, revisionId: number, author: string): ChangeResult {
  const revision = getRevision(db, revisionId)
  if (!revision || revision.personId !== personId) throw notFound(`person ${personId} has no revision ${revisionId}`, 'revisionId')
  const target = personAt(db, personId, revisionId)
  const patch: PersonPatch = target
    ? { deleted: false, center: target.center, scale: target.scale, headBox: target.headBox, joints: { ...target.joints } }
    : { deleted: true }
  return commitChange(db, personId, patch, { reason: 'restore', operation: 'restore', author, note: `restore to revision ${revisionId}` })
}

/** The label mark: the id of the latest revision (0 for an empty project). */
export function labelMark(db: Db): number {
  return (statement(db, 'SELECT coalesce(max(id), 0) AS mark FROM revisions').get() as { mark: number }).mark
}

/** How many revisions (imports included) were recorded after `mark`, and how many people they touched. */
export function changesSince(db: Db, mark: number): { revisions: number; people: number } {
  const row = statement(db, 'SELECT count(*) AS revisions, count(DISTINCT person_id) AS people FROM revisions WHERE id > ?').get(mark) as {
    revisions: number
    people: number
  }
  return row
}

export type { Person }
