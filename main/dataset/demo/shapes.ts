// What a scene is drawn from: simple shapes in draw order, each optionally owned by some joints of one
// person. The same list renders the SVG and decides occlusion (the topmost shape over a joint says
// whether that joint is seen), so what is recorded is what is drawn.
import { hex, type Rgb, type TextureKind } from './appearance'
import { inCapsule, inEllipse, inPolygon, rotate, sub, perpendicular, unit, add, scale, type Vec } from './geometry'

export type Geometry =
  | { kind: 'capsule'; a: Vec; b: Vec; ra: number; rb: number }
  | { kind: 'ellipse'; centre: Vec; rx: number; ry: number; angle: number }
  | { kind: 'polygon'; points: Vec[] }
  | { kind: 'rect'; centre: Vec; width: number; height: number; angle: number; corner: number }

export interface Pattern {
  id: string
  texture: Exclude<TextureKind, 'plain'>
  base: Rgb
  ink: Rgb
  period: number
  angle: number
}

export interface Shape {
  geometry: Geometry
  fill: Rgb | Pattern
  stroke?: Rgb
  strokeWidth?: number
  opacity?: number
  /** The person (index in the scene) and the joints this shape is part of. */
  owner?: { person: number; joints: readonly number[] }
}

export function contains(geometry: Geometry, p: Vec): boolean {
  switch (geometry.kind) {
    case 'capsule':
      return inCapsule(p, geometry.a, geometry.b, geometry.ra, geometry.rb)
    case 'ellipse':
      return inEllipse(p, geometry.centre, geometry.rx, geometry.ry, geometry.angle)
    case 'polygon':
      return inPolygon(p, geometry.points)
    case 'rect': {
      const q = rotate(sub(p, geometry.centre), -geometry.angle)
      return Math.abs(q.x) <= geometry.width / 2 && Math.abs(q.y) <= geometry.height / 2
    }
  }
}

const n = (value: number) => (Math.round(value * 100) / 100).toString()
const deg = (radians: number) => n((radians * 180) / Math.PI)

function paint(fill: Rgb | Pattern): string {
  return 'id' in fill ? `url(#${fill.id})` : hex(fill)
}

/** The outline of a tapered capsule: two end caps joined by the tangent-ish sides. */
function capsulePath(a: Vec, b: Vec, ra: number, rb: number): string {
  const along = unit(sub(b, a), { x: 0, y: 1 })
  const side = perpendicular(along)
  const a1 = add(a, scale(side, ra))
  const a2 = add(a, scale(side, -ra))
  const b1 = add(b, scale(side, rb))
  const b2 = add(b, scale(side, -rb))
  return `M${n(a1.x)} ${n(a1.y)}L${n(b1.x)} ${n(b1.y)}A${n(rb)} ${n(rb)} 0 0 0 ${n(b2.x)} ${n(b2.y)}` +
    `L${n(a2.x)} ${n(a2.y)}A${n(ra)} ${n(ra)} 0 0 0 ${n(a1.x)} ${n(a1.y)}Z`
}

export function shapeSvg(shape: Shape): string {
  const g = shape.geometry
  const style =
    `fill="${paint(shape.fill)}"` +
    (shape.stroke ? ` stroke="${hex(shape.stroke)}" stroke-width="${n(shape.strokeWidth ?? 1)}" stroke-linejoin="round"` : '') +
    (shape.opacity !== undefined && shape.opacity < 1 ? ` fill-opacity="${n(shape.opacity)}" stroke-opacity="${n(shape.opacity)}"` : '')
  switch (g.kind) {
    case 'capsule':
      return `<path d="${capsulePath(g.a, g.b, g.ra, g.rb)}" ${style}/>`
    case 'ellipse':
      return `<ellipse cx="${n(g.centre.x)}" cy="${n(g.centre.y)}" rx="${n(g.rx)}" ry="${n(g.ry)}" transform="rotate(${deg(g.angle)} ${n(g.centre.x)} ${n(g.centre.y)})" ${style}/>`
    case 'polygon':
      return `<polygon points="${g.points.map((p) => `${n(p.x)},${n(p.y)}`).join(' ')}" ${style}/>`
    case 'rect':
      return `<rect x="${n(g.centre.x - g.width / 2)}" y="${n(g.centre.y - g.height / 2)}" width="${n(g.width)}" height="${n(g.height)}" rx="${n(g.corner)}" transform="rotate(${deg(g.angle)} ${n(g.centre.x)} ${n(g.centre.y)})" ${style}/>`
  }
}

export function patternSvg(p: Pattern): string {
  const size = n(p.period)
  const half = n(p.period / 2)
  const ink = hex(p.ink)
  const marks =
    p.texture === 'stripes' ? `<rect width="${size}" height="${n(p.period * 0.45)}" fill="${ink}"/>`
    : p.texture === 'checks' ? `<rect width="${half}" height="${half}" fill="${ink}"/><rect x="${half}" y="${half}" width="${half}" height="${half}" fill="${ink}"/>`
    : `<circle cx="${half}" cy="${half}" r="${n(p.period * 0.22)}" fill="${ink}"/>`
  return `<pattern id="${p.id}" patternUnits="userSpaceOnUse" width="${size}" height="${size}" patternTransform="rotate(${n(p.angle)})">` +
    `<rect width="${size}" height="${size}" fill="${hex(p.base)}"/>${marks}</pattern>`
}
