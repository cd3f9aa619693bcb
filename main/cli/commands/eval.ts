import type { EvaluationSource, Payload, Result } from '../../../contract'
import { formatSummary, SUMMARY_LEGEND } from '../../eval/report-text'
import { writeFilesAtomically } from '../../eval/write-files'
import { numberOption, parseCommandArgs } from '../args'
import { CliError, type CliCommand, type CliContext } from '../command'
import { PREDICTION_FORMATS_HELP, ruleOption } from './pckh'

const USAGE = `eval (--run ID [--checkpoint best|latest|epoch-N|step-N] | --checkpoint DIR | --set ID | --import FILE
      | --list | --history ID) [options]

  In the open project:
  --run ID           run the run's checkpoint (--checkpoint: best by default) over a split with the flip test,
                     store the predictions as a prediction set of the run, score them against the split's
                     labels and record the score
  --checkpoint DIR   the same with a checkpoint folder (config.json + model.safetensors) of no run
  --set ID           score a stored prediction set against its split's labels now (--as-of MARK: at a label
                     revision; --record: keep the result in the set's history)
  --import FILE      store a predictions file as a prediction set of --split (rows = the split's people in
                     id order, i.e. import order; Tompson's for MPII val), then score it
  --list             the project's prediction sets with their latest recorded scores (--run, --split filter)
  --history ID       a set's recorded scores over label revisions

  options: --split NAME (default val)  --name NAME  --no-flip  --official (truncate coordinates as the
           authors' code)  --batch N  --offset PX (import)  --rule le|lt  --csv FILE  --curves FILE  --json
${PREDICTION_FORMATS_HELP}`

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: "Evaluate a run's checkpoint or a stored prediction set on a split of the open project (PCKh, recorded).",
  usage: USAGE,
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        checkpoint: { type: 'string' },
        set: { type: 'string' },
        run: { type: 'string' },
        import: { type: 'string' },
        list: { type: 'boolean' },
        history: { type: 'string' },
        split: { type: 'string' },
        name: { type: 'string' },
        'no-flip': { type: 'boolean' },
        official: { type: 'boolean' },
        batch: { type: 'string' },
        offset: { type: 'string' },
        'as-of': { type: 'string' },
        record: { type: 'boolean' },
        rule: { type: 'string' },
        csv: { type: 'string' },
        curves: { type: 'string' },
        json: { type: 'boolean' }
      },
      USAGE
    )
    if (positionals.length) throw new CliError(`eval takes no positional arguments (got ${positionals.join(' ')})\nusage: ${USAGE.split('\n')[0]}`, 2)
    const modes = (['set', 'import', 'list', 'history'] as const).filter((m) => values[m] !== undefined)
    const inference = !values.list && (values.run !== undefined || values.checkpoint !== undefined)
    if (modes.length + (inference ? 1 : 0) > 1) throw new CliError(`choose one of --run/--checkpoint, --set, --import, --list, --history`, 2)
    const rule = ruleOption(values.rule)
    const split = values.split ?? 'val'
    const print = (value: unknown) => ctx.out(JSON.stringify(value, null, 2))

    if (values.list) {
      const sets = await ctx.call('listPredictionSets', { runId: values.run, split: values.split })
      if (values.json) return print(sets)
      if (!sets.length) return ctx.out('no prediction sets in this project')
      for (const s of sets) {
        const score = s.latest ? `Mean ${s.latest.mean?.toFixed(2) ?? '-'}  WMean ${s.latest.weightedMean?.toFixed(2) ?? '-'} (labels @${s.latest.labelMark})` : 'not scored yet'
        const origin = s.runId ? `run ${s.runId}` : s.kind === 'run' ? 'checkpoint' : 'imported'
        ctx.out(`${String(s.id).padStart(4)}  ${s.name}  [${origin}, ${s.split}, ${s.people} people]  ${score}`)
      }
      return
    }
    if (values.history) {
      const history = await ctx.call('evaluationHistory', { id: integer(values.history, 'history') })
      if (values.json) return print(history)
      for (const h of history) ctx.out(`labels @${h.labelMark}  ${h.at}  Mean ${h.mean?.toFixed(2) ?? '-'}  WMean ${h.weightedMean?.toFixed(2) ?? '-'}  AUC ${h.auc?.toFixed(2) ?? '-'}  (${h.rule})`)
      return
    }

    let source: EvaluationSource
    if (inference) {
      const unsubscribe = values.json ? () => {} : followProgress(ctx)
      try {
        const { set } = await ctx.call('evaluateRun', {
          source: values.run ? { kind: 'run', runId: values.run, checkpoint: values.checkpoint ?? 'best' } : { kind: 'checkpoint', path: values.checkpoint! },
          split,
          name: values.name,
          flip: !values['no-flip'],
          rounding: values.official ? 'official' : 'float',
          batchSize: numberOption(values.batch, 'batch'),
          rule
        })
        source = { kind: 'predictionSet', id: set.id }
      } finally {
        unsubscribe()
      }
    } else if (values.import) {
      const set = await ctx.call('importPredictions', { path: values.import, split, name: values.name, offset: numberOption(values.offset, 'offset', 0) })
      ctx.err(`stored as prediction set ${set.id}`)
      source = { kind: 'predictionSet', id: set.id }
    } else if (values.set) {
      source = { kind: 'predictionSet', id: integer(values.set, 'set'), asOf: asOf(values['as-of']) }
    } else {
      throw new CliError(`eval needs one of --run, --checkpoint, --set, --import, --list, --history\nusage: ${USAGE.split('\n')[0]}`, 2)
    }
    const evaluation = await ctx.call('getEvaluation', { source, rule, record: Boolean(values.record || values.import) })
    await writeCsv(ctx, source, rule, values.csv, values.curves)
    if (values.json) return print(evaluation)
    printEvaluation(ctx, evaluation)
  }
}

