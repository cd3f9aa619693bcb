// Rows ↔ domain objects for people and joints, and the one function that writes a change to a person
// (`writePatch`). Every write path — import aside, which inserts in bulk — goes through it, so the
// per-person counters the list filters rely on (occluded, missing) are always in step with the joints.
import { badInput, notFound } from '../errors'
import { statement, type Db } from './db'
import {
  JOINT_COUNT,
  STATE_CODE,
  STATE_OF_CODE,
  emptyJoints,
  type HeadBox,
  type Joint,
  type Person,
  type PersonAnnotation,
  type PersonPatch,
  type Point
} from './model'

interface PersonRow {
  id: number
  image_id: number
  mpii_person: number | null
  center_x: number | null
  center_y: number | null
  scale: number | null
  head_x1: number | null
  head_y1: number | null
  head_x2: number | null
  head_y2: number | null
  deleted: number
  edits: number
  revision: number
}

interface JointRow {
  person_id: number
  joint: number
  x: number | null
  y: number | null
  state: number
}

/** A person as stored, including whether it is deleted. */
export interface StoredPerson extends Person {
  deleted: boolean
}

const PERSON_COLUMNS = 'id, image_id, mpii_person, center_x, center_y, scale, head_x1, head_y1, head_x2, head_y2, deleted, edits, revision'

function toPerson(row: PersonRow, joints: Joint[]): StoredPerson {
  return {
    id: row.id,
    imageId: row.image_id,
    mpiiPerson: row.mpii_person,
    center: row.center_x === null || row.center_y === null ? null : { x: row.center_x, y: row.center_y },
    scale: row.scale,
    headBox:
      row.head_x1 === null || row.head_y1 === null || row.head_x2 === null || row.head_y2 === null
        ? null
        : { x1: row.head_x1, y1: row.head_y1, x2: row.head_x2, y2: row.head_y2 },
    joints,
    edits: row.edits,
    revision: row.revision,
    deleted: row.deleted !== 0
  }
}

function jointOf(row: JointRow): Joint {
  return { x: row.x, y: row.y, state: STATE_OF_CODE[row.state] }
}

/** One person (deleted or not), or null. */
export function findPerson(db: Db, personId: number): StoredPerson | null {
  const row = statement(db, `SELECT ${PERSON_COLUMNS} FROM people WHERE id = ?`).get(personId) as PersonRow | undefined
  if (!row) return null
  const joints = emptyJoints()
  for (const j of statement(db, 'SELECT person_id, joint, x, y, state FROM joints WHERE person_id = ?').all(personId) as JointRow[]) {
    joints[j.joint] = jointOf(j)
  }
  return toPerson(row, joints)
}

export function requirePerson(db: Db, personId: number): StoredPerson {
  const person = findPerson(db, personId)
  if (!person) throw notFound(`no person ${personId} in this project`, 'personId')
  return person
}

/** The people (not deleted) of the given images with their joints, grouped by image, in id order. */
export function peopleOfImages(db: Db, imageIds: number[]): Map<number, Person[]> {
  const byImage = new Map<number, Person[]>(imageIds.map((id) => [id, []]))
  if (imageIds.length === 0) return byImage
  const ids = JSON.stringify(imageIds)
  const rows = statement(
    db,
    `SELECT ${PERSON_COLUMNS} FROM people WHERE deleted = 0 AND image_id IN (SELECT value FROM json_each(?)) ORDER BY id`
  ).all(ids) as PersonRow[]
  const joints = new Map<number, Joint[]>()
  for (const row of rows) joints.set(row.id, new Array<Joint>(JOINT_COUNT))
  if (rows.length > 0) {
    // Raw rows (arrays): a page of 200 images brings ~5,000 joint rows, and objects per row cost more than the query.
    const jointRows = statement(db, 'SELECT person_id, joint, x, y, state FROM joints WHERE person_id IN (SELECT value FROM json_each(?))')
      .raw(true)
      .all(JSON.stringify(rows.map((r) => r.id))) as [number, number, number | null, number | null, number][]
    for (const [personId, joint, x, y, state] of jointRows) joints.get(personId)![joint] = { x, y, state: STATE_OF_CODE[state] }
  }
  for (const row of rows) {
    const list = joints.get(row.id)!
    // Every person has 16 joint rows; a gap could only come from a hand-edited database.
    for (let j = 0; j < JOINT_COUNT; j++) list[j] ??= { x: null, y: null, state: 'missing' }
    const { deleted: _deleted, ...person } = toPerson(row, list)
    byImage.get(row.image_id)!.push(person)
  }
  return byImage
}

