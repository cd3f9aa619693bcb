import { describe, expect, it } from 'vitest'
import { deltaClass, formatDelta, formatPercent, GROUP_COLUMNS, JOINT_LABELS, UNSCORED_JOINTS } from './pckh-columns'

describe('the PCKh table columns', () => {
  it('are the published ones, in order', () => {
    expect(GROUP_COLUMNS.map((c) => c.label)).toEqual(['Head', 'Shoulder', 'Elbow', 'Wrist', 'Hip', 'Knee', 'Ankle'])
    expect(JOINT_LABELS).toHaveLength(16)
    expect([...UNSCORED_JOINTS].map((j) => JOINT_LABELS[j])).toEqual(['pelvis', 'thorax'])
  })

  it('format values with two decimals and a dash for none', () => {
    expect(formatPercent(86.7551)).toBe('86.76')
    expect(formatPercent(null)).toBe('–')
    expect(formatPercent(Number.NaN)).toBe('–')
  })

  it('sign deltas, calling a rounded zero neither gain nor loss', () => {
    expect(formatDelta(0.412)).toBe('+0.41')
    expect(formatDelta(-1.2)).toBe('−1.20')
    expect(formatDelta(-0.001)).toBe('±0.00')
    expect(deltaClass(0.5)).toBe('delta-up')
    expect(deltaClass(-0.5)).toBe('delta-down')
    expect(deltaClass(0.5, false)).toBe('delta-down')
    expect(deltaClass(0.001)).toBe('delta-none')
  })
})
