import { numberOption, parseCommandArgs } from '../args'
import { CliError, type CliCommand } from '../command'
import { formatComparison, SUMMARY_LEGEND } from '../../eval/report-text'
import { PREDICTION_FORMATS_HELP, ruleOption } from './pckh'
import type { EvaluationSource } from '../../../contract'

/** `set:ID` and `run:ID` name the open project's prediction sets; anything else is a predictions file. */
export function sourceOf(
  token: string,
  { groundTruth, model, offset, split = 'val' }: { groundTruth?: string; model?: string; offset?: number; split?: string }
): EvaluationSource {
  const project = /^(set|run):(.+)$/.exec(token)
  if (project?.[1] === 'set') {
    const id = Number(project[2])
    if (!Number.isInteger(id)) throw new CliError(`${token}: set:ID needs a numeric prediction set id`, 2)
    return { kind: 'predictionSet', id }
  }
  if (project?.[1] === 'run') return { kind: 'run', runId: project[2], split }
  if (!groundTruth) throw new CliError(`${token}: a predictions file needs --gt GROUND_TRUTH`, 2)
  return { kind: 'file', predictions: token, groundTruth, model, offset: offset ?? 0 }
}

const USAGE = `compare [--gt GROUND_TRUTH] SOURCE_A SOURCE_B [...] [--name NAME ...] [--metric pckh|meanError]
            [--resamples N] [--seed N] [--min-difference X] [--limit N] [--offset PX] [--rule le|lt] [--json]

  A SOURCE is a predictions file (scored against --gt), set:ID (a prediction set of the open project) or
  run:ID (a run's latest set on --split, default val; project sets are scored against the split's labels).
  Compares two or more sources on the same people; the first is the baseline. Prints each one's
  table, the deltas (other - baseline) per group, the Means, PCKh@0.1 and AUC, and a paired per-person
  difference with a seeded bootstrap 95% interval, then the people who got much better or worse.

  --gt FILE            ground truth in the evaluation layout (for predictions files)
  --name NAME          a name per predictions file, in order (default: the file names)
  --split NAME         the split of run:ID sources (default val)
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
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        gt: { type: 'string' },
        split: { type: 'string' },
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
    if (positionals.length < 2) throw new CliError(`compare needs at least two sources\nusage: ${USAGE.split('\n')[0]}`, 2)
    const names = values.name ?? []
    if (names.length > positionals.length) throw new CliError(`${names.length} names for ${positionals.length} sources`, 2)
    const metric = values.metric ?? 'pckh'
    if (metric !== 'pckh' && metric !== 'meanError') throw new CliError(`--metric must be pckh or meanError, got ${JSON.stringify(metric)}`, 2)
    const offset = numberOption(values.offset, 'offset', 0)
    const comparison = await ctx.call('compareEvaluations', {
      sources: positionals.map((token, i) => sourceOf(token, { groundTruth: values.gt, model: names[i], offset, split: values.split })),
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