/** The current values of exactly the parts a patch names (the "old" side of a revision). */
export function currentValues(person: StoredPerson, patch: PersonPatch): PersonPatch {
  const old: PersonPatch = {}
  if (patch.deleted !== undefined) old.deleted = person.deleted
  if (patch.center !== undefined) old.center = person.center
  if (patch.scale !== undefined) old.scale = person.scale
  if (patch.headBox !== undefined) old.headBox = person.headBox
  if (patch.joints) {
    old.joints = {}
    for (const key of Object.keys(patch.joints)) old.joints[Number(key)] = { ...person.joints[Number(key)] }
  }
  return old
}

/** Whether the person currently holds exactly the values of `patch`. */
export function matchesPatch(person: StoredPerson, patch: PersonPatch): boolean {
  return JSON.stringify(currentValues(person, patch)) === JSON.stringify(normalizePatch(patch))
}

/** A patch with its joints in canonical form (for comparisons and storage). */
export function normalizePatch(patch: PersonPatch): PersonPatch {
  const out: PersonPatch = {}
  if (patch.deleted !== undefined) out.deleted = patch.deleted
  if (patch.center !== undefined) out.center = patch.center && { x: patch.center.x, y: patch.center.y }
  if (patch.scale !== undefined) out.scale = patch.scale
  if (patch.headBox !== undefined) out.headBox = patch.headBox && { x1: patch.headBox.x1, y1: patch.headBox.y1, x2: patch.headBox.x2, y2: patch.headBox.y2 }
  if (patch.joints) {
    out.joints = {}
    for (const key of Object.keys(patch.joints).map(Number).sort((a, b) => a - b)) out.joints[key] = normalizeJoint(patch.joints[key])
  }
  return out
}

function normalizeJoint(joint: Joint): Joint {
  if (joint.state === 'missing') return { x: null, y: null, state: 'missing' }
  return { x: joint.x, y: joint.y, state: joint.state }
}

/** Applies a patch to a person object (no database), e.g. to walk history backwards. */
export function applyPatchTo<T extends PersonAnnotation & { deleted: boolean }>(person: T, patch: PersonPatch): T {
  const next = { ...person, joints: person.joints.map((j) => ({ ...j })) }
  if (patch.deleted !== undefined) next.deleted = patch.deleted
  if (patch.center !== undefined) next.center = patch.center
  if (patch.scale !== undefined) next.scale = patch.scale
  if (patch.headBox !== undefined) next.headBox = patch.headBox
  if (patch.joints) for (const [key, joint] of Object.entries(patch.joints)) next.joints[Number(key)] = { ...joint }
  return next
}

/** Writes a patch to the person's rows and refreshes its counters. Call inside a transaction. */
export function writePatch(db: Db, personId: number, patch: PersonPatch): void {
  if (patch.deleted !== undefined) statement(db, 'UPDATE people SET deleted = ? WHERE id = ?').run(patch.deleted ? 1 : 0, personId)
  if (patch.center !== undefined) {
    statement(db, 'UPDATE people SET center_x = ?, center_y = ? WHERE id = ?').run(patch.center?.x ?? null, patch.center?.y ?? null, personId)
  }
  if (patch.scale !== undefined) statement(db, 'UPDATE people SET scale = ? WHERE id = ?').run(patch.scale, personId)
  if (patch.headBox !== undefined) {
    const b = patch.headBox
    statement(db, 'UPDATE people SET head_x1 = ?, head_y1 = ?, head_x2 = ?, head_y2 = ? WHERE id = ?').run(
      b?.x1 ?? null,
      b?.y1 ?? null,
      b?.x2 ?? null,
      b?.y2 ?? null,
      personId
    )
  }
  if (patch.joints) {
    const update = statement(db, 'UPDATE joints SET x = ?, y = ?, state = ? WHERE person_id = ? AND joint = ?')
    for (const [key, joint] of Object.entries(patch.joints)) {
      const j = normalizeJoint(joint)
      update.run(j.x, j.y, STATE_CODE[j.state], personId, Number(key))
    }
    statement(
      db,
      `UPDATE people SET
         occluded = (SELECT count(*) FROM joints WHERE person_id = @id AND state = 2),
         missing = (SELECT count(*) FROM joints WHERE person_id = @id AND state = 0)
       WHERE id = @id`
    ).run({ id: personId })
  }
}

/**
 * Recomputes the per-image counters from the image's people (not deleted). Every write path calls it for
 * the images it touched, inside its transaction (a list after a bulk import; `null` for every image).
 */
export function refreshImageCounts(db: Db, imageId: number | number[] | null): void {
  const sql = `UPDATE images SET
      person_count = (SELECT count(*) FROM people p WHERE p.image_id = images.id AND p.deleted = 0),
      edited_people = (SELECT count(*) FROM people p WHERE p.image_id = images.id AND p.deleted = 0 AND p.edits > 0),
      occluded_joints = (SELECT coalesce(sum(occluded), 0) FROM people p WHERE p.image_id = images.id AND p.deleted = 0),
      missing_joints = (SELECT coalesce(sum(missing), 0) FROM people p WHERE p.image_id = images.id AND p.deleted = 0)`
  if (imageId === null) statement(db, sql).run()
  else if (Array.isArray(imageId)) statement(db, `${sql} WHERE id IN (SELECT value FROM json_each(?))`).run(JSON.stringify(imageId))
  else statement(db, `${sql} WHERE id = ?`).run(imageId)
}

