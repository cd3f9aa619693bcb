import { numberOption, parseCommandArgs } from '../args'
import { CliError, type CliCommand } from '../command'
import { writeFilesAtomically } from '../../eval/write-files'
import { PREDICTION_FORMATS_HELP, ruleOption } from './pckh'

const USAGE = `export-csv --gt GROUND_TRUTH PREDICTIONS [...] --out SUMMARY.csv [--curves CURVES.csv] [--name NAME ...]
            [--offset PX] [--rule le|lt]

  Writes one summary row per predictions file (and, with --curves, their PCKh curves). Files are written
  only when every input scored: an error leaves no file, not even a partial one.

  --gt FILE        ground truth in the evaluation layout (required)
  --out FILE       the summary CSV (required)
  --curves FILE    the curves CSV
  --name NAME      a name per predictions file, in order (default: the file names)
  --offset PX, --rule  as for pckh
${PREDICTION_FORMATS_HELP}`

export const exportCsvCommand: CliCommand = {
  name: 'export-csv',
  summary: 'Write the PCKh summary CSV (one row per predictions file) and optionally the curves CSV.',
  usage: USAGE,
  needsProject: false,
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        gt: { type: 'string' },
        out: { type: 'string' },
        curves: { type: 'string' },
        name: { type: 'string', multiple: true },
        offset: { type: 'string' },
        rule: { type: 'string' }
      },
      USAGE
    )
    if (!values.gt) throw new CliError('export-csv needs --gt GROUND_TRUTH', 2)
    if (!values.out) throw new CliError('export-csv needs --out SUMMARY.csv', 2)
    if (positionals.length < 1) throw new CliError(`export-csv needs at least one predictions file\nusage: ${USAGE.split('\n')[0]}`, 2)
    const names = values.name ?? []
    if (names.length > positionals.length) throw new CliError(`${names.length} names for ${positionals.length} predictions files`, 2)
    const offset = numberOption(values.offset, 'offset', 0)
    const csv = await ctx.call('exportEvaluationCsv', {
      sources: positionals.map((predictions, i) => ({ kind: 'file' as const, predictions, groundTruth: values.gt!, model: names[i], offset })),
      rule: ruleOption(values.rule)
    })
    writeFilesAtomically([{ path: values.out, text: csv.summary.csv }, ...(values.curves ? [{ path: values.curves, text: csv.curves.csv }] : [])])
    ctx.out(`wrote ${values.out}${values.curves ? ` and ${values.curves}` : ''} (${positionals.length} rows)`)
  }
}
