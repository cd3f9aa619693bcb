import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { WorkbenchError } from '../errors'
import { headSize } from './conventions'
import { editPerson } from './edits'
import { loadH5wasm } from './formats/h5'
import { detectFormat, importAnnotations } from './import'
import type { Person } from './model'
import { getImage, listImages } from './queries'
import { FIXTURES, REAL_DATA, snapshot, tempProject, type TempProject } from './test-support'

const real = JSON.parse(readFileSync(join(FIXTURES, 'expected-real.json'), 'utf8'))
const VAL = join(REAL_DATA, 'val.h5')
const DETECTIONS = join(REAL_DATA, 'detections.mat')

let project: TempProject
beforeEach(() => {
  project = tempProject()
})
afterEach(() => project.dispose())

/** The person of image `name` with MPII person index `mpiiPerson`. */
function personOf(name: string, mpiiPerson: number): Person {
  const page = listImages(project.db, { filter: { search: name }, withPeople: true })
  const image = page.images.find((i) => i.name === name)!
  return image.people!.find((p) => p.mpiiPerson === mpiiPerson)!
}

async function failure(promise: Promise<unknown>): Promise<WorkbenchError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof WorkbenchError) return error
    throw error
  }
  throw new Error('expected the import to fail')
}

interface H5Sample {
  imgname: string
  center: number[]
  scale: number
  part: number[][]
  visible: number[]
  index: number
  person: number
}

describe('importing the real MPII files', () => {
  it('imports val.h5: 2,958 people in 2,729 images, exact joints, raw centre and scale', async () => {
    const summary = await importAnnotations(project.db, { file: VAL })
    expect(summary).toMatchObject({ format: 'pose-h5', imagesAdded: real.val_h5.images, peopleAdded: real.val_h5.count, jointsAdded: real.val_h5.annotated_joints })
    expect(listImages(project.db, { filter: { split: 'val' } }).total).toBe(real.val_h5.images)
    expect(listImages(project.db, { filter: { occludedJoints: true } }).total).toBeGreaterThan(0)
    for (const sample of Object.values(real.val_h5.samples as Record<string, H5Sample>)) {
      const person = personOf(sample.imgname, sample.person + 1)
      sample.part.forEach(([x, y], j) => {
        const joint = person.joints[j]
        if (x <= 0 && y <= 0) expect(joint.state).toBe('missing')
        else expect(joint).toEqual({ x, y, state: sample.visible[j] === 1 ? 'visible' : 'occluded' })
      })
      // h5 stores centre and scale adjusted (y + 15 s, s x 1.25); the database keeps the raw values.
      expect(person.scale! * 1.25).toBeCloseTo(sample.scale, 12)
      expect(person.center!.x).toBe(sample.center[0])
      expect(person.center!.y + 15 * person.scale!).toBeCloseTo(sample.center[1], 10)
      expect(getImage(project.db, person.imageId).mpiiIndex).toBe(sample.index + 1)
    }
  })

  it('imports detections.mat with valid_images.txt beside it: the official struct layout for the same people', async () => {
    const summary = await importAnnotations(project.db, { file: DETECTIONS })
    expect(summary).toMatchObject({ format: 'mpii-detections', peopleAdded: real.detections.count, jointsAdded: real.detections.points, refusedCount: 0 })
    for (const [key, expected] of Object.entries(real.detections.people as Record<string, DetectionPerson>)) {
      const name = real.val_h5.samples[key].imgname
      const person = personOf(name, expected.person_index)
      expect(getImage(project.db, person.imageId).mpiiIndex).toBe(expected.img_index)
      expect(person.headBox).toEqual({ x1: expected.head[0], y1: expected.head[1], x2: expected.head[2], y2: expected.head[3] })
      expect(person.center).toEqual({ x: expected.objpos[0], y: expected.objpos[1] })
      expect(person.scale).toBe(expected.scale)
      for (let j = 0; j < 16; j++) {
        const e = expected.joints[String(j)]
        if (!e) expect(person.joints[j].state).toBe('missing')
        else expect(person.joints[j]).toEqual({ x: e[0], y: e[1], state: e[2] === 0 ? 'occluded' : 'visible' })
      }
    }
  })

  it('after val.h5, detections.mat adds no people but fills the head boxes h5 lacks (normalize agrees)', async () => {
    await importAnnotations(project.db, { file: VAL })
    const before = listImages(project.db, {}).total
    const summary = await importAnnotations(project.db, { file: DETECTIONS })
    expect(summary).toMatchObject({ peopleAdded: 0, duplicates: real.detections.count, headBoxesFilled: real.detections.count, refusedCount: 0 })
    expect(listImages(project.db, {}).total).toBe(before)
    for (const sample of Object.values(real.val_h5.samples as Record<string, H5Sample & { normalize: number }>)) {
      const person = personOf(sample.imgname, sample.person + 1)
      expect(headSize(person.headBox!)).toBeCloseTo(sample.normalize, 3)
    }
    const again = await importAnnotations(project.db, { file: DETECTIONS })
    expect(again).toMatchObject({ peopleAdded: 0, headBoxesFilled: 0, refusedCount: real.detections.count })
    expect(again.refused[0].reason).toBe('already in the project')
  })

  it('names detections.mat images from the project when no name list is found', async () => {
    await importAnnotations(project.db, { file: VAL })
    const copy = join(project.dir, 'detections.mat')
    copyFileSync(DETECTIONS, copy)
    const summary = await importAnnotations(project.db, { file: copy })
    expect(summary).toMatchObject({ peopleAdded: 0, headBoxesFilled: real.detections.count })
  })

  it('refuses people of detections.mat that have no image name', async () => {
    const copy = join(project.dir, 'detections.mat')
    copyFileSync(DETECTIONS, copy)
    const summary = await importAnnotations(project.db, { file: copy })
    expect(summary.peopleAdded).toBe(0)
    expect(summary.refusedCount).toBe(real.detections.count)
    expect(summary.refused[0]).toEqual({ item: 'annolist(1)', reason: 'no image name for release image 7 (give an image-name list such as valid_images.txt)' })
  })

  it('refuses evaluation ground truth as an annotation file, saying what to import instead', async () => {
    await expect(importAnnotations(project.db, { file: join(REAL_DATA, 'detections_our_format.mat') })).rejects.toThrow(
      /detections_our_format\.mat: evaluation ground truth \(pos_gt_src\) has no image names or person centres; import detections\.mat or val\.h5 instead/
    )
  })
})

