// The photographic layer under the drawn scene: a colour gradient, soft blotches and grain, computed as
// raw RGB pixels (cheaper and more even than SVG turbulence filters).
import { sceneColour, type Rgb } from './appearance'
import type { Random } from './random'

export interface BackgroundLayer {
  width: number
  height: number
  pixels: Buffer
}

export function renderBackground(random: Random, width: number, height: number): BackgroundLayer {
  const from: Rgb = sceneColour(random)
  const to: Rgb = sceneColour(random)
  const angle = random.range(0, 2 * Math.PI)
  const dx = Math.cos(angle)
  const dy = Math.sin(angle)
  const span = Math.abs(dx) * width + Math.abs(dy) * height
  const x0 = dx < 0 ? width : 0
  const y0 = dy < 0 ? height : 0

  // blotches: a coarse random grid per channel, bilinearly interpolated
  const cell = random.range(24, 90)
  const gw = Math.ceil(width / cell) + 2
  const gh = Math.ceil(height / cell) + 2
  const amplitude = random.range(10, 38)
  const grid = new Float32Array(gw * gh * 3)
  for (let i = 0; i < grid.length; i++) grid[i] = (random.next() * 2 - 1) * amplitude
  const grain = random.range(3, 12)

  const pixels = Buffer.alloc(width * height * 3)
  let o = 0
  for (let y = 0; y < height; y++) {
    const gy = y / cell
    const iy = Math.floor(gy)
    const fy = gy - iy
    for (let x = 0; x < width; x++) {
      const t = ((x - x0) * dx + (y - y0) * dy) / span
      const gx = x / cell
      const ix = Math.floor(gx)
      const fx = gx - ix
      const base = (iy * gw + ix) * 3
      const below = base + gw * 3
      const noise = (random.next() - 0.5) * 2 * grain
      for (let c = 0; c < 3; c++) {
        const top = grid[base + c] * (1 - fx) + grid[base + 3 + c] * fx
        const bottom = grid[below + c] * (1 - fx) + grid[below + 3 + c] * fx
        const start = c === 0 ? from.r : c === 1 ? from.g : from.b
        const end = c === 0 ? to.r : c === 1 ? to.g : to.b
        const value = start + (end - start) * t + top * (1 - fy) + bottom * fy + noise
        pixels[o++] = value < 0 ? 0 : value > 255 ? 255 : value
      }
    }
  }
  return { width, height, pixels }
}
