// One demo image, planned from its own random stream: size, background, one or two people in real MPII
// poses, occluding objects, and the MPII annotation of each person derived from what was drawn.
import { randomOutfit } from './appearance'
import { renderBackground, type BackgroundLayer } from './background'
import { completePose, headLengthOf, mirrorSkeleton, randomProportions, reproportion, rotateSkeleton, type Skeleton } from './body'
import { clutterShapes, occluderShape } from './decor'
import { figureShapes, randomFigureStyle } from './figure'
import { add, lerp, scale, type Vec } from './geometry'
import type { PoseTable } from './pose-table'
import { Random } from './random'
import { contains, type Pattern, type Shape } from './shapes'
import { Joint as J } from './skeleton'

/** One person as MPII annotates it (raw conventions: 1-based pixel coordinates, unadjusted objpos and scale). */
export interface DemoPerson {
  /** MPII `objpos`: the rough person centre. */
  objpos: [number, number]
  /** MPII `scale`: person height / 200 px, which MPII sets from the head box (see headBoxFor). */
  scale: number
  /** 16 joints in MPII order; null where unannotated (outside the image). */
  joints: ([number, number] | null)[]
  /** MPII `is_visible`: false for occluded and for unannotated joints. */
  visible: boolean[]
  /** MPII head rectangle x1, y1, x2, y2. */
  headBox: [number, number, number, number]
  /** Which row of the pose table the pose came from, and whether it was mirrored. */
  source: { pose: number; mirrored: boolean }
}

export interface DemoScene {
  width: number
  height: number
  background: BackgroundLayer
  patterns: Pattern[]
  shapes: Shape[]
  people: DemoPerson[]
}

/** Random-stream keys, so that adding a draw in one place does not shift every other one. */
export const STREAM = { plan: 1, image: 2 } as const

const round3 = (v: number) => Math.round(v * 1000) / 1000

/**
 * The MPII head box for a head segment: in the real annotations (detections_our_format.mat, all 2,958
 * val people) the box is axis-aligned, centred on the midpoint of upper neck and head top, and its
 * diagonal is 1.25 x the segment length (median 1.2500, 5th-95th percentile 1.24998-1.25000); its
 * width/height ratio varies (median 0.77, 5th-95th 0.62-1.02) independently of the head's tilt.
 */
export function headBoxFor(upperNeck: Vec, headTop: Vec, aspect: number): [number, number, number, number] {
  const centre = lerp(upperNeck, headTop, 0.5)
  const diagonal = 1.25 * Math.hypot(headTop.x - upperNeck.x, headTop.y - upperNeck.y)
  const h = diagonal / Math.sqrt(1 + aspect * aspect)
  const w = aspect * h
  return [centre.x - w / 2, centre.y - h / 2, centre.x + w / 2, centre.y + h / 2]
}

/** MPII's raw scale from its head segment: scale = 0.03 x segment (= 0.024 x head-box diagonal) in val.h5. */
export const scaleForHeadLength = (headLength: number) => 0.03 * headLength

interface Placed {
  skeleton: Skeleton
  joints: Vec[]
  centre: Vec
  headLength: number
  pose: number
  mirrored: boolean
}

function extent(joints: readonly Vec[], margin: number) {
  const xs = joints.map((p) => p.x)
  const ys = joints.map((p) => p.y)
  return { minX: Math.min(...xs) - margin, maxX: Math.max(...xs) + margin, minY: Math.min(...ys) - margin, maxY: Math.max(...ys) + margin }
}

function placePerson(random: Random, table: PoseTable, poseIndex: number, width: number, height: number, slot: { x0: number; x1: number }, cut: boolean): Placed {
  const mirrored = random.chance(0.5)
  let skeleton = completePose(table.pose(poseIndex))
  if (mirrored) skeleton = mirrorSkeleton(skeleton)
  if (random.chance(0.3)) skeleton = rotateSkeleton(skeleton, random.normal(0, 0.2))
  skeleton = reproportion(skeleton, randomProportions(random))
  // the person's box in pose units, with room for the head, hands and feet around the joints
  const box = extent(skeleton.joints, 0.6 * headLengthOf(skeleton.joints))
  const boxW = box.maxX - box.minX
  const boxH = box.maxY - box.minY
  const slotW = slot.x1 - slot.x0
  const fill = random.range(0.55, 0.92)
  const pixelsPerUnit = Math.min((fill * height) / boxH, (0.95 * slotW) / boxW)
  const w = boxW * pixelsPerUnit
  const h = boxH * pixelsPerUnit
  let left = slot.x0 + random.range(0, Math.max(0, slotW - w))
  let top = random.range(0, Math.max(0, height - h))
  if (cut) {
    // push the person partly out of the frame through one edge
    const edge = random.int(0, 3)
    const amount = random.range(0.15, 0.45)
    if (edge === 0) top = height - h * (1 - amount)
    else if (edge === 1) top = -h * amount
    else if (edge === 2) left = -w * amount
    else left = width - w * (1 - amount)
  }
  const centre = { x: left - box.minX * pixelsPerUnit, y: top - box.minY * pixelsPerUnit }
  const joints = skeleton.joints.map((p) => add(centre, scale(p, pixelsPerUnit)))
  return { skeleton, joints, centre, headLength: headLengthOf(joints), pose: poseIndex, mirrored }
}

