// Importing annotation files into a project's database, all or nothing.
//
//   importAnnotations(db, { file, format?, imagesDir?, split?, imageNames?, author? }, progress?) → ImportSummary
//   detectFormat(file) → AnnotationFormat
//
// Formats: the official release .mat (RELEASE struct), detections.mat (Tompson's val people), pose-hg-train
// .h5, HRNet/MMPose JSON and bearpaw's mpii_annotations.json (formats/*). Everything is converted to the
// database's conventions on the way in (conventions.ts). A file that cannot be read — truncated, corrupt,
// the wrong format or the wrong types — throws one badInput error naming the file and the field/offset,
// before anything is written. Items the importer will not take (a person already in the project, a point
// with an id outside 0..15, a person with no image name) are refused and listed in the summary.
//
// The write is one transaction, written in chunks with the event loop free in between, so progress
// reaches the UI and `signal` can cancel (the transaction is then rolled back). Edits to the project are
// refused with a conflict while it runs (write-lock.ts). Each imported person gets an 'import' revision
// holding its values as imported. `imagesDir` attaches an images folder in the same transaction.
import type { Statement } from 'better-sqlite3'
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'
import { badInput, cancelled } from '../errors'
import type { ProgressOptions } from '../progress'
import { statement, type Db } from './db'
import { readMatFile } from './formats/mat5'
import { parseDetections, parseRelease } from './formats/mpii-mat'
import { readJsonAnnotations } from './formats/json-annotations'
import { readPoseH5Annotations } from './formats/pose-h5-annotations'
import type { AnnotationFormat, ParsedAnnotations, ParsedImage, Refusal } from './formats/records'
import { attachImagesFolder, type FolderScan } from './images-folder'
import { JOINT_COUNT, STATE_CODE, type PersonAnnotation, type Split } from './model'
import { countStates, fullPatchJson, refreshImageCounts, writePatch } from './people-store'
import { insertRevision, labelMark } from './revisions'
import { acquireWriteLock } from './write-lock'

export interface ImportOptions {
  /** The annotation file. */
  file: string
  /** Detected from the file when absent. */
  format?: AnnotationFormat
  /** A folder holding the images, attached in the same transaction. */
  imagesDir?: string
  /** Put every image the file names in this split (overrides what the file implies). */
  split?: Split
  /**
   * detections.mat only: a list of image names, one per person in file order (valid_images.txt). When
   * absent, valid_images.txt beside the .mat is used if it has one line per person, then the names of
   * images already in the project with the same release index.
   */
  imageNames?: string
  /** Recorded as the author of the import revisions (default 'import'). */
  author?: string
}

export interface ImportSummary {
  file: string
  format: AnnotationFormat
  imagesAdded: number
  /** Images already in the project that the file also names (their split may have been updated). */
  imagesExisting: number
  peopleAdded: number
  /** Annotated joints added (visible or occluded). */
  jointsAdded: number
  /** People the project already has (same image and MPII person index, or same centre and scale). */
  duplicates: number
  /** Of those, people whose missing head box the file supplied (e.g. detections.mat after val.h5). */
  headBoxesFilled: number
  /** The first refusals (up to 200), duplicates included. */
  refused: Refusal[]
  refusedCount: number
  imagesFolder: FolderScan | null
  /** The label mark after the import. */
  mark: number
  durationMs: number
}

const REFUSALS_LISTED = 200
const CHUNK = 1000

export async function importAnnotations(db: Db, options: ImportOptions, progress: ProgressOptions = {}): Promise<ImportSummary> {
  const started = performance.now()
  const { onProgress, signal } = progress
  if (options.imagesDir && !existsSync(options.imagesDir)) throw badInput(`${options.imagesDir}: no such folder`, 'imagesDir')
  onProgress?.({ stage: `reading ${basename(options.file)}`, done: 0, total: 0 })
  const parsed = await parseFile(db, options)
  if (signal?.aborted) throw cancelled()
  const release = acquireWriteLock(db, `importing ${basename(options.file)}`)
  db.exec('BEGIN IMMEDIATE')
  try {
    const summary = await write(db, parsed, options, progress)
    let imagesFolder: FolderScan | null = null
    if (options.imagesDir) {
      onProgress?.({ stage: 'checking images', done: 0, total: 1 })
      imagesFolder = attachImagesFolder(db, options.imagesDir)
    }
    if (signal?.aborted) throw cancelled()
    statement(
      db,
      'INSERT INTO imports (file, format, at, images_added, people_added, joints_added, refused) VALUES (?, ?, ?, ?, ?, ?, ?)'
    ).run(parsed.file, parsed.format, new Date().toISOString(), summary.imagesAdded, summary.peopleAdded, summary.jointsAdded, JSON.stringify(summary.refused))
    db.exec('COMMIT')
    onProgress?.({ stage: 'done', done: 1, total: 1 })
    return { ...summary, imagesFolder, mark: labelMark(db), durationMs: Math.round(performance.now() - started) }
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK')
    throw error
  } finally {
    release()
  }
}

