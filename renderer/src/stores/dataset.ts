// The Dataset view's list: the filter, the images matching it (loaded in blocks as the grid scrolls, so
// 25,000 images cost a few small requests), the selection, and the same ordered list the Annotate view
// walks with "next image". With a prediction set chosen, the list is its people, worst error first.
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, readonly, ref, shallowRef, watch } from 'vue'
import type { DatasetStats, ImageRecord, PredictionSetInfo, Split } from '../../../contract'
import { call } from '../api/client'
import { useSystemStore } from './system'

/** Images per list request: one request fills about three screens of the grid. */
export const BLOCK = 200
const RANKING_BLOCK = 200

export type TriState = 'any' | 'yes' | 'no'

export interface DatasetFilter {
  split: Split | 'all'
  edited: TriState
  occluded: TriState
  missing: TriState
  search: string
  /** A prediction set whose people are listed worst error first (null: images in id order). */
  rankBy: number | null
}

/** One cell of the grid: an image, or in ranking mode one person of it with the joint to open at. */
export interface GridEntry {
  imageId: number
  name: string
  thumbUrl: string
  split?: Split
  record?: ImageRecord
  personId?: number
  joint?: number | null
  /** 1-based place in the ranking. */
  rank?: number
  /** Worst joint's error in head sizes (ranking mode). */
  error?: number | null
  pckh?: number | null
}

type Block = (GridEntry | undefined)[]

const EMPTY_FILTER: DatasetFilter = { split: 'all', edited: 'any', occluded: 'any', missing: 'any', search: '', rankBy: null }

function flag(state: TriState): boolean | undefined {
  return state === 'any' ? undefined : state === 'yes'
}

