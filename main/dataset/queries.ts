// Read-only queries the UI and other areas use.
//
//   listImages(db, query)            → { total, images }   paged, filtered, each with counts (and people if asked)
//   getImage(db, imageId)            → ImageInfo & { people }   (call ensureImageSize first to fill the size)
//   datasetStats(db)                 → counts by split, file state, joint state, revision reason
//   annotatedPeople(db, { split, asOf })  → every person of a split, optionally as it was at a label mark
//
// Filters are answered from per-image counters (images.person_count, edited_people, occluded_joints,
// missing_joints) kept by every write path, so a filtered page and its total read one row per image.
import { notFound } from '../errors'
import { statement, type Db } from './db'
import type { FileState, ImageInfo, Person, PersonAnnotation, Split } from './model'
import { peopleOfImages, requirePerson } from './people-store'
import { personAt } from './revisions'

export interface ImageFilter {
  split?: Split
  /** true: only images with an edited person; false: only images without. */
  edited?: boolean
  /** true: only images where some person has a missing joint; false: none has. */
  missingJoints?: boolean
  /** true: only images where some person has an occluded joint; false: none has. */
  occludedJoints?: boolean
  fileState?: FileState
  /** Case-insensitive substring of the image name. */
  search?: string
}

export interface ImageQuery {
  filter?: ImageFilter
  offset?: number
  limit?: number
  order?: 'id' | 'name'
  /** Include each image's people with their joints (for overlays). */
  withPeople?: boolean
}

export interface ImageSummary extends ImageInfo {
  personCount: number
  editedPeople: number
  occludedJoints: number
  missingJoints: number
  people?: Person[]
}

export interface ImagePage {
  /** Images matching the filter, over all pages. */
  total: number
  offset: number
  images: ImageSummary[]
}

interface ImageRow {
  id: number
  name: string
  split: Split
  width: number | null
  height: number | null
  file_state: FileState
  mpii_index: number | null
  activity_id: number | null
  activity_category: string | null
  activity_name: string | null
}

const IMAGE_COLUMNS = 'i.id, i.name, i.split, i.width, i.height, i.file_state, i.mpii_index, i.activity_id, i.activity_category, i.activity_name'

function toImage(row: ImageRow): ImageInfo {
  const hasActivity = row.activity_id !== null || row.activity_category !== null || row.activity_name !== null
  return {
    id: row.id,
    name: row.name,
    split: row.split,
    width: row.width,
    height: row.height,
    fileState: row.file_state,
    mpiiIndex: row.mpii_index,
    activity: hasActivity ? { id: row.activity_id, category: row.activity_category, name: row.activity_name } : null
  }
}


