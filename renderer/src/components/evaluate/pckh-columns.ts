// The columns of the published MPII table and the joints behind them, as the renderer shows them.
// Order and meaning follow the evaluation contract (contract/eval.ts: MPII joint order, groups).
import type { PckhTable } from '../../../../contract'
import { MPII_JOINT_LABELS } from '../../../../contract/mpii'

export type GroupKey = keyof PckhTable['groups']

export const GROUP_COLUMNS: { key: GroupKey; label: string }[] = [
  { key: 'head', label: 'Head' },
  { key: 'shoulder', label: 'Shoulder' },
  { key: 'elbow', label: 'Elbow' },
  { key: 'wrist', label: 'Wrist' },
  { key: 'hip', label: 'Hip' },
  { key: 'knee', label: 'Knee' },
  { key: 'ankle', label: 'Ankle' }
]

/** MPII joint order (index = joint id). */
export const JOINT_LABELS = MPII_JOINT_LABELS

/** Pelvis and thorax are outside every Mean (Tompson's mask; pyranet-reference §5.2). */
export const UNSCORED_JOINTS: ReadonlySet<number> = new Set([6, 7])

/** The two Means, named where they are shown so nobody mixes them up. */
export const MEAN_LABELS = {
  mean: 'Mean',
  meanHint: 'Unweighted mean of the 14 joints (pelvis and thorax out): the Mean of the original PyraNet / Tompson tools, and the CSV’s Mean column.',
  weighted: 'Weighted mean',
  weightedHint: 'Mean of the same 14 joints weighted by annotated-joint counts: the Mean of HRNet and MMPose, the MPII toolkit’s Total.'
} as const

/** "85.08", or an en dash where a value is missing (no annotated joint). */
export function formatPercent(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits)
}

/** "+0.41" / "−1.20" / "±0.00", percentage points. */
export function formatDelta(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–'
  const text = Math.abs(value).toFixed(digits)
  if (Number(text) === 0) return `±${text}`
  return `${value > 0 ? '+' : '−'}${text}`
}

/** CSS class of a delta: an improvement, a loss, or nothing. */
export function deltaClass(value: number | null | undefined, higherIsBetter = true): string {
  if (value === null || value === undefined || Math.abs(value) < 0.005) return 'delta-none'
  return (value > 0) === higherIsBetter ? 'delta-up' : 'delta-down'
}
