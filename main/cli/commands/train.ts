// `train`: start a run (preset, config file, overrides, fine-tune from a run) or resume one, and follow it
// to the end: a progress bar on a terminal, plain lines otherwise. Ctrl-C stops the run cleanly (the
// trainer finishes its step and saves a checkpoint), so `train --resume <run>` continues it.
import { readFileSync } from 'node:fs'
import type { Params, Payload, RunSummary } from '../../../contract'
import { numberOption, parseCommandArgs } from '../args'
import { CliError, type CliCommand, type CliContext } from '../command'

const USAGE = `train [--preset demo|paper] [--config FILE.json] [--backend auto|tensorflow|webgpu|wasm|cpu]
      [--epochs N] [--batch N] [--lr X] [--steps-per-epoch N] [--name NAME]
      [--from RUN [--checkpoint best|latest|epoch-N|step-N]]
train --resume RUN

  --preset NAME       demo (default; small, minutes on a CPU) or paper (the authors' 2-stack recipe)
  --config FILE       JSON: {"preset": "demo", "model": {"nStack": 2, ...}, "batchSize": 8, ...}: any
                      fields of a run's config (the "config" of 'runs show RUN --json' works as it is);
                      flags override it
  --backend NAME      training engine (default: the backend setting, 'auto' = fastest available)
  --from RUN          fine-tune: start from RUN's checkpoint (best by default) on the current labels
  --resume RUN        continue a stopped or failed run from its latest checkpoint
Ctrl-C stops the run after its current step and saves a checkpoint; resume it with --resume.`

const BAR_WIDTH = 24
const PLAIN_INTERVAL_MS = 10_000

