import { numberOption, parseCommandArgs } from '../args'
import { CliError, type CliCommand } from '../command'
import { formatComparison, SUMMARY_LEGEND } from '../../eval/report-text'
import { PREDICTION_FORMATS_HELP, ruleOption } from './pckh'

const USAGE = `compare --gt GROUND_TRUTH PREDICTIONS_A PREDICTIONS_B [...] [--name NAME ...] [--metric pckh|meanError]
            [--resamples N] [--seed N] [--min-difference X] [--limit N] [--offset PX] [--rule le|lt] [--json]

  Compares two or more prediction files on the same people; the first is the baseline. Prints each one's
  table, the deltas (other - baseline) per group, the Means, PCKh@0.1 and AUC, and a paired per-person
  difference with a seeded bootstrap 95% interval, then the people who got much better or worse.

  --gt FILE            ground truth in the evaluation layout (required)
  --name NAME          a name per predictions file, in order (default: the file names)
  --metric M           per-person score: pckh (default; percent of the person's 14 scored joints within
                       0.5 head sizes, higher is better) or meanError (their mean error in head sizes)
  --resamples N        bootstrap resamples (default 2000); --seed N its seed (default 1)
  --min-difference X   smallest per-person change listed as much better/worse (default 25 points or 0.25)
  --limit N            longest such list (default 20)
  --offset PX, --rule  as for pckh
  --json               print the whole comparison as JSON
${PREDICTION_FORMATS_HELP}`

export const compareCommand: CliCommand = {
  name: 'compare',
  summary: 'Compare prediction files on the same people: per-joint deltas, curves, paired bootstrap interval.',
  usage: USAGE,
  needsProject: false,
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        gt: { type: 'string' },
        name: { type: 'string', multiple: true },
        metric: { type: 'string' },
        resamples: { type: 'string' },
        seed: { type: 'string' },
        'min-difference': { type: 'string' },
        limit: { type: 'string' },
        offset: { type: 'string' },
        rule: { type: 'string' },
        json: { type: 'boolean' }
      },
      USAGE
    )
    if (!values.gt) throw new CliError('compare needs --gt GROUND_TRUTH', 2)
    if (positionals.length < 2) throw new CliError(`compare needs at least two predictions files\nusage: ${USAGE.split('\n')[0]}`, 2)
    const names = values.name ?? []
    if (names.length > positionals.length) throw new CliError(`${names.length} names for ${positionals.length} predictions files`, 2)
    const metric = values.metric ?? 'pckh'
    if (metric !== 'pckh' && metric !== 'meanError') throw new CliError(`--metric must be pckh or meanError, got ${JSON.stringify(metric)}`, 2)
    const offset = numberOption(values.offset, 'offset', 0)
    const comparison = await ctx.call('compareEvaluations', {
      sources: positionals.map((predictions, i) => ({ kind: 'file' as const, predictions, groundTruth: values.gt!, model: names[i], offset })),
      rule: ruleOption(values.rule),
      metric,
      resamples: numberOption(values.resamples, 'resamples'),
      seed: numberOption(values.seed, 'seed'),
      minDifference: numberOption(values['min-difference'], 'min-difference'),
      limit: numberOption(values.limit, 'limit')
    })
    if (values.json) {
      ctx.out(JSON.stringify(comparison, null, 2))
      return
    }
    ctx.out(`${comparison.sets.length} prediction sets on ${comparison.people} people, error ${comparison.rule === 'le' ? '<=' : '<'} threshold`)
    for (const line of formatComparison(comparison)) ctx.out(line)
    ctx.out(SUMMARY_LEGEND)
  }
}