function printEvaluation(ctx: CliContext, evaluation: Result<'getEvaluation'>): void {
  const { report, identity } = evaluation
  ctx.out(`${evaluation.predictions} against ${evaluation.groundTruth}: ${report.people} people, error ${report.rule === 'le' ? '<=' : '<'} threshold`)
  const facts = [identity.variant && `variant ${identity.variant}`, identity.stacks && `${identity.stacks} stacks`, identity.epochs && `${identity.epochs} epochs`]
  if (facts.some(Boolean)) ctx.out(facts.filter(Boolean).join(', '))
  for (const line of formatSummary([evaluation])) ctx.out(line)
  ctx.out(SUMMARY_LEGEND)
}

async function writeCsv(ctx: CliContext, source: EvaluationSource, rule: 'le' | 'lt', summary?: string, curves?: string): Promise<void> {
  if (!summary && !curves) return
  const csv = await ctx.call('exportEvaluationCsv', { sources: [source], rule })
  writeFilesAtomically([...(summary ? [{ path: summary, text: csv.summary.csv }] : []), ...(curves ? [{ path: curves, text: csv.curves.csv }] : [])])
}

/** Prints the evaluation task's progress on stderr, a line per stage and every tenth of the way. */
function followProgress(ctx: CliContext): () => void {
  let lastStage = ''
  let lastTenth = -1
  return ctx.workbench.events.subscribe((name, payload) => {
    if (name !== 'progress') return
    const p = payload as Payload<'progress'>
    if (p.kind !== 'evaluate') return
    const tenth = p.total ? Math.floor((10 * p.done) / p.total) : 0
    if (p.stage === lastStage && tenth === lastTenth && p.state === 'running') return
    lastStage = p.stage
    lastTenth = tenth
    ctx.err(`${p.stage} ${p.done}/${p.total}${p.state === 'running' ? '' : ` (${p.state})`}`)
  })
}

function integer(value: string, name: string): number {
  const n = Number(value)
  if (!Number.isInteger(n)) throw new CliError(`--${name} must be an integer, got ${JSON.stringify(value)}`, 2)
  return n
}

function asOf(value: string | undefined): number | undefined {
  return value === undefined ? undefined : integer(value, 'as-of')
}
