// A network's predictions for the people of one image, for the annotation editor: the predicted skeleton
// with per-joint confidence, and each joint's heatmap (quantised to bytes) placed on the image, computed
// on the main side with the same crop, flip test and decoding evaluation uses.
import { z } from 'zod'
import { request } from './define'

export const PredictionSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('run'),
    runId: z.string().min(1),
    /** 'best' (default), 'latest', 'epoch-N' or 'step-N'. */
    checkpoint: z.string().regex(/^(best|latest|epoch-\d+|step-\d+)$/, "'best', 'latest', 'epoch-N' or 'step-N'").default('best')
  }),
  /** A checkpoint folder (config.json + model.safetensors), e.g. one copied from another machine. */
  z.object({ kind: z.literal('checkpoint'), path: z.string().min(1) })
])
export type PredictionSource = z.infer<typeof PredictionSourceSchema>

export const PersonPredictionSchema = z.object({
  personId: z.number().int(),
  /** 16 in MPII order; MPII 1-based coordinates; confidence is the heatmap maximum (about 0..1). */
  joints: z.array(z.object({ x: z.number(), y: z.number(), confidence: z.number() })).length(16),
  /** Side of each heatmap (input resolution / 4). */
  heatmapSize: z.number().int(),
  /**
   * base64 of 16 × heatmapSize × heatmapSize bytes, joint-major (MPII order), row-major within a map;
   * value = clamp(h, 0, 1) · 255. Absent when the request asked for no heatmaps.
   */
  heatmaps: z.string().nullable(),
  /** MPII coordinates of the heatmaps' top-left corner, and image pixels per heatmap pixel. */
  origin: z.object({ x: z.number(), y: z.number() }),
  pixel: z.number()
})
export type PersonPrediction = z.infer<typeof PersonPredictionSchema>

export const ImagePredictionsSchema = z.object({
  imageId: z.number().int(),
  /** The checkpoint folder used, and a short name for the history ("run 3 · epoch 12"). */
  checkpoint: z.string(),
  label: z.string(),
  inputRes: z.number().int(),
  flip: z.boolean(),
  people: z.array(PersonPredictionSchema),
  /** People that could not be cropped (no centre or scale). */
  skipped: z.array(z.object({ personId: z.number().int(), reason: z.string() })),
  milliseconds: z.number()
})
export type ImagePredictions = z.infer<typeof ImagePredictionsSchema>

export const predictionsRequests = {
  predictImage: request(
    "Runs a run's checkpoint (or a checkpoint folder) on the people of an image: predicted joints with " +
      'confidence, and the heatmaps of every joint. The network stays loaded for the next image.',
    z.object({
      imageId: z.number().int().positive(),
      source: PredictionSourceSchema,
      /** Only these people (default: all of the image). */
      personIds: z.array(z.number().int().positive()).max(64).optional(),
      flip: z.boolean().default(true),
      heatmaps: z.boolean().default(true)
    }),
    ImagePredictionsSchema
  )
}
