import { numberOption, parseCommandArgs } from '../args'
import { CliError, type CliCommand } from '../command'
import { writeFilesAtomically } from '../../eval/write-files'
import { sourceOf } from './compare'
import { PREDICTION_FORMATS_HELP, ruleOption } from './pckh'

const USAGE = `export-csv [--gt GROUND_TRUTH] SOURCE [...] --out SUMMARY.csv [--curves CURVES.csv] [--name NAME ...]
            [--offset PX] [--split NAME] [--rule le|lt]

  Writes one summary row per source (and, with --curves, their PCKh curves). A SOURCE is a predictions
  file (scored against --gt), set:ID or run:ID (the open project's prediction sets, as for compare).
  Files are written only when every source scored: an error leaves no file, not even a partial one.

  --gt FILE        ground truth in the evaluation layout (for predictions files)
  --out FILE       the summary CSV (required)
  --curves FILE    the curves CSV
  --name NAME      a name per predictions file, in order (default: the file names)
  --split NAME     the split of run:ID sources (default val)
  --offset PX, --rule  as for pckh
${PREDICTION_FORMATS_HELP}`

export const exportCsvCommand: CliCommand = {
  name: 'export-csv',
  summary: 'Write the PCKh summary CSV (one row per predictions file or prediction set) and optionally the curves CSV.',
  usage: USAGE,
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        gt: { type: 'string' },
        split: { type: 'string' },
        out: { type: 'string' },
        curves: { type: 'string' },
        name: { type: 'string', multiple: true },
        offset: { type: 'string' },
        rule: { type: 'string' }
      },
      USAGE
    )
    if (!values.out) throw new CliError('export-csv needs --out SUMMARY.csv', 2)
    if (positionals.length < 1) throw new CliError(`export-csv needs at least one source\nusage: ${USAGE.split('\n')[0]}`, 2)
    const names = values.name ?? []
    if (names.length > positionals.length) throw new CliError(`${names.length} names for ${positionals.length} sources`, 2)
    const offset = numberOption(values.offset, 'offset', 0)
    const csv = await ctx.call('exportEvaluationCsv', {
      sources: positionals.map((token, i) => sourceOf(token, { groundTruth: values.gt, model: names[i], offset, split: values.split })),
      rule: ruleOption(values.rule)
    })
    writeFilesAtomically([{ path: values.out, text: csv.summary.csv }, ...(values.curves ? [{ path: values.curves, text: csv.curves.csv }] : [])])
    ctx.out(`wrote ${values.out}${values.curves ? ` and ${values.curves}` : ''} (${positionals.length} rows)`)
  }
}