/** Inserts a person row and its 16 joint rows, refreshing its image's counters; returns the id. Call inside a transaction. */
export function insertPerson(db: Db, imageId: number, mpiiPerson: number | null, annotation: PersonAnnotation): number {
  const b = annotation.headBox
  const counts = countStates(annotation.joints)
  const { lastInsertRowid } = statement(
    db,
    `INSERT INTO people (image_id, mpii_person, center_x, center_y, scale, head_x1, head_y1, head_x2, head_y2, occluded, missing)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  ).run(
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
    counts.missing
  )
  const personId = Number(lastInsertRowid)
  const insertJoint = statement(db, 'INSERT INTO joints (person_id, joint, x, y, state) VALUES (?, ?, ?, ?, ?)')
  for (let j = 0; j < JOINT_COUNT; j++) {
    const joint = normalizeJoint(annotation.joints[j])
    insertJoint.run(personId, j, joint.x, joint.y, STATE_CODE[joint.state])
  }
  refreshImageCounts(db, imageId)
  return personId
}

export function countStates(joints: Joint[]): { occluded: number; missing: number } {
  let occluded = 0
  let missing = 0
  for (const j of joints) {
    if (j.state === 'occluded') occluded++
    else if (j.state === 'missing') missing++
  }
  return { occluded, missing }
}

/** The full annotation of a person as a patch (what an import or an add records as "new"). */
export function fullPatch(annotation: PersonAnnotation, deleted = false): PersonPatch {
  const joints: Record<number, Joint> = {}
  annotation.joints.forEach((joint, j) => (joints[j] = joint))
  return normalizePatch({ deleted, center: annotation.center, scale: annotation.scale, headBox: annotation.headBox, joints })
}

/**
 * JSON.stringify(fullPatch(annotation)) without the intermediate objects: an import writes one per person,
 * and at MPII size building them was a tenth of the indexing time.
 */
export function fullPatchJson(annotation: PersonAnnotation): string {
  const n = (v: number | null) => (v === null ? 'null' : JSON.stringify(v))
  const c = annotation.center
  const b = annotation.headBox
  let joints = ''
  for (let j = 0; j < annotation.joints.length; j++) {
    const joint = annotation.joints[j]
    const missing = joint.state === 'missing'
    joints += `${j ? ',' : ''}"${j}":{"x":${missing ? 'null' : n(joint.x)},"y":${missing ? 'null' : n(joint.y)},"state":"${joint.state}"}`
  }
  return (
    `{"deleted":false,"center":${c ? `{"x":${n(c.x)},"y":${n(c.y)}}` : 'null'},"scale":${n(annotation.scale)},` +
    `"headBox":${b ? `{"x1":${n(b.x1)},"y1":${n(b.y1)},"x2":${n(b.x2)},"y2":${n(b.y2)}}` : 'null'},"joints":{${joints}}}`
  )
}

/** Validates an annotation coming from outside (a request, a file): 16 joints, finite numbers. */
export function checkAnnotation(annotation: PersonAnnotation, where: string): PersonAnnotation {
  if (annotation.joints.length !== JOINT_COUNT) throw badInput(`${where}: a person has ${JOINT_COUNT} joints, got ${annotation.joints.length}`, where)
  annotation.joints.forEach((joint, j) => checkJoint(joint, `${where}.joints.${j}`))
  if (annotation.center) checkPoint(annotation.center, `${where}.center`)
  if (annotation.scale !== null && !(Number.isFinite(annotation.scale) && annotation.scale > 0)) {
    throw badInput(`${where}.scale: must be a positive number, got ${annotation.scale}`, `${where}.scale`)
  }
  if (annotation.headBox) checkHeadBox(annotation.headBox, `${where}.headBox`)
  return annotation
}

export function checkJoint(joint: Joint, where: string): void {
  if (joint.state === 'missing') return
  if (joint.x === null || joint.y === null || !Number.isFinite(joint.x) || !Number.isFinite(joint.y)) {
    throw badInput(`${where}: a ${joint.state} joint needs finite x and y`, where)
  }
}

export function checkPoint(point: Point, where: string): void {
  if (!Number.isFinite(point.x) || !Number.isFinite(point.y)) throw badInput(`${where}: x and y must be finite numbers`, where)
}

export function checkHeadBox(box: HeadBox, where: string): void {
  for (const key of ['x1', 'y1', 'x2', 'y2'] as const) {
    if (!Number.isFinite(box[key])) throw badInput(`${where}.${key}: must be a finite number`, `${where}.${key}`)
  }
}
