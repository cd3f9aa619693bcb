// The web host serves the open project's images and thumbnails, and nothing of any other project.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoOptions, generateDemoSet } from '../../dataset/demo/generate'
import { Workbench } from '../../workbench'
import { workspaceMedia } from '../media'
import { startWebHost, type WebHost } from './server'

let dir: string
let host: WebHost
let workbench: Workbench
let projectId: string
let imageUrl: string
let thumbUrl: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-media-'))
  const rendererDir = join(dir, 'renderer')
  mkdirSync(rendererDir)
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>')
  const set = join(dir, 'set')
  await generateDemoSet(set, demoOptions({ people: 3, seed: 7 }))
  workbench = new Workbench({ host: 'web', dataDir: join(dir, 'data') })
  const created = await workbench.call('createProject', { name: 'Media test' })
  if (!created.ok) throw new Error(created.error.message)
  projectId = created.result.id
  const imported = await workbench.call('importAnnotations', { file: join(set, 'annotations/mpii_train.json'), imagesDir: join(set, 'images') })
  if (!imported.ok) throw new Error(imported.error.message)
  const page = await workbench.call('listImages', {})
  if (!page.ok) throw new Error(page.error.message)
  ;({ imageUrl, thumbUrl } = page.result.images[0])
  host = await startWebHost({ workbench, rendererDir, media: workspaceMedia(workbench.workspace), port: 0 })
})

afterAll(async () => {
  await host?.close()
  await workbench?.dispose()
  rmSync(dir, { recursive: true, force: true })
})

const get = (path: string) => fetch(`http://127.0.0.1:${host.port}/${path}${path.includes('?') ? '&' : '?'}token=${host.token}`)

describe('media through the web host', () => {
  it('serves the image and a JPEG thumbnail of the open project', async () => {
    const image = await get(imageUrl)
    expect(image.status).toBe(200)
    expect(image.headers.get('content-type')).toBe('image/jpeg')
    const thumb = await get(thumbUrl)
    expect(thumb.status).toBe(200)
    const bytes = new Uint8Array(await thumb.arrayBuffer())
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8])
  })

  it('needs the token for media too', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/${imageUrl}`)
    expect(res.status).toBe(401)
  })

  it('refuses another project id, unknown ids and escapes', async () => {
    expect((await get(imageUrl.replace(projectId, '00000000'))).status).toBe(404)
    expect((await get(`media/${projectId}/image/999999`)).status).toBe(404)
    expect((await get(`media/${projectId}/image/..%2F..%2Fproject.json`)).status).toBe(404)
    expect((await get(`media/${projectId}/nothing/1`)).status).toBe(404)
  })
})
