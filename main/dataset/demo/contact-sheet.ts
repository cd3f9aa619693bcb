// A grid of generated images with their annotations drawn over them (right side red, left side blue,
// centre line yellow; filled dots visible, hollow dots occluded; white head box, MPII centre as a cross),
// for checking by eye that the people look like people and the labels sit on the joints.
import sharp from 'sharp'
import type { DemoPerson } from './scene'
import { sideOf } from './skeleton'

export interface SheetImage {
  jpeg: Buffer
  width: number
  height: number
  people: Pick<DemoPerson, 'objpos' | 'joints' | 'visible' | 'headBox'>[]
}

const BONES: ReadonlyArray<readonly [number, number]> = [
  [0, 1], [1, 2], [2, 6], [6, 3], [3, 4], [4, 5], [6, 7], [7, 8], [8, 9],
  [10, 11], [11, 12], [12, 7], [7, 13], [13, 14], [14, 15]
]
const COLOURS = { right: '#ff3b30', left: '#2f7dff', centre: '#ffd60a' }

function overlaySvg(image: SheetImage, tile: number): string {
  const k = tile / Math.max(image.width, image.height)
  // MPII coordinates are 1-based: pixel centre i + 1 is drawn at i + 0.5
  const px = (v: number) => ((v - 0.5) * k).toFixed(1)
  const parts: string[] = []
  for (const person of image.people) {
    const [x1, y1, x2, y2] = person.headBox
    parts.push(`<rect x="${px(x1)}" y="${px(y1)}" width="${((x2 - x1) * k).toFixed(1)}" height="${((y2 - y1) * k).toFixed(1)}" fill="none" stroke="white" stroke-width="1"/>`)
    const [cx, cy] = person.objpos
    parts.push(`<path d="M${px(cx - 6)} ${px(cy)}H${px(cx + 6)}M${px(cx)} ${px(cy - 6)}V${px(cy + 6)}" stroke="white" stroke-width="1.5"/>`)
    for (const [a, b] of BONES) {
      const pa = person.joints[a]
      const pb = person.joints[b]
      if (!pa || !pb) continue
      const side = sideOf(a) === 'centre' ? sideOf(b) : sideOf(a)
      parts.push(`<line x1="${px(pa[0])}" y1="${px(pa[1])}" x2="${px(pb[0])}" y2="${px(pb[1])}" stroke="${COLOURS[side]}" stroke-width="2" opacity="0.85"/>`)
    }
    person.joints.forEach((p, j) => {
      if (!p) return
      const colour = COLOURS[sideOf(j)]
      parts.push(person.visible[j]
        ? `<circle cx="${px(p[0])}" cy="${px(p[1])}" r="3" fill="${colour}" stroke="black" stroke-width="0.8"/>`
        : `<circle cx="${px(p[0])}" cy="${px(p[1])}" r="3.5" fill="none" stroke="${colour}" stroke-width="1.6"/>`)
    })
  }
  const w = Math.round(image.width * k)
  const h = Math.round(image.height * k)
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${parts.join('')}</svg>`
}

/** A PNG grid of `columns` tiles per row, each image fitted into a `tile`-pixel square. */
export async function renderContactSheet(images: readonly SheetImage[], { columns = 4, tile = 320 } = {}): Promise<Buffer> {
  const rows = Math.ceil(images.length / columns)
  const gap = 4
  const tiles = await Promise.all(images.map(async (image, i) => {
    const k = tile / Math.max(image.width, image.height)
    const w = Math.round(image.width * k)
    const h = Math.round(image.height * k)
    const input = await sharp(image.jpeg).resize(w, h).composite([{ input: Buffer.from(overlaySvg(image, tile)), top: 0, left: 0 }]).png().toBuffer()
    return { input, left: (i % columns) * (tile + gap), top: Math.floor(i / columns) * (tile + gap) }
  }))
  return sharp({ create: { width: columns * (tile + gap) - gap, height: rows * (tile + gap) - gap, channels: 3, background: '#202020' } })
    .composite(tiles)
    .png()
    .toBuffer()
}