/** The format of an annotation file, from its extension and, for .mat files, its variables. */
export function detectFormat(file: string): AnnotationFormat {
  const family = fileFamily(file)
  if (family === 'mat') return matFormat(readMatFile(file).variables, file)
  return family === 'h5' ? 'pose-h5' : 'mmpose-json'
}

/** Which reader a file needs, from its extension or, failing that, its first bytes. */
function fileFamily(file: string): 'mat' | 'h5' | 'json' {
  const ext = extname(file).toLowerCase()
  if (ext === '.mat') return 'mat'
  if (ext === '.h5' || ext === '.hdf5') return 'h5'
  if (ext === '.json') return 'json'
  const head = readHead(file)
  if (head.startsWith('MATLAB 5.0')) return 'mat'
  if (head.startsWith('\x89HDF')) return 'h5'
  if (/^\s*[[{]/.test(head)) return 'json'
  throw badInput(`${file}: not a known MPII annotation format (expected .mat, .h5 or .json)`, 'file')
}

function readHead(file: string): string {
  try {
    const fd = openSync(file, 'r')
    try {
      const head = Buffer.alloc(16)
      const n = readSync(fd, head, 0, 16, 0)
      return head.subarray(0, n).toString('latin1')
    } finally {
      closeSync(fd)
    }
  } catch (error) {
    throw badInput(`${file}: cannot read: ${(error as Error).message}`, 'file')
  }
}

function matFormat(variables: Map<string, unknown>, file: string): AnnotationFormat {
  if (variables.has('RELEASE')) return 'mpii-release'
  if (variables.has('annolist') && variables.has('RELEASE_img_index')) return 'mpii-detections'
  if (variables.has('pos_gt_src')) {
    throw badInput(`${file}: evaluation ground truth (pos_gt_src) has no image names or person centres; import detections.mat or val.h5 instead`, 'file')
  }
  throw badInput(`${file}: a MAT file without MPII annotations (variables: ${[...variables.keys()].join(', ') || 'none'})`, 'file')
}

async function parseFile(db: Db, options: ImportOptions): Promise<ParsedAnnotations> {
  const family = options.format ? familyOf(options.format) : fileFamily(options.file)
  if (family === 'h5') return readPoseH5Annotations(options.file, options.split)
  if (family === 'json') return readJsonAnnotations(options.file, options.format as 'mmpose-json' | 'bearpaw-json' | undefined, options.split)
  // A MAT file is read once: its variables say which layout it holds.
  const mat = readMatFile(options.file)
  const format = options.format ?? matFormat(mat.variables, options.file)
  if (format === 'mpii-release') return parseRelease(mat)
  return parseDetections(mat, detectionNames(db, options, mat.get('annolist').dims.reduce((a, b) => a * b, 1)))
}

function familyOf(format: AnnotationFormat): 'mat' | 'h5' | 'json' {
  return format === 'pose-h5' ? 'h5' : format === 'mmpose-json' || format === 'bearpaw-json' ? 'json' : 'mat'
}

function detectionNames(db: Db, options: ImportOptions, count: number): (n: number, mpiiIndex: number) => string | null {
  const sibling = join(dirname(options.file), 'valid_images.txt')
  const listFile = options.imageNames ?? (existsSync(sibling) ? sibling : null)
  if (listFile) {
    let names: string[]
    try {
      names = readFileSync(listFile, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
    } catch (error) {
      throw badInput(`${listFile}: cannot read: ${(error as Error).message}`, 'imageNames')
    }
    if (names.length === count) return (n) => names[n]
    if (options.imageNames) throw badInput(`${listFile}: has ${names.length} names for ${count} people`, 'imageNames')
  }
  const known = new Map(
    (statement(db, 'SELECT mpii_index, name FROM images WHERE mpii_index IS NOT NULL').all() as { mpii_index: number; name: string }[]).map(
      (r) => [r.mpii_index, r.name]
    )
  )
  return (_n, mpiiIndex) => known.get(mpiiIndex) ?? null
}

type WriteSummary = Omit<ImportSummary, 'imagesFolder' | 'mark' | 'durationMs'>

async function write(db: Db, parsed: ParsedAnnotations, options: ImportOptions, { onProgress, signal }: ProgressOptions): Promise<WriteSummary> {
  const refused: Refusal[] = [...parsed.refused]
  let refusedCount = parsed.refused.length
  const refuse = (item: string, reason: string) => {
    refusedCount++
    if (refused.length < REFUSALS_LISTED) refused.push({ item, reason })
  }
  const { imageIds, added, existing } = writeImages(db, parsed.images, options.split)
  const keys = existingPeopleKeys(db, new Set(existing))
  const author = options.author ?? 'import'
  const note = `import of ${basename(parsed.file)}`
  const at = new Date().toISOString()
  const rows = new BulkPeople(db)
  const total = parsed.people.length
  let peopleAdded = 0
  let jointsAdded = 0
  let duplicates = 0
  let headBoxesFilled = 0
  for (let start = 0; start < total; start += CHUNK) {
    if (signal?.aborted) throw cancelled()
    onProgress?.({ stage: 'writing', done: start, total })
    for (const person of parsed.people.slice(start, start + CHUNK)) {
      const imageId = imageIds.get(person.image)!
      const byPlace = placeKey(imageId, person.annotation.center, person.annotation.scale)
      const byIndex = person.mpiiPerson === null ? null : `${imageId}#${person.mpiiPerson}`
      const atPlace = byPlace ? keys.get(byPlace) : undefined
      // Two people with different MPII indices are different people even at the same place.
      const known = (byIndex && keys.get(byIndex)) || (atPlace && (atPlace.mpiiPerson === null || person.mpiiPerson === null) ? atPlace : undefined)
      if (known) {
        duplicates++
        // The one thing a second file may add to a person: the head box pose-hg's h5 files lack.
        if (!known.hasHeadBox && person.annotation.headBox) {
          const patch = { headBox: person.annotation.headBox }
          writePatch(db, known.personId, patch)
          insertRevision(db, known.personId, 'import', 'fillHeadBox', { headBox: null }, patch, author, note, null, at)
          known.hasHeadBox = true
          headBoxesFilled++
        } else {
          refuse(`${person.source} (${person.image})`, 'already in the project')
        }
        continue
      }
      const personId = rows.insert(imageId, person.mpiiPerson, person.annotation, author, note, at)
      const entry = { personId, mpiiPerson: person.mpiiPerson, hasHeadBox: person.annotation.headBox !== null }
      if (byIndex) keys.set(byIndex, entry)
      if (byPlace) keys.set(byPlace, entry)
      peopleAdded++
      for (const joint of person.annotation.joints) if (joint.state !== 'missing') jointsAdded++
    }
    await new Promise((resolve) => setImmediate(resolve))
  }
  refreshImageCounts(db, [...imageIds.values()])
  onProgress?.({ stage: 'writing', done: total, total })
  return {
    file: parsed.file,
    format: parsed.format,
    imagesAdded: added,
    imagesExisting: existing.length,
    peopleAdded,
    jointsAdded,
    duplicates,
    headBoxesFilled,
    refused,
    refusedCount
  }
}

function writeImages(db: Db, images: ParsedImage[], explicitSplit: Split | undefined): { imageIds: Map<string, number>; added: number; existing: number[] } {
  const known = new Map(
    (statement(db, 'SELECT id, name, split FROM images').all() as { id: number; name: string; split: Split }[]).map((r) => [r.name, r])
  )
  const insert = statement(
    db,
    `INSERT INTO images (name, split, width, height, mpii_index, activity_id, activity_category, activity_name)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
  )
  const fill = statement(
    db,
    `UPDATE images SET split = ?, width = coalesce(width, ?), height = coalesce(height, ?), mpii_index = coalesce(mpii_index, ?),
       activity_id = coalesce(activity_id, ?), activity_category = coalesce(activity_category, ?), activity_name = coalesce(activity_name, ?)
     WHERE id = ?`
  )
  const imageIds = new Map<string, number>()
  const existing: number[] = []
  let added = 0
  for (const image of images) {
    const split = explicitSplit ?? image.split
    const act = image.activity
    const values = [image.width ?? null, image.height ?? null, image.mpiiIndex ?? null, act?.id ?? null, act?.category ?? null, act?.name ?? null]
    const row = known.get(image.name)
    if (row) {
      const replace = explicitSplit !== undefined || image.splitIsAuthoritative || row.split === 'unknown'
      fill.run(replace ? split : row.split, ...values, row.id)
      imageIds.set(image.name, row.id)
      existing.push(row.id)
    } else {
      const id = Number(insert.run(image.name, split, ...values).lastInsertRowid)
      imageIds.set(image.name, id)
      added++
    }
  }
  return { imageIds, added, existing }
}

/**
 * A person's identity for de-duplication is its MPII index in its image and, separately, its place (centre
 * and scale, rounded): a person known by either is the same person. Without a centre there is no place.
 */
function placeKey(imageId: number, center: { x: number; y: number } | null, scale: number | null): string | null {
  if (!center) return null
  return `${imageId}@${center.x.toFixed(2)},${center.y.toFixed(2)}/${scale === null ? '-' : scale.toFixed(3)}`
}

/**
 * The import's fast path for new people: ids assigned here (the import holds the write lock inside its
 * transaction, so nobody else inserts), the 16 joints in one statement and the person row written with
 * its revision id, so each person costs three statements instead of nineteen.
 */
class BulkPeople {
  private nextPerson: number
  private nextRevision: number
  private readonly person: Statement
  private readonly joints: Statement
  private readonly revision: Statement

  constructor(private readonly db: Db) {
    this.nextPerson = (statement(db, 'SELECT coalesce(max(id), 0) + 1 AS n FROM people').get() as { n: number }).n
    this.nextRevision = (statement(db, 'SELECT coalesce(max(id), 0) + 1 AS n FROM revisions').get() as { n: number }).n
    this.person = statement(
      db,
      `INSERT INTO people (id, image_id, mpii_person, center_x, center_y, scale, head_x1, head_y1, head_x2, head_y2, occluded, missing, revision)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
    )
    this.joints = statement(db, `INSERT INTO joints (person_id, joint, x, y, state) VALUES ${Array(JOINT_COUNT).fill('(?, ?, ?, ?, ?)').join(', ')}`)
    this.revision = statement(
      db,
      `INSERT INTO revisions (id, person_id, reason, operation, old, new, at, author, note) VALUES (?, ?, 'import', 'import', '{"deleted":true}', ?, ?, ?, ?)`
    )
  }

  insert(imageId: number, mpiiPerson: number | null, annotation: PersonAnnotation, author: string, note: string, at: string): number {
    const personId = this.nextPerson++
    const revisionId = this.nextRevision++
    const b = annotation.headBox
    const counts = countStates(annotation.joints)
    this.person.run(
      personId,
      imageId,
      mpiiPerson,
      annotation.center?.x ?? null,
      annotation.center?.y ?? null,
      annotation.scale,
      b?.x1 ?? null,
      b?.y1 ?? null,
      b?.x2 ?? null,
      b?.y2 ?? null,
      counts.occluded,
      counts.missing,
      revisionId
    )
    const values: (number | null)[] = []
    annotation.joints.forEach((joint, j) => {
      const missing = joint.state === 'missing'
      values.push(personId, j, missing ? null : joint.x, missing ? null : joint.y, STATE_CODE[joint.state])
    })
    this.joints.run(values)
    this.revision.run(revisionId, personId, fullPatchJson(annotation), at, author, note)
    return personId
  }
}

interface KnownPerson {
  personId: number
  mpiiPerson: number | null
  hasHeadBox: boolean
}

function existingPeopleKeys(db: Db, imageIds: Set<number>): Map<string, KnownPerson> {
  const keys = new Map<string, KnownPerson>()
  if (imageIds.size === 0) return keys
  const rows = statement(db, 'SELECT id, image_id, mpii_person, center_x, center_y, scale, head_x1 FROM people').all() as {
    id: number
    image_id: number
    mpii_person: number | null
    center_x: number | null
    center_y: number | null
    scale: number | null
    head_x1: number | null
  }[]
  for (const r of rows) {
    if (!imageIds.has(r.image_id)) continue
    const center = r.center_x === null || r.center_y === null ? null : { x: r.center_x, y: r.center_y }
    const entry = { personId: r.id, mpiiPerson: r.mpii_person, hasHeadBox: r.head_x1 !== null }
    const place = placeKey(r.image_id, center, r.scale)
    if (place) keys.set(place, entry)
    if (r.mpii_person !== null) keys.set(`${r.image_id}#${r.mpii_person}`, entry)
  }
  return keys
}
