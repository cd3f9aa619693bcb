// The demo data set on disk: plan which images hold which people, render the images (JPEG) and write
// the annotations in MPII's formats. Deterministic: the same options give byte-identical files.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { badInput, cancelled } from '../../errors'
import type { ProgressOptions } from '../../progress'
import { loadH5wasm } from '../formats/h5'
import { mmposeJson, writePoseHgH5, type ImagePerson } from './mpii-files'
import { loadPoseTable, POSE_TABLE_FILE, type PoseTable } from './pose-table'
import { Random } from './random'
import { renderSceneJpeg } from './render'
import { planScene, STREAM } from './scene'

export const DEMO_DEFAULTS = { people: 2000, seed: 1, valFraction: 0.2 } as const

/** Where each part of a demo set lives, relative to its folder. */
export const DEMO_FILES = {
  manifest: 'demo-set.json',
  images: 'images',
  trainJson: 'annotations/mpii_train.json',
  valJson: 'annotations/mpii_val.json',
  trainH5: 'annotations/train.h5',
  valH5: 'annotations/valid.h5',
  trainList: 'annotations/train_images.txt',
  valList: 'annotations/valid_images.txt'
} as const

export const MPII_ATTRIBUTION =
  'Poses from the MPII Human Pose Dataset annotations (Andriluka, Pishchulin, Gehler, Schiele, CVPR 2014), http://human-pose.mpi-inf.mpg.de/'

export interface DemoOptions {
  /** People in the whole set (train + val). */
  people: number
  seed: number
  /** Share of people in validation images (0 to 0.9). */
  valFraction: number
  /** Images rendered at the same time (default 4; sharp renders them on its own threads). */
  concurrency?: number
  /** A pose table other than the bundled one (tests). */
  poseTable?: PoseTable
}

/** Options with the defaults filled in where a caller left them out. */
export function demoOptions(size: { people?: number; seed?: number; valFraction?: number } = {}): DemoOptions {
  return {
    people: size.people ?? DEMO_DEFAULTS.people,
    seed: size.seed ?? DEMO_DEFAULTS.seed,
    valFraction: size.valFraction ?? DEMO_DEFAULTS.valFraction
  }
}

export type Split = 'train' | 'val'

export interface DemoImagePlan {
  /** 0-based index in the whole set; the file is `${index + 1}` padded to 9 digits, like MPII's names. */
  index: number
  name: string
  split: Split
  /** Pose-table rows of the people in this image. */
  poses: number[]
}

export interface DemoSetSummary {
  dir: string
  seed: number
  images: Record<Split, number>
  people: Record<Split, number>
  seconds: number
}

const TWO_PERSON_SHARE = 0.2
const MAX_PEOPLE = 200_000

export function validateDemoOptions(options: DemoOptions): void {
  if (!Number.isInteger(options.people) || options.people < 1 || options.people > MAX_PEOPLE) {
    throw badInput(`people must be a whole number from 1 to ${MAX_PEOPLE}, got ${options.people}`, 'people')
  }
  if (!Number.isInteger(options.seed) || options.seed < 0 || options.seed > 0xffffffff) {
    throw badInput(`seed must be a whole number from 0 to 4294967295, got ${options.seed}`, 'seed')
  }
  if (!(options.valFraction >= 0 && options.valFraction <= 0.9)) {
    throw badInput(`valFraction must be between 0 and 0.9, got ${options.valFraction}`, 'valFraction')
  }
}

export const imageName = (index: number) => `${String(index + 1).padStart(9, '0')}.jpg`

/**
 * Which images exist, how many people each holds, which split each is in and which poses they show.
 * Validation images take their poses from a separate part of the pose table, so a model is validated on
 * poses it has not been trained on.
 */
export function planDemoSet(table: PoseTable, options: DemoOptions): DemoImagePlan[] {
  validateDemoOptions(options)
  const random = new Random(options.seed, STREAM.plan)
  const counts: number[] = []
  for (let left = options.people; left > 0; ) {
    const n = left >= 2 && random.chance(TWO_PERSON_SHARE) ? 2 : 1
    counts.push(n)
    left -= n
  }
  const valTarget = Math.round(options.valFraction * options.people)
  const isVal = new Array<boolean>(counts.length).fill(false)
  let valPeople = 0
  for (const i of random.shuffle(counts.map((_, i) => i))) {
    if (valPeople >= valTarget) break
    isVal[i] = true
    valPeople += counts[i]
  }
  const rows = random.shuffle(Array.from({ length: table.count }, (_, i) => i))
  const valRows = Math.min(table.count - 1, Math.max(1, Math.round(options.valFraction * table.count)))
  const pools: Record<Split, number[]> = { val: rows.slice(0, valRows), train: rows.slice(valRows) }
  return counts.map((n, index) => {
    const split: Split = isVal[index] ? 'val' : 'train'
    const pool = pools[split]
    return { index, name: imageName(index), split, poses: Array.from({ length: n }, () => pool[random.int(0, pool.length - 1)]) }
  })
}