function readConfigFile(path: string): { preset?: string; overrides: Record<string, unknown> } {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new CliError(`${path}: cannot read the config file (${(error as Error).message})`, 2)
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CliError(`${path}: the config must be a JSON object`, 2)
  const { preset, ...overrides } = parsed as Record<string, unknown>
  if (preset !== undefined && typeof preset !== 'string') throw new CliError(`${path}: "preset" must be a string`, 2)
  return { preset: preset as string | undefined, overrides }
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?'
  const s = Math.round(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

const pct = (v: number | null) => (v === null ? '–' : v.toFixed(2))

function progressLine(step: Payload<'trainStep'>, epochs: number): string {
  const done = step.step / step.totalSteps
  const filled = Math.round(done * BAR_WIDTH)
  const eta = ((step.totalSteps - step.step) * step.stepMs) / 1000
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${(done * 100).toFixed(1)}% step ${step.step}/${step.totalSteps} epoch ${step.epoch}/${epochs} loss ${step.loss.toExponential(3)} ${step.imagesPerSecond.toFixed(1)} img/s ETA ${duration(eta)}`
}

/** Follows a run until it ends; resolves to its final summary. */
function follow(ctx: CliContext, run: RunSummary): Promise<RunSummary> {
  return new Promise((resolve, reject) => {
    let lastPlain = 0
    let barShown = false
    let stopping = false
    const clearBar = () => {
      if (barShown) process.stdout.write('\r\x1b[2K')
      barShown = false
    }
    const unsubscribe = ctx.workbench.events.subscribe((name, payload) => {
      if (name === 'trainStep') {
        const step = payload as Payload<'trainStep'>
        if (step.runId !== run.id) return
        if (ctx.interactive) {
          process.stdout.write(`\r\x1b[2K${progressLine(step, run.epochs)}`)
          barShown = true
        } else if (Date.now() - lastPlain >= PLAIN_INTERVAL_MS) {
          lastPlain = Date.now()
          ctx.out(progressLine(step, run.epochs))
        }
      } else if (name === 'trainEpoch') {
        const epoch = payload as Payload<'trainEpoch'>
        if (epoch.runId !== run.id) return
        clearBar()
        ctx.out(
          `epoch ${epoch.epoch}/${run.epochs}: train loss ${epoch.trainLoss?.toExponential(3) ?? '–'}, val loss ${epoch.valLoss?.toExponential(3) ?? '–'}, PCKh@0.5 ${pct(epoch.pckh)} (weighted ${pct(epoch.pckhWeighted)}, ${epoch.valPeople} people), ${duration(epoch.seconds)}`
        )
      } else if (name === 'runStatus') {
        const status = payload as RunSummary
        if (status.id !== run.id) return
        if (status.backend && !run.backend) {
          run = status
          clearBar()
          ctx.out(`${status.id}: training on ${status.backend} (${status.device})`)
        }
        if (status.status === 'completed' || status.status === 'failed' || status.status === 'stopped') {
          clearBar()
          cleanup()
          resolve(status)
        }
      }
    })
    const onSigint = () => {
      if (stopping) return
      stopping = true
      clearBar()
      ctx.err('stopping: the trainer finishes its step and saves a checkpoint (Ctrl-C again quits at once)')
      process.once('SIGINT', () => process.exit(130))
      ctx.call('stopRun', { runId: run.id }).catch((error: Error) => {
        cleanup()
        reject(error)
      })
    }
    process.on('SIGINT', onSigint)
    const cleanup = () => {
      unsubscribe()
      process.off('SIGINT', onSigint)
    }
  })
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'Train a PyraNet on the open project (a preset, a config file, or fine-tuned from a run), or resume a run.',
  usage: USAGE,
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        preset: { type: 'string' },
        config: { type: 'string' },
        backend: { type: 'string' },
        epochs: { type: 'string' },
        batch: { type: 'string' },
        lr: { type: 'string' },
        'steps-per-epoch': { type: 'string' },
        name: { type: 'string' },
        from: { type: 'string' },
        checkpoint: { type: 'string' },
        resume: { type: 'string' }
      },
      USAGE
    )
    if (positionals.length) throw new CliError(`unexpected argument ${JSON.stringify(positionals[0])}\nusage: ${USAGE.split('\n')[0]}`, 2)
    let run: RunSummary
    if (values.resume) {
      const others = Object.keys(values).filter((k) => k !== 'resume' && values[k as keyof typeof values] !== undefined)
      if (others.length) throw new CliError(`--resume takes no other options (a run keeps its config); got --${others[0]}`, 2)
      run = await ctx.call('resumeRun', { runId: values.resume })
      ctx.out(`${run.id} resumes at step ${run.step}${run.totalSteps ? ` of ${run.totalSteps}` : ''}`)
    } else {
      const file = values.config ? readConfigFile(values.config) : { preset: undefined, overrides: {} }
      const overrides: Record<string, unknown> = { ...file.overrides }
      const epochs = numberOption(values.epochs, 'epochs')
      const batch = numberOption(values.batch, 'batch')
      const lr = numberOption(values.lr, 'lr')
      const stepsPerEpoch = numberOption(values['steps-per-epoch'], 'steps-per-epoch')
      if (epochs !== undefined) overrides.epochs = epochs
      if (batch !== undefined) overrides.batchSize = batch
      if (lr !== undefined) overrides.learningRate = lr
      if (stepsPerEpoch !== undefined) overrides.stepsPerEpoch = stepsPerEpoch
      const preset = values.preset ?? file.preset
      if (values.checkpoint && !values.from) throw new CliError('--checkpoint needs --from RUN', 2)
      // the api validates every field and names the one at fault
      run = await ctx.call('startRun', {
        preset: preset as Params<'startRun'>['preset'],
        name: values.name,
        backend: values.backend as Params<'startRun'>['backend'],
        overrides: overrides as Params<'startRun'>['overrides'],
        fromRun: values.from,
        fromCheckpoint: values.checkpoint
      })
      ctx.out(`${run.id} (${run.name}): ${run.trainPeople} training and ${run.valPeople} validation people at label mark ${run.labelMark}${run.status === 'queued' ? ' — queued' : ''}`)
    }
    const final = await follow(ctx, run)
    if (final.status === 'completed') {
      ctx.out(`${final.id} completed: ${final.step} steps, best PCKh@0.5 ${pct(final.bestPckh)}, ${duration(final.trainSeconds)} of training`)
      return 0
    }
    if (final.status === 'stopped') {
      ctx.out(`${final.id} stopped at step ${final.step}; continue with: train --resume ${final.id}`)
      return 130
    }
    ctx.err(`${final.id} failed: ${final.error ?? 'unknown error'}`)
    ctx.err(`its last checkpoint stays usable: train --resume ${final.id}`)
    return 1
  }
}
