// Plain-text tables of evaluations for terminals and logs, in the published table's column order.
import type { Comparison } from './compare'
import { GROUP_LABELS, GROUP_NAMES, JOINT_NAMES } from './joints'
import type { PckhReport } from './pckh'
import type { RankingPage } from './ranking'

const fixed = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? '-' : v.toFixed(digits))
const signed = (v: number | null | undefined) => (v === null || v === undefined ? '-' : `${v > 0 ? '+' : ''}${v.toFixed(2)}`)

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)))
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')
  return [line(header), ...rows.map(line)]
}

const SUMMARY_HEADER = ['Model', ...GROUP_NAMES.map((g) => GROUP_LABELS[g]), 'Mean', 'WMean', 'WPCKh@0.1', 'AUC']

export const SUMMARY_LEGEND =
  'PCKh@0.5. Mean: unweighted over the 14 joints without pelvis and thorax (Tompson/bearpaw, as published); ' +
  'WMean: the same joints weighted by count (HRNet/MMPose); WPCKh@0.1 and AUC (0-0.5, trapezoid) weighted too.'

export function formatSummary(rows: { model: string; report: PckhReport }[]): string[] {
  return table(
    SUMMARY_HEADER,
    rows.map(({ model, report }) => [
      model,
      ...GROUP_NAMES.map((g) => fixed(report.at05.groups[g])),
      fixed(report.at05.mean),
      fixed(report.at05.weightedMean),
      fixed(report.at01.weightedMean),
      fixed(report.auc.weightedMean)
    ])
  )
}

export function formatPerJoint(report: PckhReport): string[] {
  return table(
    ['Joint', 'Count', 'PCKh@0.5', 'PCKh@0.1'],
    JOINT_NAMES.map((name, j) => [`${j} ${name}`, String(report.jointCounts[j]), fixed(report.at05.perJoint[j]), fixed(report.at01.perJoint[j])])
  )
}

export function formatRanking(page: RankingPage): string[] {
  return table(
    ['Rank', 'Person', 'Image', 'Worst joint', 'Error', 'Mean error', 'PCKh'],
    page.items.map((p) => [
      String(p.rank + 1),
      String(p.personId ?? p.index),
      p.imageName ?? '',
      p.worstJoint === null ? '-' : `${p.worstJoint} ${JOINT_NAMES[p.worstJoint]}`,
      fixed(p.worstError, 3),
      fixed(p.meanError, 3),
      fixed(p.pckh, 1)
    ])
  )
}

export function formatComparison(comparison: Comparison): string[] {
  const lines = [...formatSummary(comparison.sets.map((s) => ({ model: s.name, report: s.report }))), '']
  for (const pair of comparison.pairs) {
    lines.push(`${pair.other} - ${pair.baseline}:`)
    const d = pair.at05
    lines.push(
      ...table(
        ['', ...GROUP_NAMES.map((g) => GROUP_LABELS[g]), 'Mean', 'WMean', 'WPCKh@0.1', 'AUC'],
        [['delta', ...GROUP_NAMES.map((g) => signed(d.groups[g])), signed(d.mean), signed(d.weightedMean), signed(pair.at01.weightedMean), signed(pair.auc.weightedMean)]]
      ).map((l) => `  ${l}`)
    )
    const p = pair.paired
    const unit = p.metric === 'pckh' ? 'points of per-person PCKh@0.5' : 'head sizes of per-person mean error'
    lines.push(
      `  paired over ${p.people} people: mean difference ${signed(p.meanDifference)} ${unit}, ` +
        `${Math.round(p.level * 100)}% bootstrap interval [${signed(p.low)}, ${signed(p.high)}] ` +
        `(${p.resamples} resamples, seed ${p.seed})${p.significant ? ', excludes 0' : ', includes 0'}`
    )
    lines.push(`  ${p.improved} improved, ${p.worsened} worse, ${p.unchanged} unchanged (${p.higherIsBetter ? 'higher' : 'lower'} is better)`)
    for (const [label, list] of [
      ['much better', pair.muchBetter],
      ['much worse', pair.muchWorse]
    ] as const) {
      if (!list.length) continue
      const people = list.map((c) => `${c.imageName ?? c.personId ?? c.index} (${signed(c.difference)})`)
      lines.push(`  ${label}: ${people.join(', ')}`)
    }
    lines.push('')
  }
  return lines
}