const IMAGE_NAME = /^\d{9}\.jpg$/

/** An empty or new folder, or one holding an earlier demo set (its images are replaced, its files rewritten). */
function prepareFolder(dir: string): void {
  if (existsSync(dir)) {
    const entries = readdirSync(dir)
    if (entries.length > 0 && !entries.includes(DEMO_FILES.manifest)) {
      throw badInput(`${dir} is not empty and holds no demo set; choose an empty or new folder`, 'out')
    }
    const images = join(dir, DEMO_FILES.images)
    if (existsSync(images)) for (const name of readdirSync(images)) if (IMAGE_NAME.test(name)) rmSync(join(images, name))
  }
  mkdirSync(join(dir, DEMO_FILES.images), { recursive: true })
  mkdirSync(join(dir, 'annotations'), { recursive: true })
}

/** Renders every image and writes the annotations into `dir` (created if needed). */
export async function generateDemoSet(dir: string, options: DemoOptions, progress: ProgressOptions = {}): Promise<DemoSetSummary> {
  const started = performance.now()
  const table = options.poseTable ?? loadPoseTable()
  const plan = planDemoSet(table, options)
  prepareFolder(dir)
  // h5wasm takes a second or two to compile: let it do so while the images render
  const h5Loading = loadH5wasm()
  h5Loading.catch(() => {})

  const people = new Map<number, ImagePerson[]>()
  let next = 0
  let done = 0
  const total = plan.length
  const report = () => progress.onProgress?.({ stage: 'rendering images', done, total })
  report()
  let failed = false
  const worker = async () => {
    while (next < plan.length && !failed) {
      if (progress.signal?.aborted) throw cancelled('demo generation cancelled')
      const image = plan[next++]
      const scene = planScene(table, { seed: options.seed, index: image.index, poses: image.poses })
      await writeFile(join(dir, DEMO_FILES.images, image.name), await renderSceneJpeg(scene))
      people.set(image.index, scene.people.map((person, personIndex) => ({ image: image.name, imageIndex: image.index, personIndex, person })))
      done++
      report()
    }
  }
  // several images in flight keep the main thread (scene planning) and sharp's threads (rasterising,
  // JPEG) busy at once; on failure every worker is let finish before the error goes up, so nothing is
  // still writing into the folder when a caller cleans it up
  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, () =>
    worker().catch((error: unknown) => {
      failed = true
      throw error
    })
  )
  const outcome = (await Promise.allSettled(workers)).find((result) => result.status === 'rejected')
  if (outcome) throw outcome.reason

  progress.onProgress?.({ stage: 'writing annotations', done: 0, total: 2 })
  const bySplit = (split: Split) => plan.filter((image) => image.split === split).flatMap((image) => people.get(image.index)!)
  const train = bySplit('train')
  const val = bySplit('val')
  writeFileSync(join(dir, DEMO_FILES.trainJson), mmposeJson(train))
  writeFileSync(join(dir, DEMO_FILES.valJson), mmposeJson(val))
  const list = (split: Split) => plan.filter((image) => image.split === split).map((image) => image.name + '\n').join('')
  writeFileSync(join(dir, DEMO_FILES.trainList), list('train'))
  writeFileSync(join(dir, DEMO_FILES.valList), list('val'))
  progress.onProgress?.({ stage: 'writing annotations', done: 1, total: 2 })
  await h5Loading
  await writePoseHgH5(join(dir, DEMO_FILES.trainH5), train)
  await writePoseHgH5(join(dir, DEMO_FILES.valH5), val)
  const images = { train: plan.filter((i) => i.split === 'train').length, val: plan.filter((i) => i.split === 'val').length }
  const counts = { train: train.length, val: val.length }
  const manifest = {
    generator: 'PyraNet Workbench demo set',
    version: 1,
    seed: options.seed,
    valFraction: options.valFraction,
    images,
    people: counts,
    poseTable: POSE_TABLE_FILE,
    files: DEMO_FILES,
    attribution: MPII_ATTRIBUTION
  }
  writeFileSync(join(dir, DEMO_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n')
  progress.onProgress?.({ stage: 'writing annotations', done: 2, total: 2 })
  return { dir, seed: options.seed, images, people: counts, seconds: (performance.now() - started) / 1000 }
}
