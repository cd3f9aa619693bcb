// `model`: the size, conv multiply-adds and module table of a PyraNet configuration (no project needed).
import type { ModelDescription, Params } from '../../../contract'
import { numberOption, parseCommandArgs } from '../args'
import { CliError, type CliCommand } from '../command'

const USAGE = `model [--preset paper|paper8|demo] [--variant A|B|C|residual] [--stacks N] [--features N]
      [--res PX] [--modules N] [--cardinality C] [--base-width B] [--joints J] [--stem-width W] [--json] [--no-table]

  Defaults: the authors' 2-stack model (preset paper: PRM-B, 256 features, 1 module per location, 256 px,
  C = 4, baseWidth 9, 16 joints); paper8 is the 8-stack one (28.1 M parameters). MACs count convolutions.`

const options = {
  preset: { type: 'string' },
  variant: { type: 'string' },
  stacks: { type: 'string' },
  features: { type: 'string' },
  res: { type: 'string' },
  modules: { type: 'string' },
  cardinality: { type: 'string' },
  'base-width': { type: 'string' },
  joints: { type: 'string' },
  'stem-width': { type: 'string' },
  json: { type: 'boolean' },
  'no-table': { type: 'boolean' }
} as const

const group = (n: number) => n.toLocaleString('en-US')

function typeLabel(d: ModelDescription): string {
  return d.config.variant === 'residual' ? 'stacked hourglass (plain residuals)' : `PyraNet PRM-${d.config.variant}`
}

export function describeText(d: ModelDescription, table = true): string[] {
  const c = d.config
  const lines = [
    `${typeLabel(d)}: ${c.nStack} stack${c.nStack > 1 ? 's' : ''}, ${c.nFeats} features, ${c.nModules} module${c.nModules > 1 ? 's' : ''} per location, ` +
      `input ${c.inputRes} px (heatmaps ${d.heatmapRes} px), C = ${c.cardinality}, baseWidth ${c.baseWidth}, ${c.nJoints} joints, stem ${c.stemWidth}`,
    `parameters  ${group(d.params)} (${(d.params / 1e6).toFixed(2)} M)`,
    `conv MACs   ${(d.macs / 1e9).toFixed(3)} G per image (${(d.flops / 1e9).toFixed(2)} GFLOP)`,
    `modules     ${d.prmCount} PRM, ${d.residualCount} Residual`
  ]
  if (!table) return lines
  const header = ['module', 'type', 'channels', 'res', 'params', 'MACs']
  const rows = d.rows.map((r) => [r.name, r.type, `${r.inChannels}→${r.outChannels}`, String(r.res), group(r.params), `${(r.macs / 1e6).toFixed(1)} M`])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const right = new Set([2, 3, 4, 5])
  const line = (cells: string[]) => cells.map((cell, i) => (right.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd()
  return [...lines, '', line(header), ...rows.map(line)]
}

export const modelCommand: CliCommand = {
  name: 'model',
  summary: 'Size, multiply-adds and module table of a PyraNet configuration.',
  usage: USAGE,
  needsProject: false,
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(argv, options, USAGE)
    if (positionals.length) throw new CliError(`unexpected argument ${positionals[0]}\nusage: ${USAGE.split('\n')[0]}`, 2)
    const int = (name: keyof typeof options) => numberOption(values[name] as string | undefined, name)
    const params = {
      preset: values.preset,
      variant: values.variant,
      nStack: int('stacks'),
      nFeats: int('features'),
      inputRes: int('res'),
      nModules: int('modules'),
      cardinality: int('cardinality'),
      baseWidth: int('base-width'),
      nJoints: int('joints'),
      stemWidth: int('stem-width')
    } as Params<'describeModel'>
    const description = await ctx.call('describeModel', params)
    if (values.json) ctx.out(JSON.stringify(description, null, 2))
    else for (const line of describeText(description, !values['no-table'])) ctx.out(line)
  }
}
