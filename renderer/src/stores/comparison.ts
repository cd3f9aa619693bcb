// Comparing prediction sets on the same people (the Compare view): the chosen sets, baseline first;
// the comparison (deltas, curves, paired difference); and the people where the baseline and one other
// set disagree most, to step through on the paired canvases.
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Comparison, Params } from '../../../contract'
import { call } from '../api/client'

export type PairedMetric = NonNullable<Params<'compareEvaluations'>['metric']>
export type PersonChange = Comparison['pairs'][number]['muchBetter'][number]

/** Everyone whose mean error differs at all is a candidate; the list keeps the largest changes. */
const DISAGREEMENT_MIN_ERROR = 1e-6
const DISAGREEMENT_LIMIT = 30

export const useComparisonStore = defineStore('comparison', () => {
  const selected = ref<number[]>([])
  const metric = ref<PairedMetric>('pckh')
  const result = ref<Comparison | null>(null)
  /** Which pair (index into result.pairs) the disagreement list and the canvases show. */
  const pairIndex = ref(0)
  const disagreements = ref<PersonChange[]>([])
  const loading = ref(false)
  const error = ref<string | null>(null)

  const baselineId = computed(() => selected.value[0] ?? null)
  const pair = computed(() => result.value?.pairs[pairIndex.value] ?? null)
  const pairSetIds = computed<[number, number] | null>(() => {
    const other = selected.value[pairIndex.value + 1]
    return baselineId.value !== null && other !== undefined ? [baselineId.value, other] : null
  })

  let generation = 0

  function sources(ids: number[]) {
    return ids.map((id) => ({ kind: 'predictionSet' as const, id }))
  }

  /** Selects exactly these sets (first = baseline) and compares them. */
  async function compare(ids: number[], nextMetric: PairedMetric = metric.value): Promise<void> {
    const mine = ++generation
    selected.value = ids
    metric.value = nextMetric
    result.value = null
    disagreements.value = []
    error.value = null
    if (pairIndex.value >= ids.length - 1) pairIndex.value = 0
    if (ids.length < 2) return
    loading.value = true
    try {
      const comparison = await call('compareEvaluations', { sources: sources(ids), metric: nextMetric })
      if (mine !== generation) return
      result.value = comparison
      await loadDisagreements(mine)
    } catch (e) {
      if (mine === generation) error.value = (e as Error).message
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function choosePair(index: number): Promise<void> {
    pairIndex.value = index
    await loadDisagreements(generation)
  }

  // Ranked by mean normalised error, which separates people that PCKh (a count of joints within a
  // threshold) would call equal; worse and better changes are merged, largest first.
  async function loadDisagreements(mine: number): Promise<void> {
    const ids = pairSetIds.value
    if (!ids) return
    const comparison = await call('compareEvaluations', {
      sources: sources(ids),
      metric: 'meanError',
      minDifference: DISAGREEMENT_MIN_ERROR,
      limit: DISAGREEMENT_LIMIT,
      resamples: 100
    })
    if (mine !== generation) return
    const { muchBetter, muchWorse } = comparison.pairs[0]
    disagreements.value = [...muchBetter, ...muchWorse].sort((a, b) => Math.abs(b.difference) - Math.abs(a.difference)).slice(0, DISAGREEMENT_LIMIT)
  }

  async function exportCsv(): Promise<{ fileName: string; csv: string }> {
    const files = await call('exportEvaluationCsv', { sources: sources(selected.value) })
    return files.summary
  }

  return {
    selected,
    metric,
    result,
    pairIndex,
    disagreements,
    loading,
    error,
    baselineId,
    pair,
    pairSetIds,
    compare,
    choosePair,
    exportCsv
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useComparisonStore, import.meta.hot))
