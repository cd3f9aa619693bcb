// Predictions shown over the image being annotated: which run (and checkpoint) predicts, its skeleton
// and per-joint confidence for the image's people, and the heatmaps (decoded from the contract's base64
// bytes once per image). Computed on the main side; kept here per image so going back costs nothing.
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, readonly, ref, shallowRef, watch } from 'vue'
import type { ImagePredictions, PersonPrediction, PredictionSource, RunSummary } from '../../../contract'
import { ApiError, call } from '../api/client'
import { useSystemStore } from './system'

/** What predicts: a run's checkpoint ('best', 'latest', …) or a checkpoint folder (the one a prediction set came from). */
export interface PredictionChoice {
  source: PredictionSource
  /** Average with the mirrored crop, as the prediction set being looked at was made (default true). */
  flip: boolean
  /** For a checkpoint folder: what the picker calls it. */
  label?: string
}

/** A person's prediction with its heatmaps as bytes (joint-major, heatmapSize² per joint). */
export interface DecodedPrediction extends Omit<PersonPrediction, 'heatmaps'> {
  heatmaps: Uint8Array | null
}

const CACHE = 16

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export const usePredictionsStore = defineStore('predictions', () => {
  const runs = ref<RunSummary[]>([])
  const choice = ref<PredictionChoice | null>(null)
  const visible = ref(true)
  const showHeatmap = ref(true)
  /** The predictions of the shown image (null while none is chosen or loading). */
  const current = shallowRef<{ imageId: number; label: string; checkpoint: string; people: DecodedPrediction[]; milliseconds: number } | null>(null)
  const loading = ref(false)
  const error = ref<string | null>(null)

  const cache = new Map<string, Promise<ImagePredictions>>()
  let token = 0

  // runs and images belong to one project
  const system = useSystemStore()
  watch(
    () => system.project?.id,
    () => {
      token++
      cache.clear()
      runs.value = []
      choice.value = null
      current.value = null
      error.value = null
    }
  )

  const byPerson = computed(() => new Map((current.value?.people ?? []).map((p) => [p.personId, p])))

  async function loadRuns(): Promise<void> {
    try {
      runs.value = (await call('listRuns', {})).runs
    } catch {
      runs.value = []
    }
    const source = choice.value?.source
    if (source?.kind === 'run' && !runs.value.some((r) => r.id === source.runId)) choice.value = null
  }

  function choose(next: PredictionChoice | null): void {
    choice.value = next
    current.value = null
    error.value = null
  }

  /** Shows the checkpoint a prediction set was made with (the Dataset view's ranking, the Evaluate view's links). */
  async function chooseSet(setId: number): Promise<void> {
    try {
      const set = (await call('listPredictionSets', {})).find((s) => s.id === setId)
      if (!set || set.kind !== 'run') return
      const same = choice.value?.source.kind === 'checkpoint' && choice.value.source.path === set.origin
      if (!same) choose({ source: { kind: 'checkpoint', path: set.origin }, flip: set.flip, label: set.name })
    } catch (e) {
      error.value = e instanceof ApiError || e instanceof Error ? e.message : String(e)
    }
  }

  function keyOf(imageId: number, revisionKey: string): string {
    return `${JSON.stringify(choice.value)}/${imageId}/${revisionKey}`
  }

  /**
   * Predicts the image's people (or reuses the answer for the same people at the same revisions: a
   * person's crop depends on its centre and scale, which an edit may change).
   */
  async function load(imageId: number, revisionKey: string): Promise<void> {
    if (!choice.value) {
      current.value = null
      return
    }
    const key = keyOf(imageId, revisionKey)
    const mine = ++token
    let pending = cache.get(key)
    if (!pending) {
      pending = call('predictImage', { imageId, source: choice.value.source, flip: choice.value.flip })
      cache.set(key, pending)
      pending.catch(() => cache.delete(key))
      while (cache.size > CACHE) cache.delete(cache.keys().next().value!)
    }
    loading.value = true
    try {
      const result = await pending
      if (mine !== token) return
      current.value = {
        imageId,
        label: result.label,
        checkpoint: result.checkpoint,
        milliseconds: result.milliseconds,
        people: result.people.map((p) => ({ ...p, heatmaps: p.heatmaps ? decodeBase64(p.heatmaps) : null }))
      }
      error.value = null
    } catch (e) {
      if (mine !== token) return
      current.value = null
      error.value = e instanceof ApiError || e instanceof Error ? e.message : String(e)
    } finally {
      if (mine === token) loading.value = false
    }
  }

  function toggleVisible(): void {
    visible.value = !visible.value
  }

  function toggleHeatmap(): void {
    showHeatmap.value = !showHeatmap.value
  }

  return {
    runs: readonly(runs),
    choice: readonly(choice),
    visible: readonly(visible),
    showHeatmap: readonly(showHeatmap),
    current,
    loading: readonly(loading),
    error: readonly(error),
    byPerson,
    loadRuns,
    choose,
    chooseSet,
    load,
    toggleVisible,
    toggleHeatmap
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(usePredictionsStore, import.meta.hot))
