// `runs`: the open project's training runs (list, show one, delete one).
import type { RunDetail, RunSummary } from '../../../contract'
import { parseCommandArgs } from '../args'
import { CliError, type CliCommand } from '../command'

const USAGE = `runs [list] [--json]
runs show RUN [--json]
runs delete RUN

  list     every run, newest first: status, backend, progress, PCKh@0.5, the label mark it trained on and
           the label edits made since
  show     one run: config, per-epoch metrics, checkpoints
  delete   a run that is not in progress, with its checkpoints`

const pct = (v: number | null) => (v === null ? '–' : v.toFixed(2))

function modelText(run: RunSummary): string {
  const m = run.model
  return `${m.variant === 'residual' ? 'HG' : `PRM-${m.variant}`} s${m.nStack} f${m.nFeats} ${m.inputRes}px`
}

function listTable(runs: RunSummary[]): string[] {
  if (runs.length === 0) return ['no runs yet: start one with `train`']
  const rows = runs.map((r) => [
    r.id,
    r.status,
    r.name,
    modelText(r),
    r.backend ?? `(${r.backendRequested})`,
    `${r.step}/${r.totalSteps ?? '?'}`,
    `${r.epochsDone}/${r.epochs}`,
    pct(r.bestPckh),
    String(r.labelMark),
    String(r.editsSince)
  ])
  const header = ['run', 'status', 'name', 'model', 'backend', 'steps', 'epochs', 'best PCKh', 'labels', 'edits since']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()
  return [line(header), ...rows.map(line)]
}

function detailText(run: RunDetail): string[] {
  const lines = [
    `${run.id}  ${run.name}  [${run.status}]`,
    `model       ${modelText(run)}  batch ${run.batchSize}  lr ${run.config.learningRate}  preset ${run.preset}`,
    `engine      ${run.backend ? `${run.backend} (${run.device})` : `not started (asked for ${run.backendRequested})`}`,
    `data        ${run.trainPeople} train / ${run.valPeople} val people at label mark ${run.labelMark} (${run.editsSince} edits on ${run.peopleChangedSince} people since)`,
    `progress    step ${run.step}/${run.totalSteps ?? '?'}, epoch ${run.epochsDone}/${run.epochs}, ${Math.round(run.trainSeconds)} s of training`
  ]
  if (run.fromRun || run.fromCheckpoint) lines.push(`fine-tuned  from ${run.fromRun ?? '(deleted run)'} ${run.fromCheckpoint ?? ''}`)
  if (run.error) lines.push(`error       ${run.error}`)
  if (run.epochList.length) {
    lines.push('', 'epoch   step  train loss    val loss  PCKh@0.5  weighted  seconds')
    for (const e of run.epochList) {
      lines.push(
        `${String(e.epoch).padStart(5)} ${String(e.step).padStart(6)}  ${(e.trainLoss?.toExponential(3) ?? '–').padStart(10)}  ${(e.valLoss?.toExponential(3) ?? '–').padStart(10)}  ${pct(e.pckh).padStart(8)}  ${pct(e.pckhWeighted).padStart(8)}  ${e.seconds.toFixed(0).padStart(7)}`
      )
    }
  }
  if (run.checkpoints.length) {
    lines.push('', 'checkpoints')
    for (const c of run.checkpoints) lines.push(`  step ${c.step} (epoch ${c.epoch}, ${c.reason}${c.pckh === null ? '' : `, PCKh ${pct(c.pckh)}`})  ${c.path}`)
  }
  return lines
}

export const runsCommand: CliCommand = {
  name: 'runs',
  summary: "List the open project's training runs, show one, or delete one.",
  usage: USAGE,
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } }, USAGE)
    const [action = 'list', runId, ...extra] = positionals
    if (extra.length) throw new CliError(`unexpected argument ${JSON.stringify(extra[0])}\nusage: ${USAGE.split('\n')[0]}`, 2)
    if (action === 'list') {
      const { runs } = await ctx.call('listRuns', {})
      if (values.json) ctx.out(JSON.stringify(runs, null, 2))
      else for (const line of listTable(runs)) ctx.out(line)
      return
    }
    if (!runId) throw new CliError(`runs ${action} needs a run id (see 'runs list')`, 2)
    if (action === 'show') {
      const run = await ctx.call('getRun', { runId })
      if (values.json) ctx.out(JSON.stringify(run, null, 2))
      else for (const line of detailText(run)) ctx.out(line)
      return
    }
    if (action === 'delete') {
      await ctx.call('deleteRun', { runId })
      ctx.out(`deleted ${runId}`)
      return
    }
    throw new CliError(`unknown action ${JSON.stringify(action)} (list, show, delete)`, 2)
  }
}
