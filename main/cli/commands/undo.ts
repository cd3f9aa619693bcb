import type { EditResult } from '../../../contract'
import type { CliCommand, CliContext } from '../command'

function report(ctx: CliContext, what: string, result: EditResult | null): void {
  if (!result) {
    ctx.out(`nothing to ${what}`)
    return
  }
  ctx.out(`${what}: person ${result.person.id} on image ${result.person.imageId} (revision ${result.revision?.id ?? '-'}: ${result.revision?.note ?? ''})`)
  const next = what === 'undo' ? result.undo.undo : result.undo.redo
  ctx.out(next ? `next ${what}: ${next.operation} of person ${next.personId}` : `nothing more to ${what}`)
}

export const undoCommand: CliCommand = {
  name: 'undo',
  summary: 'Undo the latest annotation change (on any image); the undo history survives restarts.',
  usage: 'undo',
  needsProject: true,
  async run(ctx) {
    report(ctx, 'undo', await ctx.call('undo', {}))
  }
}

export const redoCommand: CliCommand = {
  name: 'redo',
  summary: 'Redo the latest undone annotation change.',
  usage: 'redo',
  needsProject: true,
  async run(ctx) {
    report(ctx, 'redo', await ctx.call('redo', {}))
  }
}
