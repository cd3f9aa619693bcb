// What a run is: the network, the recipe (optimizer, schedule, augmentation, targets) and the practical
// knobs (loader threads, preview cadence). Presets give complete configs; users override fields.
import { badInput } from '../errors'
import { presets as modelPresets, validateConfig, type PyraNetConfig } from '../model/config'
import { REFERENCE_AUGMENTATION, type AugmentationRecipe } from './sample'

export interface TrainConfig {
  /** The preset this config started from ('paper', 'demo', 'custom'). */
  preset: string
  model: PyraNetConfig
  batchSize: number
  epochs: number
  /** Cap on optimizer steps per epoch (null: one full pass over the training people). */
  stepsPerEpoch: number | null
  /** RMSprop, PyTorch's form: lr·g / (sqrt(v) + eps), v = alpha·v + (1 - alpha)·g². */
  learningRate: number
  rmspropAlpha: number
  rmspropEpsilon: number
  /** The learning rate is multiplied by lrDropFactor once for every milestone epoch reached (1-based). */
  lrMilestones: number[]
  lrDropFactor: number
  augment: AugmentationRecipe
  /** Subtracted from RGB / 255. */
  inputMean: [number, number, number]
  /** Validate on at most this many validation people per epoch (null: all). */
  valLimit: number | null
  /** Average with the flipped image's heatmaps when validating (the reference's flip test). */
  validationFlip: boolean
  seed: number
  loaderThreads: number
  /** Batches prepared ahead of the engine. */
  prefetch: number
  /** Seconds between live heatmap previews (one is also sent after every epoch). */
  previewSeconds: number
  /** Epoch checkpoints kept besides the best and the latest. */
  keepCheckpoints: number
}

/** MPII training-set RGB mean (bearpaw/pytorch-pose, mpii.py); the official code subtracts a mean and no std. */
export const MPII_MEAN: [number, number, number] = [0.4404, 0.444, 0.4327]

export const trainPresets = {
  /** The authors' 2-stack run (bearpaw/PyraNet experiments/mpii/hg-prm-stack2.sh, pyranet-reference.md §3). */
  paper: {
    preset: 'paper',
    model: modelPresets.paper,
    batchSize: 6,
    epochs: 250,
    stepsPerEpoch: null,
    learningRate: 2.5e-4,
    rmspropAlpha: 0.99,
    rmspropEpsilon: 1e-8,
    lrMilestones: [150, 170, 200],
    lrDropFactor: 0.1,
    augment: REFERENCE_AUGMENTATION,
    inputMean: MPII_MEAN,
    valLimit: null,
    validationFlip: true,
    seed: 1,
    loaderThreads: 1,
    prefetch: 3,
    previewSeconds: 15,
    keepCheckpoints: 2
  },
  /**
   * Small enough to learn the demo project on 2 CPU cores in minutes. Chosen by measuring (bench/train.bench.ts
   * --long, wasm, same loaded machine): 32 features with a 8-wide stem reached PCKh@0.5 32 after 10 min and
   * 41 after 20, against 30 and 37 for 64 features with a 16-wide stem, whose steps cost 2.2x as much.
   */
  demo: {
    preset: 'demo',
    model: modelPresets.demo,
    batchSize: 8,
    epochs: 30,
    stepsPerEpoch: null,
    learningRate: 1e-3,
    rmspropAlpha: 0.99,
    rmspropEpsilon: 1e-8,
    lrMilestones: [20, 26],
    lrDropFactor: 0.1,
    augment: REFERENCE_AUGMENTATION,
    inputMean: MPII_MEAN,
    valLimit: 300,
    validationFlip: false,
    seed: 1,
    loaderThreads: 1,
    prefetch: 3,
    previewSeconds: 5,
    keepCheckpoints: 2
  }
} satisfies Record<string, TrainConfig>
export type TrainPresetName = keyof typeof trainPresets
export const TRAIN_PRESET_NAMES = Object.keys(trainPresets) as TrainPresetName[]

export type TrainOverrides = Partial<Omit<TrainConfig, 'model' | 'augment'>> & {
  model?: Partial<PyraNetConfig>
  augment?: Partial<AugmentationRecipe>
}

