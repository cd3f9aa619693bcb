// The synthetic demo data: people drawn in real MPII poses, written in MPII's formats. A new user gets
// it as the demo project; benchmarks and tests generate sets of any size.
import { z } from 'zod'
import { request } from './define'
import { ProjectSummarySchema } from './system'

const SplitCountsSchema = z.object({ train: z.number().int(), val: z.number().int() })

const DemoSizeSchema = z.object({
  /** People in the whole set, train and val together (the workbench's default when left out: 2,000). */
  people: z.number().int().min(1).max(200_000).optional(),
  /** Same seed, same files (default 1). */
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  /** Share of people in validation images, 0 to 0.9 (default 0.2). */
  valFraction: z.number().min(0).max(0.9).optional()
})

export const DemoSetSummarySchema = z.object({
  dir: z.string(),
  seed: z.number().int(),
  images: SplitCountsSchema,
  people: SplitCountsSchema,
  seconds: z.number()
})
export type DemoSetSummary = z.infer<typeof DemoSetSummarySchema>

export const demoRequests = {
  generateDemoSet: request(
    'Renders a synthetic MPII data set into a folder: images/, MMPose JSON and pose-hg-train h5 annotations per split. Runs as a task with progress.',
    DemoSizeSchema.extend({ out: z.string().min(1) }),
    DemoSetSummarySchema
  ),
  createDemoProject: request(
    'Creates the demo project in the data folder (or finds the one made before), imports its annotations like any MPII file and opens it. Runs as a task with progress.',
    DemoSizeSchema,
    ProjectSummarySchema
  )
}
