// A planned scene to JPEG bytes: the raw background layer with the SVG of the shapes composited on top,
// through sharp (libvips + librsvg). Same scene, same bytes.
import sharp from 'sharp'
import type { DemoScene } from './scene'
import { patternSvg, shapeSvg } from './shapes'

export const JPEG_QUALITY = 90

export function sceneSvg(scene: DemoScene): string {
  const defs = scene.patterns.length ? `<defs>${scene.patterns.map(patternSvg).join('')}</defs>` : ''
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" viewBox="0 0 ${scene.width} ${scene.height}">` +
    defs + scene.shapes.map(shapeSvg).join('') + '</svg>'
}

export async function renderSceneJpeg(scene: DemoScene): Promise<Buffer> {
  const { background } = scene
  return sharp(background.pixels, { raw: { width: background.width, height: background.height, channels: 3 } })
    .composite([{ input: Buffer.from(sceneSvg(scene)), top: 0, left: 0 }])
    .jpeg({ quality: JPEG_QUALITY })
    .toBuffer()
}
