// The two MPII struct layouts stored in MAT v5 files:
//   - the official release `mpii_human_pose_v1_u12_1.mat`: variable RELEASE with annolist(i).image.name,
//     annolist(i).annorect(j).{x1, y1, x2, y2, scale, objpos.{x, y}, annopoints.point(k).{id, x, y,
//     is_visible}}, img_train(i), act(i).{cat_name, act_name, act_id} (pyranet-reference §4.1);
//   - `detections.mat` (Tompson's validation set): annolist(1, N).annorect (one person each), with
//     RELEASE_img_index / RELEASE_person_index giving each person's place in the release. It holds no
//     image names: they come from a names list (valid_images.txt, one per person, in the same order).
// Quirks handled: one-element struct arrays are structs, fields may be empty ([]) or absent, is_visible
// may be empty, a number or a string ('0' / '1'), rects may lack head boxes (test images) or points.
import { badInput } from '../../errors'
import { stateFromIsVisible } from '../conventions'
import { JOINT_COUNT, emptyJoints, type Activity, type HeadBox, type Joint, type PersonAnnotation, type Point } from '../model'
import { cellElements, describe, field, isEmpty, structAt, structElements, toFloat64, toNumber, toText, type MatFile, type MatValue } from './mat5'
import { ImageCollector, type ParsedAnnotations, type ParsedPerson, type Refusal } from './records'

type Struct = Record<string, MatValue>

/** Parses the official release (variable RELEASE). */
export function parseRelease(mat: MatFile): ParsedAnnotations {
  const file = mat.file
  const release = structAt(mat.get('RELEASE'), 0, `${file}: RELEASE`)
  const annolistValue = field(release, 'annolist')
  if (!annolistValue) throw badInput(`${file}: RELEASE has no annolist field`, 'RELEASE.annolist')
  const annolist = structElements(annolistValue, `${file}: RELEASE.annolist`)
  const imgTrain = optionalNumbers(field(release, 'img_train'), `${file}: RELEASE.img_train`)
  if (imgTrain && imgTrain.length !== annolist.length) {
    throw badInput(`${file}: RELEASE.img_train has ${imgTrain.length} entries for ${annolist.length} images`, 'RELEASE.img_train')
  }
  const acts = field(release, 'act') ? structElements(field(release, 'act'), `${file}: RELEASE.act`) : []
  const images = new ImageCollector()
  const people: ParsedPerson[] = []
  const refused: Refusal[] = []
  annolist.forEach((entry, i) => {
    const where = `RELEASE.annolist(${i + 1})`
    const imageValue = field(entry, 'image')
    const name = isEmpty(imageValue) ? '' : text(field(structAt(imageValue, 0, `${file}: ${where}.image`), 'name'), `${file}: ${where}.image.name`)
    if (!name) {
      refused.push({ item: where, reason: 'no image name' })
      return
    }
    const train = imgTrain?.[i]
    images.add({
      name,
      split: train === undefined ? 'unknown' : train === 1 ? 'train' : 'test',
      splitIsAuthoritative: false,
      mpiiIndex: i + 1,
      activity: activityOf(acts[i], file, `RELEASE.act(${i + 1})`)
    })
    structElements(field(entry, 'annorect'), `${file}: ${where}.annorect`).forEach((rect, j) => {
      const source = `${where}.annorect(${j + 1})`
      const annotation = rectAnnotation(rect, file, source, refused)
      if (!annotation.center && !annotation.scale && annotation.joints.every((joint) => joint.state === 'missing')) {
        refused.push({ item: source, reason: 'no objpos, scale or annotated joints' })
        return
      }
      people.push({ image: name, mpiiPerson: j + 1, annotation, source })
    })
  })
  return { format: 'mpii-release', file, images: images.list(), people, refused }
}

/**
 * Parses detections.mat. `namesFor` gives each person's image name from its 0-based position and its
 * 1-based release image index (from a names list, or from images already in the project); a person
 * without a name is refused.
 */
