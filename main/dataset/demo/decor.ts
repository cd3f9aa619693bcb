// Everything in a demo image that is not a person: clutter behind the people (a floor, walls, windows,
// balls, sticks that look a little like limbs) and objects in front of them that hide joints.
import { hsl, mix, outlineOf, sceneColour, type Rgb } from './appearance'
import { add, rotate, type Vec } from './geometry'
import type { Random } from './random'
import type { Shape } from './shapes'

/** Shapes behind the people. */
export function clutterShapes(random: Random, width: number, height: number): Shape[] {
  const shapes: Shape[] = []
  if (random.chance(0.7)) {
    const horizon = random.range(0.45, 0.8) * height
    const tilt = random.range(-0.08, 0.08) * width
    shapes.push({
      geometry: { kind: 'polygon', points: [{ x: 0, y: horizon - tilt }, { x: width, y: horizon + tilt }, { x: width, y: height }, { x: 0, y: height }] },
      fill: sceneColour(random),
      opacity: random.range(0.55, 0.9)
    })
  }
  const count = random.int(5, 16)
  const size = Math.min(width, height)
  for (let i = 0; i < count; i++) {
    const centre: Vec = { x: random.range(0, width), y: random.range(0, height) }
    const colour = sceneColour(random)
    const opacity = random.range(0.35, 0.95)
    const stroke = random.chance(0.4) ? { stroke: outlineOf(colour), strokeWidth: random.range(1, 3) } : {}
    const kind = random.next()
    if (kind < 0.35) {
      shapes.push({ geometry: { kind: 'rect', centre, width: random.range(0.08, 0.6) * size, height: random.range(0.08, 0.6) * size, angle: random.chance(0.7) ? 0 : random.range(-0.5, 0.5), corner: random.chance(0.5) ? 0 : random.range(2, 12) }, fill: colour, opacity, ...stroke })
    } else if (kind < 0.6) {
      const r = random.range(0.03, 0.2) * size
      shapes.push({ geometry: { kind: 'ellipse', centre, rx: r, ry: r * random.range(0.5, 1.5), angle: random.range(0, Math.PI) }, fill: colour, opacity, ...stroke })
    } else if (kind < 0.8) {
      const r = random.range(0.05, 0.2) * size
      const corners = random.int(3, 6)
      const points = Array.from({ length: corners }, (_, k) => add(centre, rotate({ x: r * random.range(0.6, 1.2), y: 0 }, (2 * Math.PI * k) / corners + random.range(-0.3, 0.3))))
      shapes.push({ geometry: { kind: 'polygon', points }, fill: colour, opacity, ...stroke })
    } else {
      // a stick or band: the kind of elongated shape a limb detector must learn to ignore
      const along = rotate({ x: random.range(0.1, 0.45) * size, y: 0 }, random.range(0, Math.PI))
      const r = random.range(0.008, 0.04) * size
      const vivid = random.chance(0.5) ? hsl(random.range(0, 360), random.range(0.4, 0.9), random.range(0.3, 0.6)) : colour
      shapes.push({ geometry: { kind: 'capsule', a: centre, b: add(centre, along), ra: r, rb: r * random.range(0.6, 1.2) }, fill: vivid, opacity: random.range(0.6, 1), ...stroke })
    }
  }
  return shapes
}

/** An object in front of a person, placed over one of its joints so that it hides it. */
export function occluderShape(random: Random, target: Vec, headLength: number, width: number, height: number): Shape {
  const L = headLength
  const colour: Rgb = random.chance(0.5) ? sceneColour(random) : mix(sceneColour(random), hsl(random.range(0, 360), 0.6, 0.5), 0.5)
  const style = { fill: colour, stroke: outlineOf(colour), strokeWidth: Math.max(1, 0.05 * L) }
  const jitter = (extent: number): Vec => add(target, { x: random.range(-0.45, 0.45) * extent, y: random.range(-0.45, 0.45) * extent })
  const kind = random.next()
  if (kind < 0.35) {
    const w = random.range(0.8, 1.9) * L
    const h = random.range(0.8, 1.9) * L
    return { geometry: { kind: 'rect', centre: jitter(Math.min(w, h)), width: w, height: h, angle: random.range(-0.3, 0.3), corner: random.range(0, 0.2) * L }, ...style }
  }
  if (kind < 0.6) {
    const r = random.range(0.45, 0.95) * L
    return { geometry: { kind: 'ellipse', centre: jitter(r), rx: r, ry: r * random.range(0.8, 1.2), angle: random.range(0, Math.PI) }, ...style }
  }
  if (kind < 0.8) {
    // a post or a table leg crossing the whole image
    const centre = jitter(0.5 * L)
    const angle = random.range(-0.35, 0.35)
    const half = rotate({ x: 0, y: width + height }, angle)
    const r = random.range(0.25, 0.5) * L
    return { geometry: { kind: 'capsule', a: add(centre, half), b: add(centre, { x: -half.x, y: -half.y }), ra: r, rb: r }, ...style }
  }
  // a table top or a counter: wide and low
  const w = random.range(2.5, 5) * L
  const h = random.range(0.6, 1.2) * L
  return { geometry: { kind: 'rect', centre: jitter(h), width: w, height: h, angle: random.range(-0.08, 0.08), corner: random.range(0, 0.1) * L }, ...style }
}