interface DetectionPerson {
  head: number[]
  scale: number
  objpos: number[]
  joints: Record<string, [number, number, number | null]>
  img_index: number
  person_index: number
}

describe('the official release layout (fixture built with scipy)', () => {
  it('reads one-element struct arrays, empty and absent fields, is_visible as number, string or empty', async () => {
    const summary = await importAnnotations(project.db, { file: join(FIXTURES, 'mpii-release-mini.mat') })
    expect(summary).toMatchObject({ format: 'mpii-release', imagesAdded: 5, peopleAdded: 6, jointsAdded: 23, refusedCount: 4 })
    expect(summary.refused).toEqual([
      { item: 'RELEASE.annolist(1).annorect(2).annopoints.point(5)', reason: 'joint id 16 is not 0..15' },
      { item: 'RELEASE.annolist(1).annorect(2).annopoints.point(6)', reason: 'joint 2 given twice' },
      { item: 'RELEASE.annolist(5).annorect(2)', reason: 'no objpos, scale or annotated joints' },
      { item: 'RELEASE.annolist(6)', reason: 'no image name' }
    ])
    const first = personOf('img-a.jpg', 1)
    expect(first.joints.map((j) => j.state)).toEqual([
      'visible', 'visible', 'visible', 'occluded', 'occluded', 'visible', 'visible', 'visible',
      'visible', 'visible', 'visible', 'visible', 'visible', 'visible', 'visible', 'visible'
    ])
    expect(first.joints[15]).toEqual({ x: 250, y: 275, state: 'visible' })
    expect(first).toMatchObject({ center: { x: 160, y: 260 }, scale: 3.5, headBox: { x1: 90, y1: 40, x2: 150, y2: 110 } })
    const single = personOf('img-b.jpg', 1)
    expect(single.joints[9]).toEqual({ x: 20.5, y: 12.5, state: 'visible' })
    expect(single.joints.filter((j) => j.state !== 'missing')).toHaveLength(1)
    const test = getImage(project.db, personOf('img-c.jpg', 2).imageId)
    expect(test).toMatchObject({ split: 'test', mpiiIndex: 3, activity: null })
    expect(test.people.map((p) => [p.center, p.scale, p.headBox])).toEqual([
      [{ x: 50, y: 60 }, 2, null],
      [{ x: 150, y: 70 }, 1.5, null]
    ])
    const noPeople = listImages(project.db, { filter: { search: 'img-d' } }).images[0]
    expect(noPeople).toMatchObject({ personCount: 0, split: 'test', activity: { id: 5, category: 'music', name: 'playing piano' } })
    const jointsOnly = personOf('img-e.jpg', 1)
    expect(jointsOnly).toMatchObject({ center: null, scale: null })
    expect(jointsOnly.joints[5]).toEqual({ x: 9, y: 10, state: 'occluded' })
    expect(getImage(project.db, first.imageId).activity).toEqual({ id: 1, category: 'sports', name: 'curling' })
  })
})

