import type { Progress } from '../../../contract'
import { AnnotationFormatSchema, SplitSchema } from '../../../contract'
import { parseCommandArgs } from '../args'
import { CliError, type CliCommand, type CliContext } from '../command'

const USAGE = [
  'import FILE [--images DIR] [--format F] [--split S] [--names FILE] [--project DIR | --create NAME]',
  '',
  'Imports MPII annotations into the project (all or nothing) and prints what was added and refused.',
  'FILE: the official release .mat, detections.mat, a pose-hg-train .h5, HRNet/MMPose JSON or bearpaw',
  "mpii_annotations.json; the format is detected unless --format says it (mpii-release, mpii-detections,",
  'pose-h5, mmpose-json, bearpaw-json).',
  '  --images DIR     the folder holding the images (missing images are listed, not fatal)',
  '  --split S        put every image of the file in split S (train, val, test)',
  '  --names FILE     detections.mat: image names, one per person (default: valid_images.txt beside it)',
  '  --project DIR    import into the project in DIR (default: the last opened project)',
  '  --create NAME    create a project named NAME in the data folder and import into it'
].join('\n')

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import MPII annotations (.mat, .h5, .json) and an images folder into a project.',
  usage: USAGE,
  needsProject: false,
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { images: { type: 'string' }, format: { type: 'string' }, split: { type: 'string' }, names: { type: 'string' }, project: { type: 'string' }, create: { type: 'string' } },
      USAGE
    )
    if (positionals.length !== 1) throw new CliError(`import takes one file\nusage: ${USAGE.split('\n')[0]}`, 2)
    const format = values.format === undefined ? undefined : parseEnum(AnnotationFormatSchema.options, values.format, 'format')
    const split = values.split === undefined ? undefined : parseEnum(SplitSchema.options, values.split, 'split')
    await chooseProject(ctx, values.project, values.create)
    const summary = await withProgress(ctx, 'import', () =>
      ctx.call('importAnnotations', { file: positionals[0], format, split, imagesDir: values.images, imageNames: values.names })
    )
    ctx.out(`${summary.file} (${summary.format}) in ${(summary.durationMs / 1000).toFixed(1)} s`)
    ctx.out(`  added     ${summary.imagesAdded} images, ${summary.peopleAdded} people, ${summary.jointsAdded} annotated joints`)
    if (summary.imagesExisting) ctx.out(`  existing  ${summary.imagesExisting} images already in the project`)
    if (summary.duplicates) ctx.out(`  known     ${summary.duplicates} people already in the project${summary.headBoxesFilled ? ` (${summary.headBoxesFilled} head boxes filled in)` : ''}`)
    const refusals = summary.refused.filter((r) => r.reason !== 'already in the project')
    if (refusals.length) {
      ctx.out(`  refused   ${summary.refusedCount - summary.duplicates + summary.headBoxesFilled} items:`)
      for (const r of refusals.slice(0, 20)) ctx.out(`    ${r.item}: ${r.reason}`)
      if (refusals.length > 20) ctx.out(`    … (${refusals.length - 20} more listed in the import record)`)
    }
    if (summary.imagesFolder) {
      const f = summary.imagesFolder
      ctx.out(`  images    ${f.present} found in ${f.dir}, ${f.missing} missing${f.missing ? `: ${f.missingNames.slice(0, 5).join(', ')}${f.missing > 5 ? ', …' : ''}` : ''}`)
    }
    ctx.out(`  label mark ${summary.mark}`)
  }
}

export function parseEnum<T extends string>(options: readonly T[], value: string, name: string): T {
  if (!(options as readonly string[]).includes(value)) throw new CliError(`--${name} must be one of ${options.join(', ')}; got ${JSON.stringify(value)}`, 2)
  return value as T
}

/** Opens the project named by --project, creates one for --create, else the last opened one. */
export async function chooseProject(ctx: CliContext, dir: string | undefined, create: string | undefined): Promise<void> {
  if (dir && create) throw new CliError('give --project or --create, not both', 2)
  if (dir) await ctx.call('openProject', { path: dir })
  else if (create) await ctx.call('createProject', { name: create })
  else await ctx.workbench.openLastProject()
  const { project } = await ctx.call('status', {})
  if (!project) throw new CliError('no project is open: pass --project DIR or --create NAME', 2)
  ctx.err(`project ${project.name} (${project.path})`)
}

/** Runs a call that starts a task of `kind`, showing its progress on stderr. */
export async function withProgress<T>(ctx: CliContext, kind: string, work: () => Promise<T>): Promise<T> {
  let lastStage = ''
  const unsubscribe = ctx.workbench.events.subscribe((name, payload) => {
    if (name !== 'progress') return
    const progress = payload as Progress
    if (progress.kind !== kind || progress.state !== 'running' || progress.stage === 'starting') return
    if (ctx.interactive) process.stderr.write(`\r${progress.stage} ${progress.total ? `${progress.done}/${progress.total}` : ''}   `)
    else if (progress.stage !== lastStage) ctx.err(progress.stage)
    lastStage = progress.stage
  })
  try {
    return await work()
  } finally {
    unsubscribe()
    if (ctx.interactive && lastStage) process.stderr.write('\n')
  }
}
