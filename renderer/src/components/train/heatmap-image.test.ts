import { describe, expect, it } from 'vitest'
import { decodeBase64, heatmapPeak } from './heatmap-image'

describe('the trainer heatmaps as the Train view reads them', () => {
  it('decodes base64 bytes and finds each joint map’s peak (joint-major, row-major)', () => {
    const size = 4
    const maps = new Uint8Array(2 * size * size)
    maps[1 * 4 + 2] = 200 // joint 0 at (2, 1)
    maps[size * size + 3 * 4 + 0] = 255 // joint 1 at (0, 3)
    const decoded = decodeBase64(Buffer.from(maps).toString('base64'))
    expect([...decoded]).toEqual([...maps])
    expect(heatmapPeak(decoded, size, 0)).toEqual({ x: 2, y: 1, value: 200 / 255 })
    expect(heatmapPeak(decoded, size, 1)).toEqual({ x: 0, y: 3, value: 1 })
  })
})
