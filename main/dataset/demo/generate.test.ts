import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { readPoseH5 } from '../formats/h5'
import { DEMO_FILES, generateDemoSet, planDemoSet, type DemoOptions } from './generate'
import type { MmposeEntry } from './mpii-files'
import { loadPoseTable } from './pose-table'

const root = mkdtempSync(join(tmpdir(), 'wb-demo-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function filesOf(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>()
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name)
      if (entry.isDirectory()) walk(path)
      else files.set(relative(dir, path), readFileSync(path))
    }
  }
  walk(dir)
  return files
}

const small: DemoOptions = { people: 14, seed: 21, valFraction: 0.3 }

describe('demo set', () => {
  it('gives byte-identical files, images included, for the same seed, and different ones for another seed', async () => {
    const a = join(root, 'a')
    const b = join(root, 'b')
    const c = join(root, 'c')
    await generateDemoSet(a, small)
    await generateDemoSet(b, { ...small, concurrency: 1 })
    await generateDemoSet(c, { ...small, seed: 22 })
    const filesA = filesOf(a)
    const filesB = filesOf(b)
    expect([...filesB.keys()].sort()).toEqual([...filesA.keys()].sort())
    for (const [name, bytes] of filesA) expect(filesB.get(name)!.equals(bytes), name).toBe(true)
    expect(filesOf(c).get(DEMO_FILES.trainJson)!.equals(filesA.get(DEMO_FILES.trainJson)!)).toBe(false)
  })

  it('writes every person once, in train and val images, in both MPII formats that agree', async () => {
    const dir = join(root, 'formats')
    const summary = await generateDemoSet(dir, { people: 20, seed: 4, valFraction: 0.25 })
    expect(summary.people.train + summary.people.val).toBe(20)
    expect(summary.people.val).toBeGreaterThanOrEqual(5)
    expect(summary.people.val).toBeLessThanOrEqual(6)
    const train = JSON.parse(readFileSync(join(dir, DEMO_FILES.trainJson), 'utf8')) as MmposeEntry[]
    const val = JSON.parse(readFileSync(join(dir, DEMO_FILES.valJson), 'utf8')) as MmposeEntry[]
    expect(train.length).toBe(summary.people.train)
    expect(val.length).toBe(summary.people.val)
    const trainImages = new Set(train.map((e) => e.image))
    expect(val.some((e) => trainImages.has(e.image))).toBe(false)
    expect(readFileSync(join(dir, DEMO_FILES.valList), 'utf8').trim().split('\n').sort()).toEqual([...new Set(val.map((e) => e.image))].sort())
    expect(readdirSync(join(dir, DEMO_FILES.images)).length).toBe(summary.images.train + summary.images.val)

    const first = val[0]
    const meta = await sharp(join(dir, DEMO_FILES.images, first.image)).metadata()
    expect(meta.format).toBe('jpeg')
    expect(meta.width).toBeGreaterThanOrEqual(320)
    expect(meta.width).toBeLessThanOrEqual(480)

    const h5 = await readPoseH5(join(dir, DEMO_FILES.valH5))
    expect(h5.count).toBe(val.length)
    val.forEach((entry, i) => {
      expect(h5.imgname[i]).toBe(entry.image)
      // pose-hg-train's centre and scale are adjusted: y + 15 s, 1.25 s (reference §4.2)
      expect(h5.center[2 * i]).toBeCloseTo(entry.center[0], 5)
      expect(h5.center[2 * i + 1]).toBeCloseTo(entry.center[1] + 15 * entry.scale, 5)
      expect(h5.scale[i]).toBeCloseTo(1.25 * entry.scale, 5)
      const [x1, y1, x2, y2] = entry.head_box
      expect(h5.normalize![i]).toBeCloseTo(0.6 * Math.hypot(x2 - x1, y2 - y1), 5)
      entry.joints.forEach(([x, y], j) => {
        const labelled = entry.joints_vis[j] === 1
        expect(h5.part![32 * i + 2 * j]).toBe(labelled ? x : 0)
        expect(h5.part![32 * i + 2 * j + 1]).toBe(labelled ? y : 0)
        expect(h5.visible![16 * i + j]).toBe(entry.is_visible[j])
        if (!labelled) expect([x, y]).toEqual([-1, -1])
      })
    })
    const manifest = JSON.parse(readFileSync(join(dir, DEMO_FILES.manifest), 'utf8'))
    expect(manifest.attribution).toMatch(/Andriluka, Pishchulin, Gehler, Schiele, CVPR 2014/)
  })

  it('plans validation people from poses that no training person uses', () => {
    const plan = planDemoSet(loadPoseTable(), { people: 3000, seed: 2, valFraction: 0.2 })
    const poses = (split: string) => new Set(plan.filter((i) => i.split === split).flatMap((i) => i.poses))
    const train = poses('train')
    for (const pose of poses('val')) expect(train.has(pose)).toBe(false)
    const people = (split: string) => plan.filter((i) => i.split === split).reduce((n, i) => n + i.poses.length, 0)
    expect(people('train') + people('val')).toBe(3000)
    expect(Math.abs(people('val') - 600)).toBeLessThanOrEqual(1)
    expect(plan.filter((i) => i.poses.length === 2).length / plan.length).toBeGreaterThan(0.1)
    expect(plan[0].name).toBe('000000001.jpg')
  })

  it('refuses bad sizes and a folder holding something else, and replaces an earlier set', async () => {
    await expect(generateDemoSet(join(root, 'x'), { ...small, people: 0 })).rejects.toThrow(/people must be/)
    await expect(generateDemoSet(join(root, 'x'), { ...small, valFraction: 1 })).rejects.toThrow(/valFraction/)
    const busy = join(root, 'busy')
    mkdirSync(busy)
    writeFileSync(join(busy, 'notes.txt'), 'mine')
    await expect(generateDemoSet(busy, small)).rejects.toThrow(/not empty and holds no demo set/)
    expect(readFileSync(join(busy, 'notes.txt'), 'utf8')).toBe('mine')
    const again = join(root, 'again')
    await generateDemoSet(again, { ...small, people: 12 })
    const second = await generateDemoSet(again, { ...small, people: 3 })
    expect(readdirSync(join(again, DEMO_FILES.images)).length).toBe(second.images.train + second.images.val)
  })

  it('stops when cancelled', async () => {
    const controller = new AbortController()
    const stages: string[] = []
    const run = generateDemoSet(join(root, 'cancelled'), { ...small, people: 40 }, {
      signal: controller.signal,
      onProgress: (p) => {
        stages.push(p.stage)
        if (p.done === 3) controller.abort()
      }
    })
    await expect(run).rejects.toThrow(/cancelled/)
    expect(existsSync(join(root, 'cancelled', DEMO_FILES.manifest))).toBe(false)
    expect(stages).toContain('rendering images')
  })
})
