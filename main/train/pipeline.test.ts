// The data pipeline's scheduling: which people each step uses, and loader threads (real worker threads,
// real JPEG files through sharp) that hand back exactly what the sample functions make in-process.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeImage } from './images'
import { JOINT_COUNT, JointState } from './joints'
import { BatchLoader, EpochPlan, StepBatches } from './loader'
import { drawAugmentation, HEATMAP_STRIDE, REFERENCE_AUGMENTATION, renderInput, renderTargets, sampleJoints, sampleTransform, type SampleShape } from './sample'
import { draws } from './seeded'
import { writeSnapshot, type DataSnapshot, type SnapshotPerson } from './snapshot'

describe('the epoch plan', () => {
  it('uses every person at most once per epoch, drops the partial batch, and reshuffles each epoch', () => {
    const plan = new EpochPlan(10, 3, 7)
    expect(plan.stepsPerEpoch).toBe(3)
    const epoch0 = [0, 1, 2].flatMap((s) => plan.peopleAt(s))
    const epoch1 = [3, 4, 5].flatMap((s) => plan.peopleAt(s))
    expect(new Set(epoch0).size).toBe(9)
    expect(new Set(epoch1).size).toBe(9)
    expect(epoch0).not.toEqual(epoch1)
    expect(epoch0.every((i) => i >= 0 && i < 10)).toBe(true)
    // the same step gives the same people however the plan is walked (what makes resuming exact)
    expect(new EpochPlan(10, 3, 7).peopleAt(4)).toEqual(plan.peopleAt(4))
    expect(plan.epochOf(5)).toBe(1)
    expect(new EpochPlan(10, 3, 7, 2).stepsPerEpoch).toBe(2)
    expect(new EpochPlan(2, 3, 7).stepsPerEpoch).toBe(0)
  })
})

describe('loader threads', () => {
  let root: string
  let snapshotPath: string
  let snapshot: DataSnapshot
  const shape: SampleShape = { inputRes: 64, mean: [0.4, 0.45, 0.43] }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'loader-test-'))
    const people: SnapshotPerson[] = []
    for (let n = 0; n < 6; n++) {
      const width = 160 + n * 8
      const height = 120
      const pixels = Buffer.alloc(width * height * 3)
      for (let i = 0; i < pixels.length; i++) pixels[i] = (i * (n + 3)) % 251
      const image = join(root, `image-${n}.jpg`)
      await sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toFile(image)
      const joints: number[] = []
      const states: number[] = []
      for (let j = 0; j < JOINT_COUNT; j++) {
        joints.push(40 + j * 5, 30 + ((j * 7) % 60))
        states.push(j === 3 ? JointState.missing : JointState.visible)
      }
      people.push({ id: n + 1, image, centre: [80, 60], scale: 0.5, joints, states, headBox: [70, 20, 90, 40] })
    }
    snapshot = { version: 1, labelRevision: 1, createdAt: new Date().toISOString(), train: people.slice(0, 4), val: people.slice(4) }
    snapshotPath = join(root, 'snapshot.json')
    writeSnapshot(snapshotPath, snapshot)
  })

  afterAll(() => rmSync(root, { recursive: true, force: true }))

  const init = () => ({ snapshotPath, shape, augment: REFERENCE_AUGMENTATION, seed: 11, cacheBytes: 1 << 24, decodeThreads: 1 })

  it('prepare exactly what the sample functions make, the same on any thread', async () => {
    const loader = await BatchLoader.start(init(), 2)
    try {
      const request = { split: 'train' as const, people: [2, 0, 3], keys: [1, 5], augment: true, targets: true }
      const [a, b] = await Promise.all([loader.prepare(request), loader.prepare(request)])
      expect(a.count).toBe(3)
      expect(Array.from(a.input)).toEqual(Array.from(b.input))
      expect(Array.from(a.target!)).toEqual(Array.from(b.target!))

      const res = shape.inputRes
      const size = res / HEATMAP_STRIDE
      for (const [slot, index] of request.people.entries()) {
        const person = snapshot.train[index]
        const aug = drawAugmentation(draws(11, 1, 5, slot), REFERENCE_AUGMENTATION)
        const t = sampleTransform(person, aug, res)
        const input = new Float32Array(res * res * 3)
        renderInput(await decodeImage(person.image), t, aug, shape, input, 0)
        const target = new Float32Array(size * size * JOINT_COUNT)
        renderTargets(sampleJoints(person, t, aug.flip), res, target, 0)
        expect(a.input.subarray(slot * input.length, (slot + 1) * input.length)).toEqual(input)
        expect(a.target!.subarray(slot * target.length, (slot + 1) * target.length)).toEqual(target)
        expect(Array.from(a.transforms.subarray(slot * 6, slot * 6 + 6))).toEqual(Array.from(t))
        expect(a.flips[slot]).toBe(aug.flip ? 1 : 0)
      }
    } finally {
      await loader.close()
    }
  })

  it('keep batches ahead of the steps and report a missing image by name', async () => {
    const loader = await BatchLoader.start(init(), 1)
    try {
      const plan = new EpochPlan(snapshot.train.length, 2, 11)
      const batches = new StepBatches(loader, plan, 6, 3)
      for (let step = 0; step < 6; step++) {
        const batch = await batches.take(step)
        expect(batch.count).toBe(2)
      }
      const val = await loader.prepare({ split: 'val', people: [0, 1], keys: [0], augment: false, targets: false })
      expect(val.target).toBeNull()
      expect(Array.from(val.flips)).toEqual([0, 0])
    } finally {
      await loader.close()
    }
    writeSnapshot(snapshotPath, { ...snapshot, train: [{ ...snapshot.train[0], image: join(root, 'gone.jpg') }] })
    const broken = await BatchLoader.start(init(), 1)
    try {
      await expect(broken.prepare({ split: 'train', people: [0], keys: [0], augment: true, targets: true })).rejects.toThrow(/gone\.jpg: cannot decode image/)
    } finally {
      await broken.close()
      writeSnapshot(snapshotPath, snapshot)
    }
  })
})
