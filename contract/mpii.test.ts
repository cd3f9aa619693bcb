// The shared MPII skeleton: 15 limbs over 16 joints, sides and mirrors that agree with the flip pairs.
import { describe, expect, it } from 'vitest'
import { MPII_FLIP_PAIRS, MPII_JOINT_COUNT, MPII_JOINT_LABELS, MPII_JOINT_SIDES, MPII_LIMBS, MPII_MIRROR, MPII_WALK_ORDER } from './mpii'

describe('the MPII skeleton constants', () => {
  it('connect all 16 joints with 15 limbs (a tree)', () => {
    expect(MPII_LIMBS).toHaveLength(15)
    const touched = new Set(MPII_LIMBS.flatMap((l) => [l.from, l.to]))
    expect(touched.size).toBe(MPII_JOINT_COUNT)
  })

  it('put each flip pair on opposite sides, with mirrored labels', () => {
    for (const [a, b] of MPII_FLIP_PAIRS) {
      expect(MPII_JOINT_SIDES[a]).toBe('right')
      expect(MPII_JOINT_SIDES[b]).toBe('left')
      expect(MPII_JOINT_LABELS[a].replace('right', 'left')).toBe(MPII_JOINT_LABELS[b])
      expect(MPII_MIRROR[a]).toBe(b)
      expect(MPII_MIRROR[b]).toBe(a)
    }
    expect([6, 7, 8, 9].map((j) => MPII_MIRROR[j])).toEqual([6, 7, 8, 9])
  })

  it('colour a limb by the side it touches', () => {
    expect(MPII_LIMBS.find((l) => l.from === 2 && l.to === 6)?.side).toBe('right')
    expect(MPII_LIMBS.find((l) => l.from === 13 && l.to === 7)?.side).toBe('left')
    expect(MPII_LIMBS.find((l) => l.from === 7 && l.to === 8)?.side).toBe('centre')
  })

  it('walk every joint once', () => {
    expect([...MPII_WALK_ORDER].sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, j) => j))
  })
})
