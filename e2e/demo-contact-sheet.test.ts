// The demo project a first launch creates, looked at: 16 of its images in one grid with their
// annotations drawn over them, read back from the project's MMPose JSON (right side red, left blue,
// hollow dots occluded, white head boxes). Saved as e2e/artifacts/screenshots/demo-contact-sheet.png.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'
import { describe, expect, inject, it } from 'vitest'
import { renderContactSheet, type SheetImage } from '../main/dataset/demo/contact-sheet'
import { DEMO_FILES } from '../main/dataset/demo/generate'
import type { MmposeEntry } from '../main/dataset/demo/mpii-files'
import { screenshotPath } from './support/paths'

const TILES = 16

describe('the demo project', () => {
  it('renders a contact sheet of its first images with their annotations', async () => {
    const project = join(inject('demoTemplate'), 'projects', 'demo')
    const entries = [DEMO_FILES.trainJson, DEMO_FILES.valJson].flatMap((file) => JSON.parse(readFileSync(join(project, file), 'utf8')) as MmposeEntry[])
    const names = [...new Set(entries.map((e) => e.image))].sort().slice(0, TILES)
    expect(names.length).toBe(TILES)
    const images: SheetImage[] = await Promise.all(names.map(async (name) => {
      const jpeg = readFileSync(join(project, DEMO_FILES.images, name))
      const { width, height } = await sharp(jpeg).metadata()
      const people = entries.filter((e) => e.image === name).map((e) => ({
        objpos: e.center,
        joints: e.joints.map((p, j) => (e.joints_vis[j] ? p : null)),
        visible: e.is_visible.map((v) => v === 1),
        headBox: e.head_box
      }))
      return { jpeg, width: width!, height: height!, people }
    }))
    expect(images.every((image) => image.people.length >= 1 && image.people.length <= 2)).toBe(true)
    const sheet = await renderContactSheet(images)
    const path = screenshotPath('demo-contact-sheet')
    writeFileSync(path, sheet)
    const meta = await sharp(path).metadata()
    expect(meta.format).toBe('png')
    expect(meta.width).toBe(4 * 320 + 3 * 4)
  })
})
