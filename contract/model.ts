// The network itself, independent of any project: how big a PyraNet configuration is and what it is made of
// (the train form shows it as the user picks options; the CLI's `model` command prints it).
import { z } from 'zod'
import { request } from './define'
import { ModelConfigSchema } from './train'

export const ModelPresetNameSchema = z.enum(['paper', 'paper8', 'demo'])

export const LayerRowSchema = z.object({
  /** PyTorch module path: `stem.res1`, `hg.0.low2.up1.0`, `heads.1`. */
  name: z.string(),
  /** 'PRM-B', 'Residual', 'Conv7x7/2+BN', 'Head' … */
  type: z.string(),
  inChannels: z.number().int(),
  outChannels: z.number().int(),
  /** Side of the feature map the module works on, in pixels. */
  res: z.number().int(),
  params: z.number().int(),
  /** Conv multiply-accumulates per image. */
  macs: z.number()
})
export type LayerRow = z.infer<typeof LayerRowSchema>

export const ModelDescriptionSchema = z.object({
  /** The full configuration described (the preset with the given fields overridden). */
  config: ModelConfigSchema,
  params: z.number().int(),
  /** Conv multiply-accumulates per image (the figure pose papers call "FLOPs"). */
  macs: z.number(),
  /** 2 x macs. */
  flops: z.number(),
  prmCount: z.number().int(),
  residualCount: z.number().int(),
  heatmapRes: z.number().int(),
  rows: z.array(LayerRowSchema)
})
export type ModelDescription = z.infer<typeof ModelDescriptionSchema>

export const modelRequests = {
  describeModel: request(
    'Size (parameters), conv multiply-adds per image and the module table of a PyraNet configuration: a preset (default "paper", the authors’ 2-stack model) with any fields overridden.',
    ModelConfigSchema.partial().extend({ preset: ModelPresetNameSchema.optional() }),
    ModelDescriptionSchema
  )
}
