import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildPoseTable } from './build-pose-table'
import { loadPoseTable, POSE_TABLE_FILE, PoseTable, resourcesDir } from './pose-table'

const VAL_H5 = resolve('../shared/data/mpii/val.h5')

describe('pose table', () => {
  it('holds every val.h5 person, and the committed file is what the build script makes of val.h5', async () => {
    const bundled = readFileSync(join(resourcesDir(), POSE_TABLE_FILE))
    expect(bundled.length).toBeLessThan(300_000)
    expect(PoseTable.decode(bundled).count).toBe(2958)
    expect((await buildPoseTable(VAL_H5)).equals(bundled)).toBe(true)
  })

  it('keeps the first val.h5 person relative to its centre and scale', () => {
    // val.h5 row 0 (005808361.jpg): center (966, 410.7773184), scale 5.898109866728492,
    // r-ankle (804, 711), head-top (962, 80), all 16 joints annotated and visible
    const pose = loadPoseTable().pose(0)
    expect(pose.joints[0]!.x).toBeCloseTo((804 - 966) / 5.898109866728492, 2)
    expect(pose.joints[0]!.y).toBeCloseTo((711 - 410.7773184) / 5.898109866728492, 2)
    expect(pose.joints[9]!.y).toBeCloseTo((80 - 410.7773184) / 5.898109866728492, 2)
    expect(pose.visible.every(Boolean)).toBe(true)
  })

  it('marks unannotated and occluded joints as val.h5 does', () => {
    const table = loadPoseTable()
    let unannotated = 0
    let occluded = 0
    let annotated = 0
    for (let i = 0; i < table.count; i++) {
      const pose = table.pose(i)
      pose.joints.forEach((joint, j) => {
        if (!joint) unannotated++
        else {
          annotated++
          if (!pose.visible[j]) occluded++
        }
      })
    }
    // counted in val.h5 with h5py: 44,240 joints not at (0, 0), 10,243 of them with visible = 0
    expect(annotated).toBe(44_240)
    expect(unannotated).toBe(16 * 2958 - 44_240)
    expect(occluded).toBe(10_243)
  })

  it('refuses a file that is not a pose table, or a cut one', () => {
    const good = PoseTable.encode([{ joints: Array.from({ length: 16 }, () => ({ x: 1.25, y: -2 })), visible: new Array(16).fill(true) }])
    expect(PoseTable.decode(good).pose(0).joints[3]).toEqual({ x: 1.25, y: -2 })
    expect(() => PoseTable.decode(Buffer.from('not a pose table at all'), 'x.bin')).toThrow(/x.bin: not a pose table/)
    expect(() => PoseTable.decode(good.subarray(0, good.length - 3), 'x.bin')).toThrow(/x.bin: \d+ bytes, expected \d+ for 1 poses/)
  })
})
