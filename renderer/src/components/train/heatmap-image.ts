// Turning the trainer's quantised heatmaps (contract: joints × size × size bytes, joint-major, row-major,
// value = clamp(h, 0, 1) · 255) into pictures: one joint or the maximum over all joints, coloured and
// transparent where the map is zero, to draw over the crop they belong to.

export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** A perceptual dark-to-bright ramp (black → purple → orange → yellow), as [r, g, b]. */
function heatColour(v: number): [number, number, number] {
  const stops: [number, number, number, number][] = [
    [0, 0, 0, 4],
    [0.35, 120, 28, 109],
    [0.65, 237, 105, 37],
    [1, 252, 255, 164]
  ]
  for (let i = 1; i < stops.length; i++) {
    const [t1, r1, g1, b1] = stops[i]
    const [t0, r0, g0, b0] = stops[i - 1]
    if (v <= t1) {
      const f = (v - t0) / (t1 - t0)
      return [r0 + f * (r1 - r0), g0 + f * (g1 - g0), b0 + f * (b1 - b0)]
    }
  }
  return [252, 255, 164]
}

const PALETTE: Uint8ClampedArray = (() => {
  const table = new Uint8ClampedArray(256 * 4)
  for (let v = 0; v < 256; v++) {
    const [r, g, b] = heatColour(v / 255)
    table.set([r, g, b, Math.min(255, v * 1.6)], v * 4)
  }
  return table
})()

/** The heatmap of `joint` (or the per-pixel maximum over all joints) as a size × size canvas. */
export function heatmapCanvas(maps: Uint8Array, size: number, joints: number, joint: number | 'max'): HTMLCanvasElement {
  const canvas = document.createElement('canvas')
  canvas.width = size
  canvas.height = size
  const context = canvas.getContext('2d')!
  const image = context.createImageData(size, size)
  const area = size * size
  for (let p = 0; p < area; p++) {
    let v = 0
    if (joint === 'max') {
      for (let j = 0; j < joints; j++) v = Math.max(v, maps[j * area + p])
    } else {
      v = maps[joint * area + p]
    }
    image.data.set(PALETTE.subarray(v * 4, v * 4 + 4), p * 4)
  }
  context.putImageData(image, 0, 0)
  return canvas
}

/** Where a joint's map peaks, in heatmap pixels, with the peak value (0–1). */
export function heatmapPeak(maps: Uint8Array, size: number, joint: number): { x: number; y: number; value: number } {
  const area = size * size
  let best = -1
  let at = 0
  for (let p = 0; p < area; p++) {
    const v = maps[joint * area + p]
    if (v > best) {
      best = v
      at = p
    }
  }
  return { x: at % size, y: Math.floor(at / size), value: best / 255 }
}
