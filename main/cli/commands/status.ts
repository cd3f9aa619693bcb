import type { CliCommand } from '../command'

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'Show the data folder, the open project and the training backends of this machine.',
  usage: 'status [--json]',
  needsProject: true,
  async run(ctx, argv) {
    const status = await ctx.call('status', {})
    if (argv.includes('--json')) {
      ctx.out(JSON.stringify(status, null, 2))
      return
    }
    ctx.out(`PyraNet Workbench ${status.version} (${status.platform})`)
    ctx.out(`data folder  ${status.dataDir}`)
    ctx.out(`project      ${status.project ? `${status.project.name}  ${status.project.path}` : '(none open)'}`)
    ctx.out('backends')
    for (const b of status.backends) ctx.out(`  ${b.available ? '✓' : '✗'} ${b.name.padEnd(11)} ${b.detail}`)
  }
}