export interface SceneRequest {
  seed: number
  index: number
  /** Rows of the pose table, one per person in the image (one or two). */
  poses: number[]
}

export function planScene(table: PoseTable, request: SceneRequest): DemoScene {
  const random = new Random(request.seed, STREAM.image, request.index)
  const width = 8 * random.int(40, 60)
  const height = 8 * random.int(40, 60)
  const background = renderBackground(random, width, height)
  const shapes: Shape[] = clutterShapes(random, width, height)
  const patterns: Pattern[] = []

  const count = request.poses.length
  const slots = count === 1 ? [{ x0: 0, x1: width }]
    : [{ x0: 0, x1: width * random.range(0.5, 0.65) }, { x0: width * random.range(0.35, 0.5), x1: width }]
  const placed = request.poses.map((pose, k) => placePerson(random, table, pose, width, height, slots[k], random.chance(0.15)))

  // people in a random depth order; each may get objects in front of it
  const order = random.shuffle(placed.map((_, k) => k))
  for (const k of order) {
    const person = placed[k]
    const figure = figureShapes(k, person.joints, person.headLength, randomFigureStyle(random, randomOutfit(random)), `p${k}`)
    shapes.push(...figure.shapes)
    patterns.push(...figure.patterns)
    let occluders = random.chance(0.4) ? (random.chance(0.25) ? 2 : 1) : 0
    while (occluders-- > 0) {
      const target = person.joints[random.pick([J.rWrist, J.lWrist, J.rElbow, J.lElbow, J.rKnee, J.lKnee, J.rAnkle, J.lAnkle, J.rHip, J.lHip])]
      shapes.push(occluderShape(random, target, person.headLength, width, height))
    }
  }

  const people = placed.map((person, k) => annotate(k, person, shapes, width, height, random.range(0.62, 1.02)))
  return { width, height, background, patterns, shapes, people }
}

/**
 * Which of a person's joints are seen: a joint is visible when the topmost shape over it is a part of
 * that person that the joint belongs to (its own limb, torso or head), occluded when anything else is.
 */
export function jointVisibility(person: number, joints: readonly Vec[], shapes: readonly Shape[]): boolean[] {
  return joints.map((p, j) => {
    for (let s = shapes.length - 1; s >= 0; s--) {
      if (contains(shapes[s].geometry, p)) return shapes[s].owner?.person === person && shapes[s].owner!.joints.includes(j)
    }
    return true
  })
}

/** Reads the annotation off the drawing: outside the frame = unannotated, under something else = occluded. */
function annotate(k: number, person: Placed, shapes: readonly Shape[], width: number, height: number, headAspect: number): DemoPerson {
  // SVG user space has pixel i spanning [i, i+1); MPII's 1-based coordinate of that pixel's centre is i + 1
  const mpii = (p: Vec): [number, number] => [round3(p.x + 0.5), round3(p.y + 0.5)]
  const seen = jointVisibility(k, person.joints, shapes)
  const inFrame = person.joints.map((p) => p.x >= 0 && p.y >= 0 && p.x < width && p.y < height)
  const neck = person.joints[J.upperNeck]
  const headTop = person.joints[J.headTop]
  const scale = scaleForHeadLength(person.headLength)
  const box = headBoxFor(add(neck, { x: 0.5, y: 0.5 }), add(headTop, { x: 0.5, y: 0.5 }), headAspect)
  const centre = mpii(person.centre)
  return {
    // pose-hg-train's adjusted centre is objpos + 15 x scale downwards; the pose table's origin is that centre
    objpos: [centre[0], round3(centre[1] - 15 * scale)],
    scale: Math.round(scale * 1e6) / 1e6,
    joints: person.joints.map((p, j) => (inFrame[j] ? mpii(p) : null)),
    visible: seen.map((v, j) => v && inFrame[j]),
    headBox: box.map(round3) as DemoPerson['headBox'],
    source: { pose: person.pose, mirrored: person.mirrored }
  }
}