export function isTrainPreset(name: string): name is TrainPresetName {
  return Object.hasOwn(trainPresets, name)
}

/** A preset with overrides applied, checked; throws badInput naming the field. */
export function resolveTrainConfig(presetName: string, overrides: TrainOverrides = {}): TrainConfig {
  if (!isTrainPreset(presetName)) throw badInput(`unknown preset ${JSON.stringify(presetName)} (presets: ${TRAIN_PRESET_NAMES.join(', ')})`, 'preset')
  const base: TrainConfig = trainPresets[presetName]
  const { model, augment, ...rest } = overrides
  const config: TrainConfig = {
    ...base,
    ...defined(rest),
    model: base.model,
    augment: { ...base.augment, ...defined(augment ?? {}) }
  }
  try {
    config.model = validateConfig(model ?? {}, base.model)
  } catch (error) {
    if (error instanceof Error && 'field' in error) throw badInput(error.message, `model.${(error as { field?: string }).field ?? ''}`)
    throw error
  }
  return validateTrainConfig(config)
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

const positiveInts = ['batchSize', 'epochs', 'loaderThreads', 'seed'] as const
const nonNegativeInts = ['prefetch', 'keepCheckpoints'] as const

export function validateTrainConfig(config: TrainConfig): TrainConfig {
  for (const field of positiveInts) {
    if (!Number.isInteger(config[field]) || config[field] < 1) throw badInput(`${field} must be a positive integer, got ${config[field]}`, field)
  }
  for (const field of nonNegativeInts) {
    if (!Number.isInteger(config[field]) || config[field] < 0) throw badInput(`${field} must be a non-negative integer, got ${config[field]}`, field)
  }
  for (const field of ['stepsPerEpoch', 'valLimit'] as const) {
    const value = config[field]
    if (value !== null && (!Number.isInteger(value) || value < 1)) throw badInput(`${field} must be a positive integer or null, got ${value}`, field)
  }
  if (!(config.learningRate > 0)) throw badInput(`learningRate must be positive, got ${config.learningRate}`, 'learningRate')
  if (!(config.rmspropAlpha > 0 && config.rmspropAlpha < 1)) throw badInput(`rmspropAlpha must be in (0, 1), got ${config.rmspropAlpha}`, 'rmspropAlpha')
  if (!(config.rmspropEpsilon > 0)) throw badInput(`rmspropEpsilon must be positive, got ${config.rmspropEpsilon}`, 'rmspropEpsilon')
  if (!(config.lrDropFactor > 0 && config.lrDropFactor <= 1)) throw badInput(`lrDropFactor must be in (0, 1], got ${config.lrDropFactor}`, 'lrDropFactor')
  if (!config.lrMilestones.every((m) => Number.isInteger(m) && m >= 1)) throw badInput('lrMilestones must be epoch numbers (1-based)', 'lrMilestones')
  if (!(config.previewSeconds > 0)) throw badInput(`previewSeconds must be positive, got ${config.previewSeconds}`, 'previewSeconds')
  if (config.inputMean.length !== 3 || !config.inputMean.every(Number.isFinite)) throw badInput('inputMean must be three numbers', 'inputMean')
  const a = config.augment
  for (const field of ['scaleSigma', 'scaleLimit', 'rotationSigma', 'rotationLimit', 'colourJitter'] as const) {
    if (!(a[field] >= 0)) throw badInput(`augment.${field} must be >= 0, got ${a[field]}`, `augment.${field}`)
  }
  if (a.scaleLimit >= 1) throw badInput(`augment.scaleLimit must be below 1, got ${a.scaleLimit}`, 'augment.scaleLimit')
  for (const field of ['rotationProbability', 'flipProbability'] as const) {
    if (!(a[field] >= 0 && a[field] <= 1)) throw badInput(`augment.${field} must be a probability, got ${a[field]}`, `augment.${field}`)
  }
  return config
}

/** The learning rate during `epoch` (1-based). */
export function learningRateAt(config: Pick<TrainConfig, 'learningRate' | 'lrMilestones' | 'lrDropFactor'>, epoch: number): number {
  const drops = config.lrMilestones.filter((m) => epoch >= m).length
  return config.learningRate * config.lrDropFactor ** drops
}
