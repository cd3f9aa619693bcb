import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Workspace, type OpenProject } from '../workspace/workspace'
import { ensureImageSize } from './images-folder'
import { importAnnotations } from './import'
import { cropUrl, mediaUrls, resolveMedia } from './media'
import { datasetOf } from './project-dataset'
import { listImages } from './queries'

let root: string
let workspace: Workspace
let project: OpenProject
let outside: string
const ids: Record<string, number> = {}
const people: Record<string, number> = {}

async function image(path: string, width: number, height: number, format: 'jpeg' | 'png' | 'tiff') {
  const pixels = Buffer.alloc(width * height * 3)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set([x % 256, y % 256, 128], (y * width + x) * 3)
  await sharp(pixels, { raw: { width, height, channels: 3 } }).toFormat(format).toFile(path)
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'media-test-'))
  workspace = new Workspace(join(root, 'data'))
  project = await workspace.openProject(workspace.createProject('Media'))
  const images = join(project.dir, 'images')
  mkdirSync(images)
  await image(join(images, 'wide.jpg'), 640, 480, 'jpeg')
  await image(join(images, 'small.png'), 100, 80, 'png')
  await image(join(images, 'scan.tif'), 300, 200, 'tiff')
  outside = join(root, 'secret.jpg')
  await image(outside, 10, 10, 'jpeg')
  const joints = Array.from({ length: 16 }, () => [1, 1])
  const entry = (name: string, center: number[], scale: number) => ({ image: name, center, scale, joints, joints_vis: Array(16).fill(1) })
  const file = join(project.dir, 'people.json')
  writeFileSync(
    file,
    JSON.stringify([
      entry('wide.jpg', [320, 240], 1),
      entry('wide.jpg', [20, 20], 0.5),
      entry('small.png', [50, 40], 0.3),
      entry('scan.tif', [150, 100], 0.8),
      entry('../secret.jpg', [5, 5], 0.1),
      entry('gone.jpg', [5, 5], 0.1)
    ])
  )
  const { db } = datasetOf(project)
  const summary = await importAnnotations(db, { file, imagesDir: images })
  expect(summary.imagesFolder).toMatchObject({ present: 3, missing: 2, missingNames: ['../secret.jpg', 'gone.jpg'] })
  for (const item of listImages(db, { withPeople: true }).images) {
    ids[item.name] = item.id
    item.people!.forEach((p, k) => (people[`${item.name}#${k}`] = p.id))
  }
})
afterAll(async () => {
  await workspace.dispose()
  rmSync(root, { recursive: true, force: true })
})

const route = (url: string) => url.split('/').slice(2)

describe('media', () => {
  it('builds host-independent relative URLs', () => {
    expect(mediaUrls(project.summary.id, 7)).toEqual({ imageUrl: `media/${project.summary.id}/image/7`, thumbUrl: `media/${project.summary.id}/thumb/7` })
    expect(cropUrl('abc', 3)).toBe('media/abc/crop/3')
    expect(cropUrl('abc', 3, 64)).toBe('media/abc/crop/3/64')
  })

  it('serves original files with their content type', async () => {
    expect(await resolveMedia(project, ['image', String(ids['wide.jpg'])])).toEqual({ path: join(project.dir, 'images', 'wide.jpg'), contentType: 'image/jpeg' })
    expect(await resolveMedia(project, ['image', String(ids['small.png'])])).toMatchObject({ contentType: 'image/png' })
  })

  it('converts formats browsers cannot show into a cached JPEG', async () => {
    const tif = await resolveMedia(project, ['image', String(ids['scan.tif'])])
    expect(tif?.path.startsWith(join(project.dir, 'cache'))).toBe(true)
    expect(tif?.contentType).toBe('image/jpeg')
    expect(await sharp(tif!.path).metadata()).toMatchObject({ format: 'jpeg', width: 300, height: 200 })
  })

  it('makes thumbnails once, cached under the project, at most 256 px', async () => {
    const url = mediaUrls(project.summary.id, ids['wide.jpg']).thumbUrl
    const [a, b] = await Promise.all([resolveMedia(project, route(url)), resolveMedia(project, route(url))])
    expect(a).toEqual(b)
    expect(a!.path.startsWith(join(project.dir, 'cache', 'thumbs'))).toBe(true)
    expect(await sharp(a!.path).metadata()).toMatchObject({ width: 256, height: 192 })
    const small = await resolveMedia(project, ['thumb', String(ids['small.png'])])
    expect(await sharp(small!.path).metadata()).toMatchObject({ width: 100, height: 80 })
  })

  it('crops the square around a person (200 x scale x 1.25), padding outside the image', async () => {
    const centre = await resolveMedia(project, route(cropUrl(project.summary.id, people['wide.jpg#0'])))
    expect(await sharp(centre!.path).metadata()).toMatchObject({ width: 256, height: 256 })
    const corner = await resolveMedia(project, ['crop', String(people['wide.jpg#1']), '64'])
    expect(await sharp(corner!.path).metadata()).toMatchObject({ width: 64, height: 64 })
    // Person at (20, 20) with a 125 px square: the top-left of the crop lies outside the image, so it is black.
    const { data } = await sharp(corner!.path).raw().toBuffer({ resolveWithObject: true })
    expect(data[0] + data[1] + data[2]).toBeLessThan(30)
  })

  it('refuses unknown ids, malformed routes and paths outside the image roots', async () => {
    const refused = [
      ['image', '999999'],
      ['thumb', '0'],
      ['image', 'abc'],
      ['image', '../../etc/passwd'],
      ['image', String(ids['wide.jpg']), 'extra'],
      ['crop', String(people['wide.jpg#0']), '5000'],
      ['crop', String(people['wide.jpg#0']), '1', '2'],
      ['video', String(ids['wide.jpg'])],
      [],
      ['image', String(ids['../secret.jpg'])],
      ['thumb', String(ids['gone.jpg'])],
      ['crop', String(people['gone.jpg#0'])]
    ]
    for (const r of refused) expect(await resolveMedia(project, r), r.join('/')).toBeNull()
  })

  it('reads an image size lazily with sharp and stores it', async () => {
    const { db } = datasetOf(project)
    expect(listImages(db, { filter: { search: 'wide' } }).images[0].width).toBeNull()
    expect(await ensureImageSize(db, ids['wide.jpg'])).toEqual({ width: 640, height: 480 })
    expect(listImages(db, { filter: { search: 'wide' } }).images[0]).toMatchObject({ width: 640, height: 480 })
    expect(await ensureImageSize(db, ids['gone.jpg'])).toBeNull()
  })
})
