// One synthetic person as shapes: tapered capsules for the limbs, a hull for the torso, a neck, a head
// with hair (and eyes when the person faces the camera), hands and feet. Right-side parts are drawn in
// a lighter shade than left-side parts of the same garment.
import { mix, outlineOf, shade, type BodySide, type Garment, type Outfit, type Rgb } from './appearance'
import { add, convexHull, discPoints, lerp, rotate, scale, sub, unit, type Vec } from './geometry'
import type { Random } from './random'
import type { Pattern, Shape } from './shapes'
import { Joint as J } from './skeleton'

export interface FigureStyle {
  outfit: Outfit
  /** Limb thickness relative to the average build. */
  build: number
  /** The side farther from the camera: its limbs are drawn first. */
  farSide: 'right' | 'left'
  /** Whether the far arm passes behind the torso. */
  farArmBehind: boolean
}

export function randomFigureStyle(random: Random, outfit: Outfit): FigureStyle {
  return {
    outfit,
    build: random.range(0.82, 1.25),
    farSide: random.chance(0.5) ? 'right' : 'left',
    farArmBehind: random.chance(0.3)
  }
}

/** Whether the person shows its front: its right side appears on the image's left of its own up. */
export function facesCamera(joints: readonly Vec[]): boolean {
  const up = sub(joints[J.thorax], joints[J.pelvis])
  const across = add(sub(joints[J.lShoulder], joints[J.rShoulder]), sub(joints[J.lHip], joints[J.rHip]))
  return up.x * across.y - up.y * across.x > 0
}

/**
 * Shapes for one person in draw order. `joints` are image coordinates; `headLength` the upper-neck to
 * head-top distance in pixels, which sets every thickness.
 */
