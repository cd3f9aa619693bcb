// A joint's heatmap as a coloured, mostly transparent canvas to lay over the image: quantised bytes
// (0..255) through a perceptual colour map, alpha rising with the value so the image stays readable.
// Canvases are cached per heatmap array and joint (a WeakMap: they go when the predictions go).

/** Anchor colours of 'inferno' (matplotlib), at 0, 0.25, 0.5, 0.75, 1. */
const INFERNO: readonly [number, number, number][] = [
  [0, 0, 4],
  [87, 16, 110],
  [188, 55, 84],
  [249, 142, 9],
  [252, 255, 164]
]

/** 256 RGBA entries: the colour map, with alpha 0 below a floor and rising to 0.85. */
const LUT: Uint8ClampedArray = (() => {
  const lut = new Uint8ClampedArray(256 * 4)
  for (let v = 0; v < 256; v++) {
    const t = v / 255
    const f = t * (INFERNO.length - 1)
    const i = Math.min(INFERNO.length - 2, Math.floor(f))
    const w = f - i
    for (let c = 0; c < 3; c++) lut[v * 4 + c] = INFERNO[i][c] * (1 - w) + INFERNO[i + 1][c] * w
    lut[v * 4 + 3] = t < 0.08 ? 0 : Math.round(255 * Math.min(0.85, 0.1 + 0.9 * t * t))
  }
  return lut
})()

export interface HeatmapImage {
  canvas: HTMLCanvasElement
  /** The map's lowest and highest values, 0..1: the colours run between them (see heatmapCanvas). */
  low: number
  peak: number
}

const images = new WeakMap<Uint8Array, Map<number, HeatmapImage>>()
/** The smallest spread of values (0..1) stretched over the whole colour map. */
const MIN_RANGE = 0.1

/**
 * Joint `joint`'s map from joint-major bytes (size² per joint) as a size × size canvas. The colours are
 * stretched from the map's lowest to its highest value (at least MIN_RANGE apart), so a weak map (an
 * early checkpoint) still shows where it points; the legend gives both values, so a faint map is not
 * mistaken for a confident one.
 */
export function heatmapCanvas(bytes: Uint8Array, size: number, joint: number): HeatmapImage {
  let perJoint = images.get(bytes)
  if (!perJoint) images.set(bytes, (perJoint = new Map()))
  const hit = perJoint.get(joint)
  if (hit) return hit
  const canvas = document.createElement('canvas')
  canvas.width = size
  canvas.height = size
  const context = canvas.getContext('2d')!
  const pixels = context.createImageData(size, size)
  const plane = bytes.subarray(joint * size * size, (joint + 1) * size * size)
  let low = 255
  let peak = 0
  for (const v of plane) {
    if (v > peak) peak = v
    if (v < low) low = v
  }
  // differences below MIN_RANGE are not blown up into colours: a flat map (an untrained network) stays faint
  const stretch = 255 / Math.max(peak - low, MIN_RANGE * 255)
  for (let p = 0; p < plane.length; p++) {
    const v = Math.round((plane[p] - low) * stretch)
    pixels.data.set(LUT.subarray(v * 4, v * 4 + 4), p * 4)
  }
  context.putImageData(pixels, 0, 0)
  const image = { canvas, low: low / 255, peak: peak / 255 }
  perJoint.set(joint, image)
  return image
}

/** The CSS gradient of the same colour map, for the legend. */
export const HEATMAP_LEGEND = `linear-gradient(to right, ${INFERNO.map(([r, g, b], i) => `rgb(${r} ${g} ${b}) ${(100 * i) / (INFERNO.length - 1)}%`).join(', ')})`