export const useDatasetStore = defineStore('dataset', () => {
  const filter = ref<DatasetFilter>({ ...EMPTY_FILTER })
  const total = ref(0)
  /** Blocks of the list by block number; replaced (not mutated) when one arrives, so the grid redraws. */
  const blocks = shallowRef(new Map<number, Block>())
  const selectedIndex = ref(0)
  const stats = ref<DatasetStats | null>(null)
  const predictionSets = ref<PredictionSetInfo[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** Bumped whenever the list restarts, so answers to an older filter are dropped. */
  const generation = ref(0)

  const rankingSet = computed(() => predictionSets.value.find((s) => s.id === filter.value.rankBy) ?? null)
  const selected = computed(() => entryAt(selectedIndex.value))

  const pending = new Map<number, Promise<void>>()
  let projectId = ''

  // Ids belong to one project: another project open starts the list over (its filter stays, but not a
  // ranking by a prediction set of the other project).
  const system = useSystemStore()
  watch(
    () => system.project?.id,
    () => {
      generation.value++
      blocks.value = new Map()
      pending.clear()
      total.value = 0
      selectedIndex.value = 0
      stats.value = null
      predictionSets.value = []
      filter.value = { ...filter.value, rankBy: null }
    }
  )

  function entryAt(index: number): GridEntry | undefined {
    return blocks.value.get(Math.floor(index / BLOCK))?.[index % BLOCK]
  }

  async function reset(): Promise<void> {
    generation.value++
    blocks.value = new Map()
    pending.clear()
    selectedIndex.value = 0
    error.value = null
    await loadBlock(0)
  }

  function setFilter(patch: Partial<DatasetFilter>): Promise<void> {
    filter.value = { ...filter.value, ...patch }
    return reset()
  }

  function clearFilter(): Promise<void> {
    filter.value = { ...EMPTY_FILTER }
    return reset()
  }

  /** Loads the blocks covering [start, end] that are not loaded or loading. */
  function ensureRange(start: number, end: number): Promise<void> {
    const first = Math.max(0, Math.floor(start / BLOCK))
    const last = Math.floor(Math.max(start, end) / BLOCK)
    const work: Promise<void>[] = []
    for (let b = first; b <= last; b++) {
      if (b > 0 && b * BLOCK >= total.value) break
      if (!blocks.value.has(b)) work.push(loadBlock(b))
    }
    return Promise.all(work).then(() => undefined)
  }

  function loadBlock(block: number): Promise<void> {
    const running = pending.get(block)
    if (running) return running
    const started = generation.value
    const work = (async () => {
      loading.value = true
      try {
        const entries = filter.value.rankBy === null ? await imageBlock(block) : await rankingBlock(block, filter.value.rankBy)
        if (started !== generation.value) return
        const next = new Map(blocks.value)
        next.set(block, entries)
        blocks.value = next
      } catch (e) {
        if (started === generation.value) error.value = (e as Error).message
      } finally {
        pending.delete(block)
        loading.value = pending.size > 0
      }
    })()
    pending.set(block, work)
    return work
  }

  async function imageBlock(block: number): Promise<Block> {
    const f = filter.value
    const page = await call('listImages', {
      filter: {
        split: f.split === 'all' ? undefined : f.split,
        edited: flag(f.edited),
        occludedJoints: flag(f.occluded),
        missingJoints: flag(f.missing),
        search: f.search.trim() || undefined
      },
      offset: block * BLOCK,
      limit: BLOCK
    })
    total.value = page.total
    return page.images.map((record) => ({ imageId: record.id, name: record.name, thumbUrl: record.thumbUrl, split: record.split, record }))
  }

  async function rankingBlock(block: number, setId: number): Promise<Block> {
    const page = await call('rankEvaluationErrors', {
      source: { kind: 'predictionSet', id: setId },
      order: 'worstJoint',
      offset: block * RANKING_BLOCK,
      limit: RANKING_BLOCK
    })
    total.value = page.total
    return page.items.map((item) => {
      const name = item.imageName ?? `person ${item.personId ?? item.index}`
      const imageId = item.imageId ?? 0
      return {
        imageId,
        name,
        // the person itself, as the network saw it (media's crop route), rather than the whole image
        thumbUrl: item.personId !== undefined ? `media/${projectId}/crop/${item.personId}` : imageId ? `media/${projectId}/thumb/${imageId}` : '',
        personId: item.personId,
        joint: item.worstJoint,
        rank: item.rank + 1,
        error: item.worstError,
        pckh: item.pckh
      }
    })
  }

  async function loadMeta(currentProjectId: string): Promise<void> {
    projectId = currentProjectId
    const [nextStats, sets] = await Promise.all([call('datasetStats', {}), call('listPredictionSets', {}).catch(() => [])])
    stats.value = nextStats
    predictionSets.value = sets
    if (filter.value.rankBy !== null && !sets.some((s) => s.id === filter.value.rankBy)) filter.value = { ...filter.value, rankBy: null }
  }

  function select(index: number): void {
    selectedIndex.value = Math.max(0, Math.min(index, Math.max(0, total.value - 1)))
  }

  /** The entry `delta` places from `index` in the list, loading its block if needed. */
  async function entryFrom(index: number, delta: number): Promise<{ index: number; entry: GridEntry } | null> {
    const target = index + delta
    if (target < 0 || target >= total.value) return null
    await ensureRange(target, target)
    const entry = entryAt(target)
    return entry ? { index: target, entry } : null
  }

  /**
   * Where an image (and person, in ranking mode) is in the list: the selected entry when it matches, else
   * a search through the loaded blocks, then through the rest block by block (deep links only).
   */
  async function indexOf(imageId: number, personId?: number | null): Promise<number | null> {
    const matches = (e: GridEntry | undefined) => !!e && e.imageId === imageId && (personId == null || e.personId === undefined || e.personId === personId)
    if (matches(entryAt(selectedIndex.value))) return selectedIndex.value
    for (const [b, block] of blocks.value) {
      const i = block.findIndex(matches)
      if (i >= 0) return b * BLOCK + i
    }
    if (total.value === 0) await loadBlock(0)
    for (let b = 0; b * BLOCK < total.value; b++) {
      if (!blocks.value.has(b)) await loadBlock(b)
      const i = blocks.value.get(b)?.findIndex(matches) ?? -1
      if (i >= 0) return b * BLOCK + i
    }
    return null
  }

  /**
   * Reads again the loaded blocks that hold these images (after an edit their counts change). The old
   * block stays until the new one arrives, so the grid and "next image" never see a gap.
   */
  async function refreshImages(ids: number[]): Promise<void> {
    if (filter.value.rankBy !== null) return
    const wanted = new Set(ids)
    const stale = [...blocks.value].filter(([, block]) => block.some((e) => e && wanted.has(e.imageId))).map(([b]) => b)
    await Promise.all(stale.map((b) => loadBlock(b)))
  }

  return {
    filter: readonly(filter),
    total: readonly(total),
    // the blocks stay a plain shallow ref: readonly() would wrap every entry in a proxy
    blocks,
    selectedIndex: readonly(selectedIndex),
    stats: readonly(stats),
    predictionSets: readonly(predictionSets),
    loading: readonly(loading),
    error: readonly(error),
    generation: readonly(generation),

    rankingSet,
    selected,
    entryAt,

    reset,
    setFilter,
    clearFilter,
    ensureRange,
    loadMeta,
    select,
    entryFrom,
    indexOf,
    refreshImages
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useDatasetStore, import.meta.hot))
