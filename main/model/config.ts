// What a PyraNet is made of. The defaults reproduce the authors' 2-stack MPII model (bearpaw/PyraNet
// experiments/mpii/hg-prm-stack2.sh: nStack 2, nResidual 1, nFeats 256, baseWidth 9, cardinality 4);
// `paper8` is the 8-stack model whose 28.1 M parameters the literature quotes.
import { badInput } from '../errors'

/** 'A' | 'B' | 'C': the paper's PRM variants; 'residual': the plain stacked hourglass (every module a bottleneck). */
export type PrmVariant = 'A' | 'B' | 'C' | 'residual'
export const PRM_VARIANTS: readonly PrmVariant[] = ['A', 'B', 'C', 'residual']

export interface PyraNetConfig {
  variant: PrmVariant
  /** Hourglasses, each with its own heatmap output (intermediate supervision). */
  nStack: number
  /** Channels through the hourglasses. */
  nFeats: number
  /** Modules per hourglass location (the Lua `nResidual`). */
  nModules: number
  /** Input crop size; heatmaps are inputRes / 4. A multiple of 64 (stem /4, then four halvings). */
  inputRes: number
  /** C: pyramid levels per PRM, at ratios 2^(-c/C), c = 1..C. */
  cardinality: number
  /** The pyramid branch is D = floor(numOut / baseWidth) channels wide. */
  baseWidth: number
  nJoints: number
  /** Width of the 7x7 stem conv; the stem's modules run at twice it (64 and 128 in the Lua). */
  stemWidth: number
}

export const paperConfig: PyraNetConfig = {
  variant: 'B',
  nStack: 2,
  nFeats: 256,
  nModules: 1,
  inputRes: 256,
  cardinality: 4,
  baseWidth: 9,
  nJoints: 16,
  stemWidth: 64
}

export const presets = {
  paper: paperConfig,
  paper8: { ...paperConfig, nStack: 8 },
  /**
   * Small enough to learn the synthetic demo project on 2 CPU cores in minutes (the `demo` training preset's
   * network; its width was chosen by measuring, see main/train/config.ts).
   */
  demo: { ...paperConfig, nStack: 1, nFeats: 32, inputRes: 128, stemWidth: 8, nJoints: 16 }
} satisfies Record<string, PyraNetConfig>
export type PresetName = keyof typeof presets

/**
 * PRMs go only where the feature map is at least this wide. With a 256 px input this is exactly the authors'
 * depth rule (ResidualUp = n >= 2, ResidualDown = n >= 3 in hg-prm.lua): PRMs at 128, 64, 32 and 16 px,
 * plain residuals at 8 and 4 px, where pooling to half the size leaves almost nothing.
 */
export const PRM_MIN_RES = 16

/** Channels of one pyramid branch (D), as PRM.lua: floor(numOut / baseWidth). */
export function pyramidWidth(numOut: number, baseWidth: number): number {
  return Math.floor(numOut / baseWidth)
}

/** Subsampling ratios of the pyramid levels: 2^(-c/C), c = 1..C (PRM.lua `1/sc^i`, sc = 2^(1/C)). */
export function pyramidRatios(cardinality: number): number[] {
  return Array.from({ length: cardinality }, (_, i) => 2 ** (-(i + 1) / cardinality))
}

/** Output side of a fractional max-pool at `ratio`: floor(in * ratio), as torch (and Torch7) compute it. */
export function pooledSize(inSize: number, ratio: number): number {
  return Math.floor(inSize * ratio)
}

export function usesPrm(config: PyraNetConfig, res: number): boolean {
  return config.variant !== 'residual' && res >= PRM_MIN_RES
}

const intFields = ['nStack', 'nFeats', 'nModules', 'inputRes', 'cardinality', 'baseWidth', 'nJoints', 'stemWidth'] as const

/** Checks a config (from a user, a request or a checkpoint) and returns a clean copy; throws badInput naming the field. */
export function validateConfig(input: Partial<PyraNetConfig>, base: PyraNetConfig = paperConfig): PyraNetConfig {
  const config: PyraNetConfig = { ...base, ...stripUndefined(input) }
  if (!PRM_VARIANTS.includes(config.variant)) {
    throw badInput(`variant must be one of ${PRM_VARIANTS.join(', ')}, got ${JSON.stringify(config.variant)}`, 'variant')
  }
  for (const field of intFields) {
    const value = config[field]
    if (!Number.isInteger(value) || value < 1) throw badInput(`${field} must be a positive integer, got ${value}`, field)
  }
  if (config.inputRes % 64 !== 0) {
    throw badInput(`inputRes must be a multiple of 64 (the stem divides by 4, the hourglass halves 4 times), got ${config.inputRes}`, 'inputRes')
  }
  if (config.nFeats % 2 !== 0) {
    throw badInput(`nFeats must be even (bottlenecks run at nFeats / 2), got ${config.nFeats}`, 'nFeats')
  }
  if (config.variant !== 'residual') {
    const narrowest = Math.min(config.nFeats, 2 * config.stemWidth)
    if (pyramidWidth(narrowest, config.baseWidth) < 1) {
      throw badInput(`baseWidth ${config.baseWidth} leaves a pyramid branch with no channels for ${narrowest}-channel modules`, 'baseWidth')
    }
  }
  return config
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
