import { MPII_JOINT_LABELS } from '../../../contract/mpii'
import type { Revision } from '../../../contract'
import { numberOption, parseCommandArgs } from '../args'
import { CliError, type CliCommand } from '../command'

const USAGE = ['history PERSON_ID [--json]', '', "Every revision of a person, newest first: when, who, why and what changed."].join('\n')

export const historyCommand: CliCommand = {
  name: 'history',
  summary: "Show a person's revisions (imports, edits, accepted predictions, undo, redo, restores).",
  usage: USAGE,
  needsProject: true,
  async run(ctx, argv) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } }, USAGE)
    const personId = numberOption(positionals[0], 'PERSON_ID')
    if (personId === undefined || positionals.length !== 1) throw new CliError(`history takes one person id\nusage: ${USAGE.split('\n')[0]}`, 2)
    const { revisions } = await ctx.call('personHistory', { personId })
    if (values.json) {
      ctx.out(JSON.stringify(revisions, null, 2))
      return
    }
    for (const r of revisions) ctx.out(`#${r.id}  ${r.at}  ${r.author}  ${r.reason}/${r.operation}${r.note ? `  (${r.note})` : ''}\n    ${describeChange(r)}`)
  }
}

function describeChange(revision: Revision): string {
  const { old, new: next } = revision
  if (revision.operation === 'import') return 'as imported'
  const parts: string[] = []
  if (next.deleted !== undefined && next.deleted !== old.deleted) parts.push(next.deleted ? 'person removed' : 'person present')
  for (const [key, joint] of Object.entries(next.joints ?? {})) {
    const before = old.joints?.[key]
    const where = (j: typeof joint | undefined) => (!j || j.state === 'missing' ? 'missing' : `(${j.x}, ${j.y}) ${j.state}`)
    parts.push(`${MPII_JOINT_LABELS[Number(key)]}: ${where(before)} → ${where(joint)}`)
  }
  if (next.headBox !== undefined) parts.push('head box changed')
  if (next.center !== undefined || next.scale !== undefined) parts.push('centre/scale changed')
  return parts.join('; ') || 'no visible change'
}