function whereClause(filter: ImageFilter): { sql: string; params: unknown[] } {
  const conditions: string[] = []
  const params: unknown[] = []
  if (filter.split) {
    conditions.push('i.split = ?')
    params.push(filter.split)
  }
  if (filter.fileState) {
    conditions.push('i.file_state = ?')
    params.push(filter.fileState)
  }
  if (filter.search?.trim()) {
    conditions.push("i.name LIKE ? ESCAPE '\\'")
    params.push(`%${filter.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
  }
  const flags: [boolean | undefined, string][] = [
    [filter.edited, 'i.edited_people'],
    [filter.missingJoints, 'i.missing_joints'],
    [filter.occludedJoints, 'i.occluded_joints']
  ]
  for (const [wanted, column] of flags) {
    if (wanted !== undefined) conditions.push(wanted ? `${column} > 0` : `${column} = 0`)
  }
  return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params }
}

export function listImages(db: Db, query: ImageQuery = {}): ImagePage {
  const { sql, params } = whereClause(query.filter ?? {})
  const offset = Math.max(0, Math.floor(query.offset ?? 0))
  const limit = Math.min(1000, Math.max(0, Math.floor(query.limit ?? 100)))
  const order = query.order === 'name' ? 'i.name' : 'i.id'
  const total = (statement(db, `SELECT count(*) AS n FROM images i ${sql}`).get(...params) as { n: number }).n
  const rows = statement(
    db,
    `SELECT ${IMAGE_COLUMNS}, i.person_count, i.edited_people, i.occluded_joints, i.missing_joints FROM images i ${sql} ORDER BY ${order} LIMIT ? OFFSET ?`
  ).all(...params, limit, offset) as (ImageRow & { person_count: number; edited_people: number; occluded_joints: number; missing_joints: number })[]
  const people = query.withPeople ? peopleOfImages(db, rows.map((r) => r.id)) : null
  const images = rows.map((row): ImageSummary => {
    const summary: ImageSummary = {
      ...toImage(row),
      personCount: row.person_count,
      editedPeople: row.edited_people,
      occludedJoints: row.occluded_joints,
      missingJoints: row.missing_joints
    }
    if (people) summary.people = people.get(row.id) ?? []
    return summary
  })
  return { total, offset, images }
}

export function findImage(db: Db, imageId: number): ImageInfo | null {
  const row = statement(db, `SELECT ${IMAGE_COLUMNS} FROM images i WHERE i.id = ?`).get(imageId) as ImageRow | undefined
  return row ? toImage(row) : null
}

export function getImage(db: Db, imageId: number): ImageInfo & { people: Person[] } {
  const image = findImage(db, imageId)
  if (!image) throw notFound(`no image ${imageId} in this project`, 'imageId')
  return { ...image, people: peopleOfImages(db, [imageId]).get(imageId) ?? [] }
}

/** The image a person belongs to, with all its people (after an undo on another image, say). */
export function imageOfPerson(db: Db, personId: number): ImageInfo & { people: Person[] } {
  return getImage(db, requirePerson(db, personId).imageId)
}

export interface JointStateCounts {
  visible: number
  occluded: number
  missing: number
}

export interface DatasetStats {
  images: { total: number; bySplit: Record<Split, number>; present: number; missing: number; unknown: number }
  people: { total: number; bySplit: Record<Split, number>; edited: number; deleted: number }
  joints: JointStateCounts
  /** Per joint id 0..15, over people that are not deleted. */
  perJoint: JointStateCounts[]
  revisions: { total: number; byReason: Record<string, number> }
  /** The current label mark. */
  mark: number
  imports: { file: string; format: string; at: string; peopleAdded: number }[]
}

export function datasetStats(db: Db): DatasetStats {
  const bySplit = (): Record<Split, number> => ({ train: 0, val: 0, test: 0, unknown: 0 })
  const images = { total: 0, bySplit: bySplit(), present: 0, missing: 0, unknown: 0 }
  for (const r of statement(db, 'SELECT split, file_state, count(*) AS n FROM images GROUP BY split, file_state').all() as {
    split: Split
    file_state: FileState
    n: number
  }[]) {
    images.total += r.n
    images.bySplit[r.split] += r.n
    images[r.file_state] += r.n
  }
  const people = { total: 0, bySplit: bySplit(), edited: 0, deleted: 0 }
  for (const r of statement(
    db,
    'SELECT i.split, p.deleted, count(*) AS n, sum(p.edits > 0) AS edited FROM people p JOIN images i ON i.id = p.image_id GROUP BY i.split, p.deleted'
  ).all() as { split: Split; deleted: number; n: number; edited: number }[]) {
    if (r.deleted) {
      people.deleted += r.n
      continue
    }
    people.total += r.n
    people.bySplit[r.split] += r.n
    people.edited += r.edited
  }
  const perJoint: JointStateCounts[] = Array.from({ length: 16 }, () => ({ visible: 0, occluded: 0, missing: 0 }))
  const joints: JointStateCounts = { visible: 0, occluded: 0, missing: 0 }
  const names = ['missing', 'visible', 'occluded'] as const
  for (const r of statement(
    db,
    'SELECT j.joint, j.state, count(*) AS n FROM joints j JOIN people p ON p.id = j.person_id WHERE p.deleted = 0 GROUP BY j.joint, j.state'
  ).all() as { joint: number; state: number; n: number }[]) {
    perJoint[r.joint][names[r.state]] += r.n
    joints[names[r.state]] += r.n
  }
  const byReason: Record<string, number> = {}
  let total = 0
  for (const r of statement(db, 'SELECT reason, count(*) AS n FROM revisions GROUP BY reason').all() as { reason: string; n: number }[]) {
    byReason[r.reason] = r.n
    total += r.n
  }
  const mark = (statement(db, 'SELECT coalesce(max(id), 0) AS m FROM revisions').get() as { m: number }).m
  const imports = (statement(db, 'SELECT file, format, at, people_added FROM imports ORDER BY id').all() as {
    file: string
    format: string
    at: string
    people_added: number
  }[]).map((r) => ({ file: r.file, format: r.format, at: r.at, peopleAdded: r.people_added }))
  return { images, people, joints, perJoint, revisions: { total, byReason }, mark, imports }
}

export interface AnnotatedPerson {
  personId: number
  imageId: number
  imageName: string
  split: Split
  mpiiIndex: number | null
  mpiiPerson: number | null
  annotation: PersonAnnotation
}

/**
 * Every (not deleted) person of a split with its annotation, in id order — what training and evaluation
 * read. With `asOf` (a label mark from labelMark) each person is as it was at that mark, so a run that
 * recorded its mark can re-read exactly the labels it trained on; people added after the mark are left out.
 */
export function annotatedPeople(db: Db, options: { split?: Split; asOf?: number } = {}): AnnotatedPerson[] {
  const rows = statement(
    db,
    `SELECT i.id AS image_id, i.name, i.split, i.mpii_index FROM images i ${options.split ? 'WHERE i.split = ?' : ''} ORDER BY i.id`
  ).all(...(options.split ? [options.split] : [])) as { image_id: number; name: string; split: Split; mpii_index: number | null }[]
  const images = new Map(rows.map((r) => [r.image_id, r]))
  const out: AnnotatedPerson[] = []
  const changedAfterMark =
    options.asOf === undefined
      ? new Set<number>()
      : new Set((statement(db, 'SELECT DISTINCT person_id FROM revisions WHERE id > ?').all(options.asOf) as { person_id: number }[]).map((r) => r.person_id))
  const ids = [...images.keys()]
  const batch = 2000
  for (let start = 0; start < ids.length; start += batch) {
    for (const [imageId, people] of peopleOfImages(db, ids.slice(start, start + batch))) {
      const image = images.get(imageId)!
      for (const person of people) out.push(entry(image, person))
    }
  }
  // People changed after the mark (including those deleted since, which peopleOfImages skipped) are
  // replaced by their state at the mark.
  if (changedAfterMark.size > 0) {
    const kept = out.filter((p) => !changedAfterMark.has(p.personId))
    for (const personId of changedAfterMark) {
      const then = personAt(db, personId, options.asOf!)
      const image = then && images.get(then.imageId)
      if (then && image) kept.push(entry(image, then))
    }
    kept.sort((a, b) => a.personId - b.personId)
    return kept
  }
  return out

  function entry(image: { image_id: number; name: string; split: Split; mpii_index: number | null }, person: Person): AnnotatedPerson {
    return {
      personId: person.id,
      imageId: image.image_id,
      imageName: image.name,
      split: image.split,
      mpiiIndex: image.mpii_index,
      mpiiPerson: person.mpiiPerson,
      annotation: { center: person.center, scale: person.scale, headBox: person.headBox, joints: person.joints }
    }
  }
}