export function figureShapes(person: number, joints: readonly Vec[], headLength: number, style: FigureStyle, idPrefix: string): { shapes: Shape[]; patterns: Pattern[] } {
  const L = headLength
  const k = L * style.build
  const { outfit } = style
  const patterns: Pattern[] = []
  const outline = Math.max(1, 0.045 * L)

  const garmentFill = (garment: Garment, side: BodySide, name: string): Rgb | Pattern => {
    if (garment.texture === 'plain') return shade(garment.colour, side)
    const pattern: Pattern = {
      id: `${idPrefix}${name}${side[0]}`,
      texture: garment.texture,
      base: shade(garment.colour, side),
      ink: shade(garment.ink, side),
      period: Math.max(4, garment.period * L),
      angle: garment.angle
    }
    patterns.push(pattern)
    return pattern
  }
  const baseOf = (fill: Rgb | Pattern): Rgb => ('id' in fill ? fill.base : fill)
  const part = (geometry: Shape['geometry'], fill: Rgb | Pattern, owned: readonly number[]): Shape => ({
    geometry,
    fill,
    stroke: outlineOf(baseOf(fill)),
    strokeWidth: outline,
    owner: { person, joints: owned }
  })

  const leg = (side: 'right' | 'left'): Shape[] => {
    const [hip, knee, ankle] = side === 'right' ? [J.rHip, J.rKnee, J.rAnkle] : [J.lHip, J.lKnee, J.lAnkle]
    const trousers = garmentFill(outfit.trousers, side, 't')
    const shinFill = outfit.shorts ? shade(outfit.skin, side) : trousers
    const shinDir = unit(sub(joints[ankle], joints[knee]))
    // toes point to the person's front: sideways from the shin, towards the facing side
    const toes = rotate(shinDir, (facesCamera(joints) ? 1 : -1) * (side === 'right' ? 1 : -1) * 0.35 * Math.PI)
    const footTip = add(joints[ankle], scale(unit(add(toes, scale(shinDir, 0.35))), 0.5 * L))
    return [
      part({ kind: 'capsule', a: joints[hip], b: joints[knee], ra: 0.34 * k, rb: 0.22 * k }, trousers, [hip, knee]),
      part({ kind: 'capsule', a: joints[knee], b: joints[ankle], ra: 0.21 * k, rb: 0.14 * k }, shinFill, [knee, ankle]),
      part({ kind: 'capsule', a: joints[ankle], b: footTip, ra: 0.13 * k, rb: 0.11 * k }, shade(outfit.shoes, side), [ankle])
    ]
  }

  const arm = (side: 'right' | 'left'): Shape[] => {
    const [shoulder, elbow, wrist] = side === 'right' ? [J.rShoulder, J.rElbow, J.rWrist] : [J.lShoulder, J.lElbow, J.lWrist]
    const sleeve = garmentFill(outfit.shirt, side, 's')
    const skin = shade(outfit.skin, side)
    const hand = add(joints[wrist], scale(unit(sub(joints[wrist], joints[elbow])), 0.17 * L))
    return [
      part({ kind: 'capsule', a: joints[shoulder], b: joints[elbow], ra: 0.23 * k, rb: 0.17 * k }, sleeve, [shoulder, elbow]),
      part({ kind: 'capsule', a: joints[elbow], b: joints[wrist], ra: 0.16 * k, rb: 0.12 * k }, outfit.shortSleeves ? skin : sleeve, [elbow, wrist]),
      part({ kind: 'ellipse', centre: hand, rx: 0.15 * k, ry: 0.19 * k, angle: Math.atan2(hand.y - joints[wrist].y, hand.x - joints[wrist].x) + Math.PI / 2 }, skin, [wrist])
    ]
  }

  const torsoJoints = [J.rShoulder, J.lShoulder, J.rHip, J.lHip, J.pelvis, J.thorax]
  const front = facesCamera(joints)
  const torso = (): Shape[] => {
    const chest = lerp(joints[J.thorax], joints[J.pelvis], 0.3)
    const belly = lerp(joints[J.thorax], joints[J.pelvis], 0.7)
    const points = [
      ...discPoints([joints[J.rShoulder], joints[J.lShoulder]], 0.27 * k),
      ...discPoints([joints[J.rHip], joints[J.lHip]], 0.3 * k),
      ...discPoints([chest, belly], 0.38 * k),
      ...discPoints([joints[J.thorax], joints[J.pelvis]], 0.2 * k)
    ]
    const body = part({ kind: 'polygon', points: convexHull(points) }, garmentFill(outfit.shirt, 'centre', 'b'), torsoJoints)
    if (!front) return [body]
    // the front of a shirt: a neckline and buttons, so front and back views differ (a flip-proof
    // left/right cue: facing the camera, a person's right side is on the image's left)
    const down = unit(sub(joints[J.pelvis], joints[J.thorax]))
    const across = { x: -down.y, y: down.x }
    const t = joints[J.thorax]
    const neckline: Shape = {
      geometry: { kind: 'polygon', points: [add(t, scale(across, 0.2 * L)), add(t, scale(down, 0.38 * L)), add(t, scale(across, -0.2 * L))] },
      fill: outfit.skin,
      owner: { person, joints: torsoJoints }
    }
    const buttons = [0.45, 0.62, 0.79].map((f): Shape => ({
      geometry: { kind: 'ellipse', centre: lerp(t, joints[J.pelvis], f), rx: 0.055 * L, ry: 0.055 * L, angle: 0 },
      fill: outlineOf(outfit.shirt.colour),
      owner: { person, joints: torsoJoints }
    }))
    return [body, neckline, ...buttons]
  }

  const head = (): Shape[] => {
    const neck = joints[J.upperNeck]
    const top = joints[J.headTop]
    const axis = unit(sub(top, neck), { x: 0, y: -1 })
    const angle = Math.atan2(axis.y, axis.x) + Math.PI / 2
    const centre = lerp(neck, top, 0.5)
    const owned = [J.upperNeck, J.headTop]
    const skin = outfit.skin
    const face: Shape = part({ kind: 'ellipse', centre: add(centre, scale(axis, -0.04 * L)), rx: 0.36 * L, ry: 0.5 * L, angle }, skin, owned)
    const hair: Shape = part({ kind: 'ellipse', centre: add(centre, scale(axis, 0.1 * L)), rx: 0.4 * L, ry: 0.46 * L, angle }, outfit.hair, owned)
    const shapes = [
      part({ kind: 'capsule', a: joints[J.thorax], b: neck, ra: 0.19 * k, rb: 0.16 * k }, skin, [J.thorax, J.upperNeck])
    ]
    if (!front) return [...shapes, face, hair]
    const across = { x: -axis.y, y: axis.x }
    const at = (along: number, side: number) => add(add(centre, scale(axis, along * L)), scale(across, side * L))
    const feature = (centreAt: Vec, rx: number, ry: number, fill: Rgb): Shape => ({
      geometry: { kind: 'ellipse', centre: centreAt, rx: rx * L, ry: ry * L, angle },
      fill,
      owner: { person, joints: owned }
    })
    const dark = { r: 25, g: 20, b: 20 }
    return [
      ...shapes, hair, face,
      feature(at(-0.02, 0.14), 0.05, 0.06, dark),
      feature(at(-0.02, -0.14), 0.05, 0.06, dark),
      feature(at(-0.14, 0), 0.05, 0.08, mix(skin, dark, 0.35)),
      feature(at(-0.3, 0), 0.11, 0.035, mix(skin, { r: 120, g: 30, b: 40 }, 0.6))
    ]
  }

  const near = style.farSide === 'right' ? 'left' : 'right'
  const shapes = [
    ...leg(style.farSide),
    ...leg(near),
    ...(style.farArmBehind ? arm(style.farSide) : []),
    ...torso(),
    ...head(),
    ...(style.farArmBehind ? [] : arm(style.farSide)),
    ...arm(near)
  ]
  return { shapes, patterns }
}
