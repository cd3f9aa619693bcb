import type { Progress } from '../../../contract'
import { parseCommandArgs, numberOption } from '../args'
import { CliError, type CliCommand } from '../command'

const USAGE = [
  'demo --out DIR [--people N] [--seed S] [--val-fraction F]',
  '',
  'Writes a synthetic MPII data set to DIR: images/*.jpg, annotations/mpii_{train,val}.json (MMPose/HRNet',
  'layout), annotations/{train,valid}.h5 (pose-hg-train layout) and demo-set.json. People are drawn in',
  'real MPII poses; the same seed gives the same files. Defaults: 2000 people, seed 1, val fraction 0.2.',
  '',
  '  demo --project   creates the demo project in the data folder instead (and opens it)'
].join('\n')

export const demoCommand: CliCommand = {
  name: 'demo',
  summary: 'Generate a synthetic MPII-format data set (or the demo project) from real MPII poses.',
  usage: USAGE,
  needsProject: false,
  async run(ctx, argv) {
    const { values } = parseCommandArgs(argv, {
      out: { type: 'string' },
      people: { type: 'string' },
      seed: { type: 'string' },
      'val-fraction': { type: 'string' },
      project: { type: 'boolean' }
    }, USAGE)
    const size = {
      people: numberOption(values.people, 'people'),
      seed: numberOption(values.seed, 'seed'),
      valFraction: numberOption(values['val-fraction'], 'val-fraction')
    }
    let lastStage = ''
    const unsubscribe = ctx.workbench.events.subscribe((name, payload) => {
      if (name !== 'progress') return
      const progress = payload as Progress
      if (progress.kind !== 'demo' || progress.state !== 'running' || progress.stage === 'starting') return
      const line = `${progress.stage} ${progress.done}/${progress.total}`
      if (ctx.interactive) process.stdout.write(`\r${line}   `)
      else if (progress.stage !== lastStage) ctx.out(progress.stage)
      lastStage = progress.stage
    })
    try {
      if (values.project) {
        const project = await ctx.call('createDemoProject', size)
        if (ctx.interactive) process.stdout.write('\n')
        ctx.out(`demo project ready: ${project.path}`)
        return
      }
      if (!values.out) throw new CliError(`--out is required\nusage: ${USAGE.split('\n')[0]}`, 2)
      const summary = await ctx.call('generateDemoSet', { out: values.out, ...size })
      if (ctx.interactive) process.stdout.write('\n')
      ctx.out(`wrote ${summary.images.train + summary.images.val} images to ${summary.dir} in ${summary.seconds.toFixed(1)} s`)
      ctx.out(`  train: ${summary.images.train} images, ${summary.people.train} people`)
      ctx.out(`  val:   ${summary.images.val} images, ${summary.people.val} people`)
    } finally {
      unsubscribe()
    }
  }
}
