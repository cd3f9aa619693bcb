// PyraNet in TensorFlow.js: what other rooms use. Every module here runs on tfjs-core ops only, so on any
// backend; gradients need tfjs-core's gradient registry loaded (main/engine does that).
export { paperConfig, presets, validateConfig, PRM_VARIANTS, type PresetName, type PrmVariant, type PyraNetConfig } from './config'
export { createPyraNet, heatmapLoss, PyraNet, type ApplyOptions, type CreateOptions } from './pyranet'
export { fixedPoolSampler, randomPoolSampler, tablePoolSampler, type PoolSampler, type PoolSamples } from './fractional-max-pool'
export { describeModel, flopsPerImage, type LayerRow, type ModelDescription } from './flops'
export { authorsRmsprop, RMSprop, type RmspropOptions } from './rmsprop'
export { renderTargets, TARGET_RADIUS, TARGET_SIGMA } from './heatmaps'
export { decodeHeatmaps, flipHeatmapsBack, flipPermutation, flipTest, MPII_FLIP_PAIRS, peakToImage, type HeatmapPeak, type Rounding } from './decode'
export { applyAffine, cropToImage, cropTransform, imageToCrop, invertAffine, type Affine, type Point } from './crop-transform'
export { CHECKPOINT_FILES, CHECKPOINT_FORMAT, loadCheckpoint, loadModelState, modelStateDict, readCheckpointInfo, saveCheckpoint } from './checkpoint'
export type { BnWeightInit } from './layers'
