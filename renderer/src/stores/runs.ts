// Training runs (the Train view, and the run pickers of Evaluate and Compare): the list with status and
// "edits since", the presets, one run's detail, and what training pushes live (steps, epochs,
// checkpoints, heatmaps) kept per run so switching between runs keeps each one's curves.
import { acceptHMRUpdate, defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { EpochRecord, Params, Payload, Result, RunDetail, RunSummary } from '../../../contract'
import { api, call } from '../api/client'

export type TrainPreset = Result<'trainPresets'>['presets'][number]
export type StepReport = Payload<'trainStep'>
export type HeatmapsReport = Payload<'trainHeatmaps'>

export interface LossPoint {
  step: number
  loss: number
}

/** What arrived for a run while this window listened. */
export interface LiveRun {
  losses: LossPoint[]
  lastStep: StepReport | null
  epochs: EpochRecord[]
  heatmaps: HeatmapsReport | null
  heatmapUpdates: number
}

/** Past this many step losses per run, every other one is dropped: the chart keeps its shape and cost. */
const MAX_LOSS_POINTS = 2000

const ACTIVE: ReadonlySet<RunSummary['status']> = new Set(['queued', 'running', 'paused'])

export function isActive(run: Pick<RunSummary, 'status'>): boolean {
  return ACTIVE.has(run.status)
}

function emptyLive(): LiveRun {
  return { losses: [], lastStep: null, epochs: [], heatmaps: null, heatmapUpdates: 0 }
}

export const useRunsStore = defineStore('runs', () => {
  const runs = ref<RunSummary[]>([])
  const presets = ref<TrainPreset[]>([])
  const selectedRunId = ref<string | null>(null)
  const detail = ref<RunDetail | null>(null)
  // heatmaps are large base64 strings that are only ever replaced: no deep reactivity needed
  const live = shallowRef<Record<string, LiveRun>>({})
  const busy = ref(false)
  const error = ref<string | null>(null)

  const selectedRun = computed(() => runs.value.find((r) => r.id === selectedRunId.value) ?? null)
  const selectedLive = computed(() => (selectedRunId.value ? (live.value[selectedRunId.value] ?? null) : null))
  const activeRuns = computed(() => runs.value.filter(isActive))
  const finishedRuns = computed(() => runs.value.filter((r) => !isActive(r) && r.step > 0))

  let listening = false
  /** Subscribes once to the training events; they update whatever run they name. */
  function listen(): void {
    if (listening) return
    listening = true
    const events = api()
    events.onRunStatus(upsert)
    events.onTrainStep((report) => {
      const run = liveOf(report.runId)
      const losses = run.losses.length >= MAX_LOSS_POINTS ? run.losses.filter((_, i) => i % 2 === 1) : run.losses.slice()
      losses.push({ step: report.step, loss: report.loss })
      setLive(report.runId, { ...run, losses, lastStep: report })
      patchRun(report.runId, { step: report.step, totalSteps: report.totalSteps })
    })
    events.onTrainEpoch(({ runId, ...epoch }) => {
      const run = liveOf(runId)
      setLive(runId, { ...run, epochs: [...run.epochs.filter((e) => e.epoch !== epoch.epoch), epoch].sort((a, b) => a.epoch - b.epoch) })
      if (detail.value?.id === runId) {
        detail.value = { ...detail.value, epochList: [...detail.value.epochList.filter((e) => e.epoch !== epoch.epoch), epoch] }
      }
    })
    events.onTrainCheckpoint(({ runId, ...checkpoint }) => {
      if (detail.value?.id === runId) {
        detail.value = { ...detail.value, checkpoints: [...detail.value.checkpoints.filter((c) => c.path !== checkpoint.path), checkpoint] }
      }
    })
    events.onTrainHeatmaps((report) => {
      const run = liveOf(report.runId)
      setLive(report.runId, { ...run, heatmaps: report, heatmapUpdates: run.heatmapUpdates + 1 })
    })
  }

  function liveOf(runId: string): LiveRun {
    return live.value[runId] ?? emptyLive()
  }

  function setLive(runId: string, next: LiveRun): void {
    live.value = { ...live.value, [runId]: next }
  }

  function patchRun(runId: string, patch: Partial<RunSummary>): void {
    const index = runs.value.findIndex((r) => r.id === runId)
    if (index >= 0) runs.value[index] = { ...runs.value[index], ...patch }
  }

  function upsert(run: RunSummary): void {
    const index = runs.value.findIndex((r) => r.id === run.id)
    if (index >= 0) runs.value[index] = run
    else runs.value = [run, ...runs.value]
    if (detail.value?.id === run.id) detail.value = { ...detail.value, ...run }
  }

  async function load(): Promise<void> {
    listen()
    try {
      const [list, presetList] = await Promise.all([call('listRuns', {}), presets.value.length ? null : call('trainPresets', {})])
      runs.value = list.runs
      if (presetList) presets.value = presetList.presets
      // a run chosen in another project is not one of these
      if (selectedRunId.value && !list.runs.some((r) => r.id === selectedRunId.value)) {
        selectedRunId.value = null
        detail.value = null
      }
      error.value = null
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  async function select(runId: string | null): Promise<void> {
    selectedRunId.value = runId
    if (!runId) {
      detail.value = null
      return
    }
    try {
      const next = await call('getRun', { runId })
      if (selectedRunId.value !== runId) return
      detail.value = next
      // a run opened after the fact (or after a reload) still shows its epochs
      const run = liveOf(runId)
      if (run.epochs.length < next.epochList.length) setLive(runId, { ...run, epochs: next.epochList })
    } catch (e) {
      error.value = (e as Error).message
    }
  }

  async function act<T>(work: () => Promise<T>): Promise<T | null> {
    busy.value = true
    error.value = null
    try {
      return await work()
    } catch (e) {
      error.value = (e as Error).message
      return null
    } finally {
      busy.value = false
    }
  }

  async function start(params: Params<'startRun'>): Promise<RunSummary | null> {
    listen()
    const run = await act(() => call('startRun', params))
    if (run) {
      upsert(run)
      await select(run.id)
    }
    return run
  }

  const pause = (runId: string) => act(() => call('pauseRun', { runId }).then(upsertAndReturn))
  const resume = (runId: string) => act(() => call('resumeRun', { runId }).then(upsertAndReturn))
  const stop = (runId: string) => act(() => call('stopRun', { runId }).then(upsertAndReturn))

  function upsertAndReturn(run: RunSummary): RunSummary {
    upsert(run)
    return run
  }

  async function remove(runId: string): Promise<void> {
    const done = await act(() => call('deleteRun', { runId }))
    if (!done) return
    runs.value = runs.value.filter((r) => r.id !== runId)
    if (selectedRunId.value === runId) await select(null)
  }

  return {
    runs,
    presets,
    selectedRunId,
    detail,
    live,
    busy,
    error,
    selectedRun,
    selectedLive,
    activeRuns,
    finishedRuns,
    load,
    select,
    start,
    pause,
    resume,
    stop,
    remove
  }
})

if (import.meta.hot) import.meta.hot.accept(acceptHMRUpdate(useRunsStore, import.meta.hot))