describe('JSON layouts', () => {
  it('reads HRNet/MMPose JSON (raw 1-based values; joints_vis; optional is_visible)', async () => {
    const file = join(project.dir, 'mpii_val.json')
    const joints = Array.from({ length: 16 }, (_, j) => [100 + j, 200 + j])
    joints[4] = [-1, -1]
    const vis = joints.map((_, j) => (j === 4 ? 0 : 1))
    writeFileSync(
      file,
      JSON.stringify([
        { image: 'x.jpg', center: [966, 340], scale: 4.718488, joints, joints_vis: vis },
        { image: 'x.jpg', center: [316, 200], scale: 2, joints, joints_vis: vis, is_visible: vis.map((_, j) => (j === 7 ? 0 : 1)), head_box: [300, 100, 340, 150] },
        { image: 'y.jpg', center: [50, 60], scale: 1 }
      ])
    )
    expect(detectFormat(file)).toBe('mmpose-json')
    const summary = await importAnnotations(project.db, { file })
    expect(summary).toMatchObject({ format: 'mmpose-json', imagesAdded: 2, peopleAdded: 3, jointsAdded: 30 })
    const x = getImage(project.db, listImages(project.db, { filter: { search: 'x.jpg' } }).images[0].id)
    expect(x.split).toBe('val')
    expect(x.people[0]).toMatchObject({ center: { x: 966, y: 340 }, scale: 4.718488, mpiiPerson: null })
    expect(x.people[0].joints[4]).toEqual({ x: null, y: null, state: 'missing' })
    expect(x.people[0].joints[7].state).toBe('visible')
    expect(x.people[1].joints[7]).toEqual({ x: 107, y: 207, state: 'occluded' })
    expect(x.people.map((p) => p.headBox)).toEqual([null, { x1: 300, y1: 100, x2: 340, y2: 150 }])
    // Same file again: every person is known by image, centre and scale.
    expect(await importAnnotations(project.db, { file })).toMatchObject({ peopleAdded: 0, duplicates: 3 })
  })

  it("reads bearpaw's mpii_annotations.json (joint_self with visibility, zero padding, image sizes)", async () => {
    const file = join(project.dir, 'mpii_annotations.json')
    const self = Array.from({ length: 16 }, (_, j) => [10 + j, 20 + j, j === 2 ? 0 : 1])
    self[0] = [0, 0, 0]
    const entry = (image: string, validation: number, people: number) => ({
      dataset: 'MPI',
      isValidation: validation,
      img_paths: image,
      img_width: 1280,
      img_height: 720,
      objpos: [600.5, 300.25],
      scale_provided: 3.021,
      joint_self: self,
      annolist_index: 12,
      people_index: people,
      numOtherPeople: 0
    })
    writeFileSync(file, JSON.stringify([entry('p.jpg', 0, 1), entry('p.jpg', 0, 2), entry('q.jpg', 1, 1)]))
    const summary = await importAnnotations(project.db, { file })
    expect(summary).toMatchObject({ format: 'bearpaw-json', imagesAdded: 2, peopleAdded: 3, jointsAdded: 45 })
    const p = getImage(project.db, listImages(project.db, { filter: { search: 'p.jpg' } }).images[0].id)
    expect(p).toMatchObject({ split: 'train', width: 1280, height: 720, mpiiIndex: 12 })
    expect(p.people.map((person) => person.mpiiPerson)).toEqual([1, 2])
    expect(p.people[0].joints.slice(0, 3)).toEqual([
      { x: null, y: null, state: 'missing' },
      { x: 11, y: 21, state: 'visible' },
      { x: 12, y: 22, state: 'occluded' }
    ])
    expect(listImages(project.db, { filter: { split: 'val' } }).images.map((i) => i.name)).toEqual(['q.jpg'])
  })
})

