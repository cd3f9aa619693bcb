import { MPII_JOINT_LABELS } from '../../../contract/mpii'
import { parseCommandArgs } from '../args'
import type { CliCommand } from '../command'

const USAGE = ['stats [--json] [--joints]', '', 'Counts of images, people and joints of the open project.', '  --joints   also per joint: visible, occluded, missing'].join('\n')

export const statsCommand: CliCommand = {
  name: 'stats',
  summary: "Show the open project's dataset: images, people, joints, edits, imports.",
  usage: USAGE,
  needsProject: true,
  async run(ctx, argv) {
    const { values } = parseCommandArgs(argv, { json: { type: 'boolean' }, joints: { type: 'boolean' } }, USAGE)
    const stats = await ctx.call('datasetStats', {})
    if (values.json) {
      ctx.out(JSON.stringify(stats, null, 2))
      return
    }
    const splits = (counts: Record<string, number>) =>
      Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([split, n]) => `${split} ${n}`)
        .join(', ') || 'none'
    const { images, people, joints } = stats
    ctx.out(`images   ${images.total} (${splits(images.bySplit)}); files: ${images.present} present, ${images.missing} missing, ${images.unknown} not checked`)
    ctx.out(`people   ${people.total} (${splits(people.bySplit)}); ${people.edited} edited, ${people.deleted} deleted`)
    ctx.out(`joints   ${joints.visible} visible, ${joints.occluded} occluded, ${joints.missing} missing`)
    ctx.out(`revisions ${stats.revisions.total} (${splits(stats.revisions.byReason)}); label mark ${stats.mark}`)
    for (const i of stats.imports) ctx.out(`import   ${i.at}  ${i.format}  ${i.peopleAdded} people  ${i.file}`)
    if (values.joints) {
      ctx.out('joint            visible  occluded  missing')
      stats.perJoint.forEach((c, j) => ctx.out(`${MPII_JOINT_LABELS[j].padEnd(16)} ${String(c.visible).padStart(7)}  ${String(c.occluded).padStart(8)}  ${String(c.missing).padStart(7)}`))
    }
  }
}
