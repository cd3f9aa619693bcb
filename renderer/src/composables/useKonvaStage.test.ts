// The view transform's arithmetic: fitting a rectangle and zooming about a point.
import { describe, expect, it } from 'vitest'
import { fitTransform, MAX_SCALE, zoomAt } from './useKonvaStage'

describe('fitTransform', () => {
  it('centres the rectangle at the largest scale that fits inside the padding', () => {
    const view = fitTransform({ x: 10, y: 20, width: 200, height: 100 }, 800, 600, 0)
    expect(view.scale).toBe(4)
    // the rectangle's centre (110, 70) lands on the viewport's centre
    expect(110 * view.scale + view.x).toBeCloseTo(400)
    expect(70 * view.scale + view.y).toBeCloseTo(300)
  })
})

describe('zoomAt', () => {
  it('keeps the plane point under the anchor where it is', () => {
    const before = { scale: 1.5, x: -40, y: 25 }
    const anchor = { x: 321, y: 123 }
    const plane = { x: (anchor.x - before.x) / before.scale, y: (anchor.y - before.y) / before.scale }
    const after = zoomAt(before, 2.5, anchor)
    expect(after.scale).toBeCloseTo(3.75)
    expect(plane.x * after.scale + after.x).toBeCloseTo(anchor.x)
    expect(plane.y * after.scale + after.y).toBeCloseTo(anchor.y)
  })

  it('clamps the scale', () => {
    expect(zoomAt({ scale: MAX_SCALE, x: 0, y: 0 }, 10, { x: 0, y: 0 }).scale).toBe(MAX_SCALE)
  })
})
