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
  const start = [from.r, from.g, from.b]
  const delta = [to.r - from.r, to.g - from.g, to.b - from.b]
  // grain from an inline xorshift: a method call per pixel would cost more than the rest of the loop
  let state = random.uint32() | 1
  let o = 0
  for (let y = 0; y < height; y++) {
    const gy = y / cell
    const iy = Math.floor(gy)
    const fy = gy - iy
    const rowT = ((y - y0) * dy - x0 * dx) / span
    for (let x = 0; x < width; x++) {
      const t = rowT + (x * dx) / span
      const gx = x / cell
      const ix = Math.floor(gx)
      const fx = gx - ix
      const base = (iy * gw + ix) * 3
      const below = base + gw * 3
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      const noise = ((state >>> 0) / 4294967296 - 0.5) * 2 * grain
      for (let c = 0; c < 3; c++) {
        const top = grid[base + c] + (grid[base + 3 + c] - grid[base + c]) * fx
        const bottom = grid[below + c] + (grid[below + 3 + c] - grid[below + c]) * fx
        const value = start[c] + delta[c] * t + top + (bottom - top) * fy + noise
        pixels[o++] = value < 0 ? 0 : value > 255 ? 255 : value
      }
    }
  }
  return { width, height, pixels }
}
