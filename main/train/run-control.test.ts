import { describe, expect, it } from 'vitest'
import { RunControl } from './loop'

describe('RunControl', () => {
  it('lets a pause in between steps even when every step awaits only settled promises', async () => {
    const control = new RunControl()
    let steps = 0
    let pausedAt = -1
    // the pause arrives as a macrotask, as an IPC message does
    setTimeout(() => control.pause(), 0)
    const loop = (async () => {
      for (let step = 0; step < 100_000; step++) {
        const go = await control.gate(
          () => (pausedAt = step),
          () => undefined
        )
        if (!go) return
        await Promise.resolve() // a batch that was ready
        steps++
      }
    })()
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(pausedAt).toBeGreaterThanOrEqual(0)
    expect(pausedAt).toBeLessThan(100_000)
    const stepsWhilePaused = steps
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(steps).toBe(stepsWhilePaused)
    control.stop()
    await loop
    expect(steps).toBe(pausedAt)
  })
})
