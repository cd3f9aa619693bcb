import { describe, expect, it } from 'vitest'
import { boxAround, fitBox, zoomAt } from './view-transform'

describe('the shared view of the paired canvases', () => {
  it('fits a box centred, with its padding, into the stage', () => {
    const view = fitBox({ left: 100, top: 50, right: 300, bottom: 150 }, 400, 400, 0)
    expect(view.scale).toBe(2)
    // the box centre (200, 100) lands on the stage centre (200, 200)
    expect(200 * view.scale + view.x).toBe(200)
    expect(100 * view.scale + view.y).toBe(200)
    expect(fitBox({ left: 0, top: 0, right: 100, bottom: 100 }, 300, 300, 0.25).scale).toBe(2)
  })

  it('zooms about the pointer: the plane point under it stays put', () => {
    const view = { scale: 1.5, x: -40, y: 25 }
    const next = zoomAt(view, 120, 80, 1.15)
    const before = { x: (120 - view.x) / view.scale, y: (80 - view.y) / view.scale }
    expect((120 - next.x) / next.scale).toBeCloseTo(before.x, 10)
    expect((80 - next.y) / next.scale).toBeCloseTo(before.y, 10)
    expect(next.scale).toBeCloseTo(1.725, 10)
  })

  it('keeps the scale within bounds', () => {
    expect(zoomAt({ scale: 39, x: 0, y: 0 }, 0, 0, 2).scale).toBe(40)
    expect(zoomAt({ scale: 0.06, x: 0, y: 0 }, 0, 0, 0.5).scale).toBe(0.05)
  })

  it('boxes points, growing a thin box to the minimum side about its centre', () => {
    expect(boxAround([], 10)).toBeNull()
    expect(boxAround([{ x: 10, y: 10 }, { x: 30, y: 12 }], 8)).toEqual({ left: 10, top: 7, right: 30, bottom: 15 })
  })
})
