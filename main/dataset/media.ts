// Image bytes for the UI, behind host-independent relative URLs that image records carry:
//   media/<projectId>/image/<imageId>             the original file (or a JPEG copy if browsers can't show it)
//   media/<projectId>/thumb/<imageId>             a thumbnail, at most 256 px on its longer side
//   media/<projectId>/crop/<personId>[/<size>]    the square around a person that training sees
//                                                 (side 200 x scale x 1.25 around the centre), size px (default 256)
// The hosts (Electron's app:// protocol, the web host's HTTP server) call
//   resolveMedia(project, route)  → { path, contentType } | null
// with `route` = the URL path after `media/<projectId>/`, split on '/'. Generated files are cached under
// `<project>/cache/` and keyed by what they depend on (the file's size and time, the person's centre and
// scale), so an edit or a replaced image gives a new file. Ids that do not exist, malformed routes and any
// path outside the project's image roots or cache give null.
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { extname, join, resolve, sep } from 'node:path'
import sharp, { type Sharp } from 'sharp'
import type { OpenProject } from '../workspace/workspace'
import type { Db } from './db'
import { imageFile, imageRoots } from './images-folder'
import { findPerson } from './people-store'
import { CACHE_DIR, datasetOf } from './project-dataset'

export interface MediaFile {
  path: string
  contentType: string
}

export const THUMB_SIZE = 256
export const CROP_SIZE = 256
const MAX_CROP_SIZE = 1024
/** pose-hg's crop: a square of 200 x scale px, padded by 1.25 (pyranet-reference §3.4). */
const CROP_PADDING = 1.25

const BROWSER_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.bmp': 'image/bmp'
}

/** The URL of an image's original file and of its thumbnail, relative to the host's root. */
export function mediaUrls(projectId: string, imageId: number): { imageUrl: string; thumbUrl: string } {
  return { imageUrl: `media/${projectId}/image/${imageId}`, thumbUrl: `media/${projectId}/thumb/${imageId}` }
}

export function cropUrl(projectId: string, personId: number, size = CROP_SIZE): string {
  return `media/${projectId}/crop/${personId}${size === CROP_SIZE ? '' : `/${size}`}`
}

export async function resolveMedia(project: OpenProject, route: string[]): Promise<MediaFile | null> {
  const { db } = datasetOf(project)
  const cacheDir = join(project.dir, CACHE_DIR)
  const [kind, idText, sizeText, ...rest] = route
  const id = positiveInt(idText)
  if (id === null || rest.length > 0) return null
  let result: MediaFile | null
  switch (kind) {
    case 'image':
      result = sizeText === undefined ? await original(db, id, cacheDir) : null
      break
    case 'thumb':
      result = sizeText === undefined ? await thumbnail(db, id, cacheDir) : null
      break
    case 'crop': {
      const size = sizeText === undefined ? CROP_SIZE : positiveInt(sizeText)
      result = size !== null && size <= MAX_CROP_SIZE ? await crop(db, id, size, cacheDir) : null
      break
    }
    default:
      result = null
  }
  return result && isAllowed(db, cacheDir, result.path) ? result : null
}

function positiveInt(text: string | undefined): number | null {
  return text !== undefined && /^[1-9]\d{0,15}$/.test(text) ? Number(text) : null
}

/** The last line of defence: only files under an image root or the cache are ever served. */
function isAllowed(db: Db, cacheDir: string, path: string): boolean {
  const full = resolve(path)
  const under = (dir: string) => full.startsWith(resolve(dir) + sep)
  return under(cacheDir) || imageRoots(db).some((root) => under(root.path))
}

async function original(db: Db, imageId: number, cacheDir: string): Promise<MediaFile | null> {
  const path = imageFile(db, imageId)
  if (!path || !existsSync(path)) return null
  const type = BROWSER_TYPES[extname(path).toLowerCase()]
  if (type) return { path, contentType: type }
  // TIFF and other formats browsers cannot show: a JPEG copy.
  return cached(join(cacheDir, 'images', `${imageId}-${stamp(path)}.jpg`), () => sharp(path).rotate().jpeg({ quality: 92 }))
}

async function thumbnail(db: Db, imageId: number, cacheDir: string): Promise<MediaFile | null> {
  const path = imageFile(db, imageId)
  if (!path || !existsSync(path)) return null
  return cached(join(cacheDir, 'thumbs', `${imageId}-${stamp(path)}.jpg`), () =>
    sharp(path).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true }).jpeg({ quality: 80 })
  )
}

async function crop(db: Db, personId: number, size: number, cacheDir: string): Promise<MediaFile | null> {
  const person = findPerson(db, personId)
  if (!person || person.deleted || !person.center || !person.scale) return null
  const path = imageFile(db, person.imageId)
  if (!path || !existsSync(path)) return null
  const { center, scale } = person
  const key = `${personId}-${size}-${stamp(path)}-${center.x.toFixed(2)}_${center.y.toFixed(2)}_${scale.toFixed(4)}`
  return cached(join(cacheDir, 'crops', `${key}.jpg`), async () => {
    const meta = await sharp(path).metadata()
    const width = meta.width ?? 0
    const height = meta.height ?? 0
    const side = Math.max(1, Math.round(200 * scale * CROP_PADDING))
    // MPII 1-based centre → 0-based pixel grid (conventions.ts): the square's top-left corner.
    const left = Math.round(center.x - 1 - side / 2)
    const top = Math.round(center.y - 1 - side / 2)
    // Extract the part inside the image, then pad with black to the full square.
    const x0 = Math.max(0, left)
    const y0 = Math.max(0, top)
    const x1 = Math.min(width, left + side)
    const y1 = Math.min(height, top + side)
    if (x1 <= x0 || y1 <= y0) {
      return sharp({ create: { width: size, height: size, channels: 3, background: { r: 0, g: 0, b: 0 } } }).jpeg({ quality: 85 })
    }
    const part = await sharp(path)
      .extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 })
      .extend({ left: x0 - left, top: y0 - top, right: left + side - x1, bottom: top + side - y1, background: { r: 0, g: 0, b: 0 } })
      .toBuffer()
    return sharp(part).resize(size, size).jpeg({ quality: 85 })
  })
}

/** What a cached derivative depends on in the source file: its size and modification time. */
function stamp(path: string): string {
  const info = statSync(path)
  return `${info.size.toString(36)}${Math.floor(info.mtimeMs).toString(36)}`
}

const inFlight = new Map<string, Promise<MediaFile | null>>()

/** Generates `target` once (concurrent requests share the work), written atomically. */
function cached(target: string, render: () => Sharp | Promise<Sharp>): Promise<MediaFile | null> {
  if (existsSync(target)) return Promise.resolve({ path: target, contentType: 'image/jpeg' })
  let pending = inFlight.get(target)
  if (!pending) {
    pending = (async () => {
      const dir = resolve(target, '..')
      mkdirSync(dir, { recursive: true })
      const temp = join(dir, `.${randomUUID()}.tmp`)
      try {
        await (await render()).toFile(temp)
        renameSync(temp, target)
        return { path: target, contentType: 'image/jpeg' }
      } catch {
        rmSync(temp, { force: true })
        return null
      } finally {
        inFlight.delete(target)
      }
    })()
    inFlight.set(target, pending)
  }
  return pending
}