export function parseDetections(mat: MatFile, namesFor: (n: number, mpiiIndex: number) => string | null): ParsedAnnotations {
  const file = mat.file
  const annolist = structElements(mat.get('annolist'), `${file}: annolist`)
  const imgIndex = toFloat64(mat.get('RELEASE_img_index'), `${file}: RELEASE_img_index`).data
  const personIndex = toFloat64(mat.get('RELEASE_person_index'), `${file}: RELEASE_person_index`).data
  for (const [label, values] of [
    ['RELEASE_img_index', imgIndex],
    ['RELEASE_person_index', personIndex]
  ] as const) {
    if (values.length !== annolist.length) throw badInput(`${file}: ${label} has ${values.length} entries for ${annolist.length} people`, label)
  }
  const images = new ImageCollector()
  const people: ParsedPerson[] = []
  const refused: Refusal[] = []
  annolist.forEach((entry, n) => {
    const where = `annolist(${n + 1})`
    const rects = structElements(field(entry, 'annorect'), `${file}: ${where}.annorect`)
    if (rects.length !== 1) {
      refused.push({ item: where, reason: `expected one annorect, found ${rects.length}` })
      return
    }
    const name = namesFor(n, imgIndex[n])
    if (!name) {
      refused.push({ item: where, reason: `no image name for release image ${imgIndex[n]} (give an image-name list such as valid_images.txt)` })
      return
    }
    images.add({ name, split: 'val', splitIsAuthoritative: true, mpiiIndex: imgIndex[n] })
    const source = `${where}.annorect`
    people.push({ image: name, mpiiPerson: personIndex[n], annotation: rectAnnotation(rects[0], file, source, refused), source })
  })
  return { format: 'mpii-detections', file, images: images.list(), people, refused }
}

function rectAnnotation(rect: Struct, file: string, where: string, refused: Refusal[]): PersonAnnotation {
  const num = (name: string) => toNumber(field(rect, name), `${file}: ${where}.${name}`)
  const scale = num('scale')
  const objposValue = field(rect, 'objpos')
  let center: Point | null = null
  if (!isEmpty(objposValue)) {
    const objpos = structAt(objposValue, 0, `${file}: ${where}.objpos`)
    const x = toNumber(field(objpos, 'x'), `${file}: ${where}.objpos.x`)
    const y = toNumber(field(objpos, 'y'), `${file}: ${where}.objpos.y`)
    if (x !== undefined && y !== undefined) center = { x, y }
  }
  const box = ['x1', 'y1', 'x2', 'y2'].map(num)
  const headBox: HeadBox | null = box.every((v) => v !== undefined) ? { x1: box[0]!, y1: box[1]!, x2: box[2]!, y2: box[3]! } : null
  return { center, scale: scale !== undefined && scale > 0 ? scale : null, headBox, joints: rectJoints(rect, file, where, refused) }
}

function rectJoints(rect: Struct, file: string, where: string, refused: Refusal[]): Joint[] {
  const joints = emptyJoints()
  const annopoints = field(rect, 'annopoints')
  if (isEmpty(annopoints)) return joints
  const points = structElements(field(structAt(annopoints, 0, `${file}: ${where}.annopoints`), 'point'), `${file}: ${where}.annopoints.point`)
  points.forEach((point, k) => {
    const at = `${where}.annopoints.point(${k + 1})`
    const id = toNumber(field(point, 'id'), `${file}: ${at}.id`)
    const x = toNumber(field(point, 'x'), `${file}: ${at}.x`)
    const y = toNumber(field(point, 'y'), `${file}: ${at}.y`)
    if (id === undefined || !Number.isInteger(id) || id < 0 || id >= JOINT_COUNT) {
      refused.push({ item: at, reason: `joint id ${id ?? '(empty)'} is not 0..15` })
      return
    }
    if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) {
      refused.push({ item: at, reason: 'x or y is empty' })
      return
    }
    if (joints[id].state !== 'missing') {
      refused.push({ item: at, reason: `joint ${id} given twice` })
      return
    }
    joints[id] = { x, y, state: stateFromIsVisible(isVisibleOf(field(point, 'is_visible'), file, at)) }
  })
  return joints
}

function isVisibleOf(value: MatValue | undefined, file: string, where: string): number | string | undefined {
  if (isEmpty(value)) return undefined
  if (value!.kind === 'char') return toText(value, `${file}: ${where}.is_visible`)
  return toNumber(value, `${file}: ${where}.is_visible`)
}

function activityOf(act: Struct | undefined, file: string, where: string): Activity | undefined {
  if (!act) return undefined
  const id = toNumber(field(act, 'act_id'), `${file}: ${where}.act_id`)
  const category = toText(field(act, 'cat_name'), `${file}: ${where}.cat_name`) || null
  const name = toText(field(act, 'act_name'), `${file}: ${where}.act_name`) || null
  if ((id === undefined || id < 0) && !category && !name) return undefined
  return { id: id === undefined || id < 0 ? null : id, category, name }
}

function text(value: MatValue | undefined, where: string): string {
  if (value === undefined) return ''
  if (value.kind === 'cell') return toText(cellElements(value, where)[0], where) ?? ''
  if (value.kind !== 'char' && !isEmpty(value)) throw badInput(`${where}: expected text, found ${describe(value)}`, where)
  return toText(value, where) ?? ''
}

function optionalNumbers(value: MatValue | undefined, where: string): Float64Array | null {
  if (value === undefined || isEmpty(value)) return null
  return toFloat64(value, where).data
}
