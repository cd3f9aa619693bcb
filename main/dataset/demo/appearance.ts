// Colours and clothing for synthetic people and their surroundings. The two sides of a body are shaded
// apart on purpose (right lighter, left darker): a pose network has to tell left from right, and on
// these cartoon bodies shading is the only cue it gets.
import type { Random } from './random'

export interface Rgb {
  r: number
  g: number
  b: number
}

export function hsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l)
  const f = (n: number) => {
    const k = (n + h / 30) % 12
    return l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))
  }
  return { r: Math.round(255 * f(0)), g: Math.round(255 * f(8)), b: Math.round(255 * f(4)) }
}

export const hex = ({ r, g, b }: Rgb): string =>
  '#' + [r, g, b].map((v) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0')).join('')

export const mix = (a: Rgb, b: Rgb, t: number): Rgb => ({
  r: a.r + (b.r - a.r) * t,
  g: a.g + (b.g - a.g) * t,
  b: a.b + (b.b - a.b) * t
})

const WHITE: Rgb = { r: 255, g: 255, b: 255 }
const BLACK: Rgb = { r: 0, g: 0, b: 0 }

export type BodySide = 'right' | 'left' | 'centre'

/** The shade of a colour on one side of the body. */
export function shade(colour: Rgb, side: BodySide): Rgb {
  if (side === 'right') return mix(colour, WHITE, 0.38)
  if (side === 'left') return mix(colour, BLACK, 0.42)
  return colour
}

export const outlineOf = (colour: Rgb): Rgb => mix(colour, BLACK, 0.7)

export type TextureKind = 'plain' | 'stripes' | 'checks' | 'dots'

export interface Garment {
  colour: Rgb
  texture: TextureKind
  /** Colour of the stripes, checks or dots. */
  ink: Rgb
  /** Pattern period as a multiple of the head length. */
  period: number
  angle: number
}

export interface Outfit {
  skin: Rgb
  hair: Rgb
  shirt: Garment
  trousers: Garment
  shoes: Rgb
  shortSleeves: boolean
  shorts: boolean
}

const SKIN_TONES: readonly Rgb[] = [
  { r: 255, g: 219, b: 180 }, { r: 240, g: 195, b: 150 }, { r: 214, g: 160, b: 115 },
  { r: 178, g: 121, b: 80 }, { r: 130, g: 85, b: 55 }, { r: 92, g: 60, b: 40 }
]

function garment(random: Random): Garment {
  const hue = random.range(0, 360)
  const colour = hsl(hue, random.range(0.45, 0.95), random.range(0.35, 0.6))
  const ink = random.chance(0.5) ? mix(colour, WHITE, 0.55) : hsl((hue + random.range(90, 270)) % 360, 0.7, random.range(0.3, 0.7))
  return {
    colour,
    texture: random.pick(['plain', 'plain', 'stripes', 'checks', 'dots'] as const),
    ink,
    period: random.range(0.18, 0.4),
    angle: random.pick([0, 0, 45, 90, -30])
  }
}

export function randomOutfit(random: Random): Outfit {
  const skin = mix(random.pick(SKIN_TONES), random.pick(SKIN_TONES), random.next())
  return {
    skin,
    hair: random.chance(0.15) ? hsl(random.range(20, 45), 0.3, random.range(0.6, 0.8)) : hsl(random.range(15, 40), random.range(0.2, 0.6), random.range(0.06, 0.3)),
    shirt: garment(random),
    trousers: garment(random),
    shoes: hsl(random.range(0, 360), random.range(0, 0.5), random.range(0.08, 0.35)),
    shortSleeves: random.chance(0.35),
    shorts: random.chance(0.2)
  }
}

/** A muted colour for backgrounds, so people stand out without the scene being flat. */
export function sceneColour(random: Random): Rgb {
  return hsl(random.range(0, 360), random.range(0.05, 0.45), random.range(0.2, 0.8))
}
