// 2-D points and the hit tests the generator uses to decide which joints a shape covers.

export interface Vec {
  x: number
  y: number
}

export const vec = (x: number, y: number): Vec => ({ x, y })
export const add = (a: Vec, b: Vec): Vec => ({ x: a.x + b.x, y: a.y + b.y })
export const sub = (a: Vec, b: Vec): Vec => ({ x: a.x - b.x, y: a.y - b.y })
export const scale = (a: Vec, k: number): Vec => ({ x: a.x * k, y: a.y * k })
export const length = (a: Vec): number => Math.hypot(a.x, a.y)
export const distance = (a: Vec, b: Vec): number => Math.hypot(a.x - b.x, a.y - b.y)
export const lerp = (a: Vec, b: Vec, t: number): Vec => ({ x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t })
export const perpendicular = (a: Vec): Vec => ({ x: -a.y, y: a.x })

export function unit(a: Vec, fallback: Vec = { x: 0, y: 1 }): Vec {
  const n = length(a)
  return n > 1e-9 ? { x: a.x / n, y: a.y / n } : fallback
}

export function rotate(a: Vec, radians: number): Vec {
  const c = Math.cos(radians)
  const s = Math.sin(radians)
  return { x: a.x * c - a.y * s, y: a.x * s + a.y * c }
}

/** Whether `p` lies in the capsule from a (radius ra) to b (radius rb), radius interpolated along it. */
export function inCapsule(p: Vec, a: Vec, b: Vec, ra: number, rb: number): boolean {
  const ab = sub(b, a)
  const len2 = ab.x * ab.x + ab.y * ab.y
  const t = len2 > 0 ? Math.min(1, Math.max(0, ((p.x - a.x) * ab.x + (p.y - a.y) * ab.y) / len2)) : 0
  return distance(p, lerp(a, b, t)) <= ra + (rb - ra) * t
}

export function inEllipse(p: Vec, centre: Vec, rx: number, ry: number, angle: number): boolean {
  const q = rotate(sub(p, centre), -angle)
  return (q.x * q.x) / (rx * rx) + (q.y * q.y) / (ry * ry) <= 1
}

/** Even-odd point in polygon. */
export function inPolygon(p: Vec, points: readonly Vec[]): boolean {
  let inside = false
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const a = points[i]
    const b = points[j]
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside
  }
  return inside
}

/** Convex hull (Andrew's monotone chain), counter-clockwise in y-down screen space. */
export function convexHull(points: readonly Vec[]): Vec[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y)
  if (sorted.length < 3) return sorted
  const cross = (o: Vec, a: Vec, b: Vec) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
  const lower: Vec[] = []
  for (const p of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop()
    lower.push(p)
  }
  const upper: Vec[] = []
  for (let i = sorted.length - 1; i >= 0; i--) {
    const p = sorted[i]
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop()
    upper.push(p)
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1))
}

/** Points on circles around each centre, for a smooth hull of discs. */
export function discPoints(centres: readonly Vec[], radius: number, steps = 16): Vec[] {
  const points: Vec[] = []
  for (const c of centres) {
    for (let k = 0; k < steps; k++) {
      const a = (2 * Math.PI * k) / steps
      points.push({ x: c.x + radius * Math.cos(a), y: c.y + radius * Math.sin(a) })
    }
  }
  return points
}
