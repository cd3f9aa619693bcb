// A run's progress as the Train view shows it: fraction done, images/s, and an ETA that holds steady.
// The trainer reports throughput per step; an exponential average over those reports keeps the ETA
// from jumping with every slow batch, and the clock is read once a second so "ETA" counts down between
// reports (a paused run shows no ETA).
import { computed, onScopeDispose, ref, watch, type Ref } from 'vue'
import type { RunSummary } from '../../../contract'
import type { StepReport } from '../stores/runs'

/** Weight of the newest throughput report in the running average. */
const SMOOTHING = 0.3

export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–'
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = s % 60
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`
  if (m > 0) return `${m} min ${String(rest).padStart(2, '0')} s`
  return `${rest} s`
}

export function useTrainingProgress(run: Ref<RunSummary | null>, lastStep: Ref<StepReport | null>) {
  const imagesPerSecond = ref<number | null>(null)
  const reportedAt = ref<number | null>(null)
  const now = ref(Date.now())

  const timer = setInterval(() => (now.value = Date.now()), 1000)
  onScopeDispose(() => clearInterval(timer))

  watch(
    () => run.value?.id,
    () => {
      imagesPerSecond.value = null
      reportedAt.value = null
    }
  )

  watch(lastStep, (step) => {
    if (!step || step.runId !== run.value?.id || !(step.imagesPerSecond > 0)) return
    imagesPerSecond.value =
      imagesPerSecond.value === null ? step.imagesPerSecond : SMOOTHING * step.imagesPerSecond + (1 - SMOOTHING) * imagesPerSecond.value
    reportedAt.value = Date.now()
  })

  const step = computed(() => Math.max(run.value?.step ?? 0, lastStep.value?.runId === run.value?.id ? (lastStep.value?.step ?? 0) : 0))
  const totalSteps = computed(() => run.value?.totalSteps ?? (lastStep.value?.runId === run.value?.id ? lastStep.value?.totalSteps : null) ?? null)
  const fraction = computed(() => (totalSteps.value ? Math.min(1, step.value / totalSteps.value) : null))

  const etaSeconds = computed<number | null>(() => {
    const r = run.value
    if (!r || r.status !== 'running' || !totalSteps.value || !imagesPerSecond.value || !reportedAt.value) return null
    const stepsPerSecond = imagesPerSecond.value / r.batchSize
    const remaining = (totalSteps.value - step.value) / stepsPerSecond
    return Math.max(0, remaining - (now.value - reportedAt.value) / 1000)
  })

  return { step, totalSteps, fraction, imagesPerSecond, etaSeconds }
}
