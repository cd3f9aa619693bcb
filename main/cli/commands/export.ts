import { SplitSchema } from '../../../contract'
import { numberOption, parseCommandArgs } from '../args'
import { CliError, type CliCommand } from '../command'
import { parseEnum, withProgress } from './import'

const USAGE = [
  'export FILE [--format mmpose-json|pose-h5] [--split S] [--as-of MARK]',
  '',
  "Writes the open project's current annotations: HRNet/MMPose JSON (.json) or the pose-hg-train h5",
  'layout (.h5); the format follows the extension unless --format says it.',
  '  --split S      only images of split S (train, val, test)',
  '  --as-of MARK   the labels as they were at a label mark (what a training run recorded)'
].join('\n')

export const exportCommand: CliCommand = {
  name: 'export',
  summary: "Export the project's annotations as MMPose JSON or pose-hg h5.",
  usage: USAGE,
  needsProject: true,
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(argv, { format: { type: 'string' }, split: { type: 'string' }, 'as-of': { type: 'string' } }, USAGE)
    if (positionals.length !== 1) throw new CliError(`export takes one file\nusage: ${USAGE.split('\n')[0]}`, 2)
    const file = positionals[0]
    const byExtension = file.toLowerCase().endsWith('.json') ? 'mmpose-json' : /\.(h5|hdf5)$/i.test(file) ? 'pose-h5' : undefined
    const format = values.format === undefined ? byExtension : parseEnum(['mmpose-json', 'pose-h5'] as const, values.format, 'format')
    if (!format) throw new CliError('cannot tell the format from the file name: pass --format mmpose-json or --format pose-h5', 2)
    const split = values.split === undefined ? undefined : parseEnum(SplitSchema.options, values.split, 'split')
    const asOf = numberOption(values['as-of'], 'as-of')
    const summary = await withProgress(ctx, 'export', () => ctx.call('exportAnnotations', { file, format, split, asOf }))
    ctx.out(`wrote ${summary.people} people in ${summary.images} images to ${summary.file} (${summary.format})`)
    if (summary.skipped) ctx.out(`  skipped ${summary.skipped} people without a centre or scale`)
  }
}