describe('images folder', () => {
  it('marks images present or missing (missing listed, not fatal) in the same import', async () => {
    const images = join(project.dir, 'images')
    mkdirSync(images)
    writeFileSync(join(images, 'img-a.jpg'), 'not really a jpeg')
    writeFileSync(join(images, 'img-c.jpg'), 'not really a jpeg')
    const summary = await importAnnotations(project.db, { file: join(FIXTURES, 'mpii-release-mini.mat'), imagesDir: images })
    expect(summary.imagesFolder).toEqual({ dir: images, present: 2, missing: 3, missingNames: ['img-b.jpg', 'img-d.jpg', 'img-e.jpg'] })
    expect(listImages(project.db, { filter: { fileState: 'missing' } }).total).toBe(3)
    expect(project.db.prepare('SELECT path FROM image_roots').pluck().all()).toEqual(['images'])
  })

  it('refuses a folder that does not exist before writing anything', async () => {
    const before = snapshot(project.db)
    await expect(importAnnotations(project.db, { file: VAL, imagesDir: join(project.dir, 'nowhere') })).rejects.toThrow(/nowhere: no such folder/)
    expect(snapshot(project.db)).toBe(before)
  })
})

describe('bad files leave the database as it was', () => {
  beforeEach(async () => {
    await importAnnotations(project.db, { file: join(FIXTURES, 'mpii-release-mini.mat') })
  })

  async function expectRefused(file: string, message: RegExp) {
    const before = snapshot(project.db)
    const error = await failure(importAnnotations(project.db, { file }))
    expect(error.code).toBe('bad_input')
    expect(error.message).toMatch(message)
    expect(error.message.startsWith(file)).toBe(true)
    expect(snapshot(project.db)).toBe(before)
  }

  it('a truncated val.h5', async () => {
    const file = join(project.dir, 'val.h5')
    writeFileSync(file, readFileSync(VAL).subarray(0, 700_000))
    await expectRefused(file, /HDF5 error while trying to open: truncated file: eof = 700000/)
  })

  it('val.h5 with flipped bytes in a dataset header', async () => {
    const bytes = Buffer.from(readFileSync(VAL))
    for (let i = 1500; i < 1516; i++) bytes[i] ^= 0xff
    const file = join(project.dir, 'val.h5')
    writeFileSync(file, bytes)
    await expectRefused(file, /HDF5 error while trying to open center: /)
  })

  it('an h5 file with the wrong types', async () => {
    const h5wasm = await loadH5wasm()
    const file = join(project.dir, 'wrong.h5')
    const f = new h5wasm.File(file, 'w')
    f.create_dataset({ name: 'imgname', data: ['a.jpg'], shape: [1], dtype: 'S5' })
    f.create_dataset({ name: 'center', data: new Float64Array([1, 2]), shape: [1, 2] })
    f.create_dataset({ name: 'scale', data: ['big'], shape: [1], dtype: 'S3' })
    f.close()
    await expectRefused(file, /: scale must be numeric, found S3 with shape \(1\)/)
  })

  it('a truncated detections.mat', async () => {
    const file = join(project.dir, 'detections.mat')
    writeFileSync(file, readFileSync(DETECTIONS).subarray(0, 900_000))
    await expectRefused(file, /variable '.+': element of \d+ bytes runs past the end of the file \(900000 bytes\): truncated at byte \d+/)
  })

  it('detections.mat with flipped bytes', async () => {
    const bytes = Buffer.from(readFileSync(DETECTIONS))
    for (let i = 5000; i < 5008; i++) bytes[i] ^= 0xff
    const file = join(project.dir, 'detections.mat')
    writeFileSync(file, bytes)
    await expectRefused(file, /the compressed element at byte \d+ is corrupt or truncated \(zlib: /)
  })

  it('a release file with a wrong type inside a struct, naming the field', async () => {
    await expectRefused(join(FIXTURES, 'mpii-release-wrong-type.mat'), /: RELEASE\.annolist\(2\)\.annorect\(1\)\.objpos: expected a struct, found a 1x6 char array$/)
  })

  it('a truncated JSON file and a JSON entry of the wrong shape', async () => {
    const file = join(project.dir, 'mpii_train.json')
    const entries = [{ image: 'z.jpg', center: [1, 2], scale: 1, joints: Array.from({ length: 16 }, () => [1, 1]), joints_vis: Array(16).fill(1) }]
    writeFileSync(file, JSON.stringify(entries).slice(0, 60))
    await expectRefused(file, /: not valid JSON: /)
    writeFileSync(file, JSON.stringify([...entries, { ...entries[0], joints: entries[0].joints.slice(1) }]))
    await expectRefused(file, /: entry 1: joints: must be 16 \[x, y\] pairs$/)
    writeFileSync(file, JSON.stringify([{ ...entries[0], scale: 'big' }]))
    await expectRefused(file, /: entry 0: scale must be a number, got "big"$/)
    writeFileSync(file, JSON.stringify([{ ...entries[0], joints: entries[0].joints.map((p, j) => (j === 5 ? [1, 'x'] : p)) }]))
    await expectRefused(file, /: entry 0: joints\.5: must be a list of 2 numbers$/)
    writeFileSync(file, JSON.stringify([{ ...entries[0], head_box: [1, 2, 3] }]))
    await expectRefused(file, /: entry 0: head_box: must be a list of 4 numbers$/)
  })

  it('a file of no known format', async () => {
    const file = join(project.dir, 'notes.txt')
    writeFileSync(file, 'hello')
    await expectRefused(file, /not a known MPII annotation format/)
  })

  it('a cancelled import is rolled back', async () => {
    const before = snapshot(project.db)
    const controller = new AbortController()
    const error = await failure(
      importAnnotations(project.db, { file: VAL }, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.stage === 'writing' && p.done >= 1000) controller.abort()
        }
      })
    )
    expect(error.code).toBe('cancelled')
    expect(snapshot(project.db)).toBe(before)
  })

  it('edits wait while an import writes', async () => {
    const person = personOf('img-a.jpg', 1)
    let conflict: unknown = null
    await importAnnotations(project.db, { file: VAL }, {
      onProgress: (p) => {
        if (p.stage === 'writing' && p.done === 1000) {
          try {
            editPerson(project.db, person.id, { op: 'deleteJoint', joint: 0 }, { author: 'test' })
          } catch (error) {
            conflict = error
          }
        }
      }
    })
    expect(conflict).toBeInstanceOf(WorkbenchError)
    expect((conflict as WorkbenchError).message).toMatch(/importing val\.h5 is running on this project; edits are paused/)
  })
})
