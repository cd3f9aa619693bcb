// The view both prediction canvases share: stage scale and offset. Zooming or panning one canvas sets
// it, and the other follows, so the same image point is under the same screen point in both.
export interface ViewTransform {
  scale: number
  x: number
  y: number
}

export interface PlaneBox {
  left: number
  top: number
  right: number
  bottom: number
}

const MIN_SCALE = 0.05
const MAX_SCALE = 40

/** The transform that shows `box` (plane coordinates) centred in a width × height stage. */
export function fitBox(box: PlaneBox, width: number, height: number, padding = 0.2): ViewTransform {
  const w = Math.max(1, box.right - box.left)
  const h = Math.max(1, box.bottom - box.top)
  const scale = clampScale(Math.min(width / (w * (1 + 2 * padding)), height / (h * (1 + 2 * padding))))
  const cx = (box.left + box.right) / 2
  const cy = (box.top + box.bottom) / 2
  return { scale, x: width / 2 - cx * scale, y: height / 2 - cy * scale }
}

/** Zooms by `factor` keeping the plane point under the screen point (px, py) where it is. */
export function zoomAt(view: ViewTransform, px: number, py: number, factor: number): ViewTransform {
  const scale = clampScale(view.scale * factor)
  const planeX = (px - view.x) / view.scale
  const planeY = (py - view.y) / view.scale
  return { scale, x: px - planeX * scale, y: py - planeY * scale }
}

function clampScale(scale: number): number {
  return Math.max(MIN_SCALE, Math.min(MAX_SCALE, scale))
}

/** The box around a set of plane points, at least `minSide` wide and high. */
export function boxAround(points: { x: number; y: number }[], minSide: number): PlaneBox | null {
  if (points.length === 0) return null
  let left = Infinity
  let top = Infinity
  let right = -Infinity
  let bottom = -Infinity
  for (const p of points) {
    left = Math.min(left, p.x)
    top = Math.min(top, p.y)
    right = Math.max(right, p.x)
    bottom = Math.max(bottom, p.y)
  }
  const grow = (lo: number, hi: number): [number, number] => {
    const missing = minSide - (hi - lo)
    return missing > 0 ? [lo - missing / 2, hi + missing / 2] : [lo, hi]
  }
  ;[left, right] = grow(left, right)
  ;[top, bottom] = grow(top, bottom)
  return { left, top, right, bottom }
}

/** A joint's heatmap placed on the image: the coloured canvas, where its top-left corner is, its scale. */
export interface HeatmapOverlay {
  canvas: HTMLCanvasElement
  /** MPII coordinates of the heatmap's top-left corner, and image pixels per heatmap pixel. */
  origin: { x: number; y: number }
  pixel: number
  size: number
}
