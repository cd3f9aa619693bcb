// Evaluation of one prediction set at a time (the Evaluate view): the project's prediction sets, the
// chosen one's PCKh report, its error ranking and its score history; scoring a run's checkpoint.
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Evaluation, Params, PredictionSetInfo, RankingPage, Result } from '../../../contract'
import { call } from '../api/client'

type RankingOrder = NonNullable<Params<'rankEvaluationErrors'>['order']>
type RecordedEvaluation = Result<'evaluationHistory'>[number]

export const RANKING_PAGE_SIZE = 25

export const useEvaluationStore = defineStore('evaluation', () => {
  const sets = ref<PredictionSetInfo[]>([])
  const selectedSetId = ref<number | null>(null)
  const evaluation = ref<Evaluation | null>(null)
  const ranking = ref<RankingPage | null>(null)
  const rankingOrder = ref<RankingOrder>('worstJoint')
  const history = ref<RecordedEvaluation[]>([])
  const loading = ref(false)
  /** Run ids whose checkpoint is being evaluated from this window. */
  const evaluatingRuns = ref<string[]>([])
  const error = ref<string | null>(null)

  const selectedSet = computed(() => sets.value.find((s) => s.id === selectedSetId.value) ?? null)
  const setsByRun = computed(() => {
    const byRun = new Map<string, PredictionSetInfo[]>()
    for (const set of sets.value) {
      if (!set.runId) continue
      byRun.set(set.runId, [...(byRun.get(set.runId) ?? []), set])
    }
    return byRun
  })
  const importedSets = computed(() => sets.value.filter((s) => s.kind === 'import'))

  // Each selection bumps the generation; replies for an older one are dropped, so quick clicking
  // through the list never shows one set's table under another's name.
  let generation = 0

  async function loadSets(): Promise<void> {
    sets.value = await call('listPredictionSets', {})
  }

  async function select(setId: number | null): Promise<void> {
    const mine = ++generation
    selectedSetId.value = setId
    evaluation.value = null
    ranking.value = null
    history.value = []
    error.value = null
    if (setId === null) return
    loading.value = true
    try {
      const source = { kind: 'predictionSet' as const, id: setId }
      // recorded when the labels moved since the last score, so the history shows the effect of corrections
      const { mark } = await call('labelMark', {})
      const latest = sets.value.find((s) => s.id === setId)?.latest ?? null
      const record = latest === null || latest.labelMark !== mark
      const [result, page] = await Promise.all([
        call('getEvaluation', { source, record }),
        call('rankEvaluationErrors', { source, order: rankingOrder.value, limit: RANKING_PAGE_SIZE })
      ])
      if (mine !== generation) return
      evaluation.value = result
      showRanking(page)
      history.value = await call('evaluationHistory', { id: setId })
      if (mine === generation) void loadSets()
    } catch (e) {
      if (mine === generation) error.value = (e as Error).message
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function loadRankingPage(offset: number, order: RankingOrder = rankingOrder.value): Promise<void> {
    const setId = selectedSetId.value
    if (setId === null) return
    const mine = generation
    rankingOrder.value = order
    try {
      const page = await call('rankEvaluationErrors', { source: { kind: 'predictionSet', id: setId }, order, offset, limit: RANKING_PAGE_SIZE })
      if (mine === generation) showRanking(page)
    } catch (e) {
      if (mine === generation) error.value = (e as Error).message
    }
  }

  function showRanking(page: RankingPage): void {
    ranking.value = page
  }

  /** Runs a run's best checkpoint over the validation split (a cancellable task), then shows its new set. */
  async function evaluateRun(runId: string, name?: string): Promise<PredictionSetInfo | null> {
    evaluatingRuns.value = [...evaluatingRuns.value, runId]
    error.value = null
    try {
      const { set } = await call('evaluateRun', { source: { kind: 'run', runId, checkpoint: 'best' }, split: 'val', name })
      await loadSets()
      await select(set.id)
      return set
    } catch (e) {
      error.value = (e as Error).message
      return null
    } finally {
      evaluatingRuns.value = evaluatingRuns.value.filter((id) => id !== runId)
    }
  }

  async function deleteSet(setId: number): Promise<void> {
    await call('deletePredictionSet', { id: setId })
    if (selectedSetId.value === setId) await select(null)
    await loadSets()
  }

  async function exportCsv(setIds: number[], which: 'summary' | 'curves' = 'summary'): Promise<{ fileName: string; csv: string }> {
    const files = await call('exportEvaluationCsv', { sources: setIds.map((id) => ({ kind: 'predictionSet' as const, id })) })
    return files[which]
  }

  return {
    sets,
    selectedSetId,
    evaluation,
    ranking,
    rankingOrder,
    history,
    loading,
    evaluatingRuns,
    error,
    selectedSet,
    setsByRun,
    importedSets,
    loadSets,
    select,
    loadRankingPage,
    evaluateRun,
    deleteSet,
    exportCsv
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useEvaluationStore, import.meta.hot))
