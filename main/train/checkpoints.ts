// Which checkpoint a request means ('best', 'latest', 'epoch-12', 'step-3000'), and which ones a run keeps.
import { badInput } from '../errors'
import type { CheckpointRecord } from './runs-store'

export type CheckpointChoice = 'best' | 'latest' | `epoch-${number}` | `step-${number}`

export function parseCheckpointChoice(value: string): CheckpointChoice {
  if (value === 'best' || value === 'latest' || /^(epoch|step)-\d+$/.test(value)) return value as CheckpointChoice
  throw badInput(`a checkpoint is 'best', 'latest', 'epoch-N' or 'step-N', got ${JSON.stringify(value)}`, 'checkpoint')
}

/** The checkpoint a choice names; null when the run has none that fits. 'best' falls back to the latest when no epoch was scored. */
export function chooseCheckpoint(checkpoints: readonly CheckpointRecord[], choice: CheckpointChoice): CheckpointRecord | null {
  if (checkpoints.length === 0) return null
  const byStep = [...checkpoints].sort((a, b) => a.step - b.step)
  if (choice === 'latest') return byStep.at(-1)!
  if (choice === 'best') return bestOf(byStep) ?? byStep.at(-1)!
  const [kind, n] = choice.split('-')
  const value = Number(n)
  if (kind === 'step') return byStep.find((c) => c.step === value) ?? null
  return byStep.filter((c) => c.epoch === value).at(-1) ?? null
}

function bestOf(checkpoints: readonly CheckpointRecord[]): CheckpointRecord | null {
  let best: CheckpointRecord | null = null
  for (const c of checkpoints) if (c.pckh !== null && (best === null || c.pckh > best.pckh!)) best = c
  return best
}

/** The checkpoints to delete: all but the latest, the best, the last `keepEpochs` epoch ones and `protect`ed folders. */
export function checkpointsToPrune(checkpoints: readonly CheckpointRecord[], keepEpochs: number, protect: ReadonlySet<string>): CheckpointRecord[] {
  const byStep = [...checkpoints].sort((a, b) => a.step - b.step)
  const keep = new Set<CheckpointRecord>()
  if (byStep.length) keep.add(byStep.at(-1)!)
  const best = bestOf(byStep)
  if (best) keep.add(best)
  const epochs = byStep.filter((c) => c.reason === 'epoch')
  for (const c of keepEpochs > 0 ? epochs.slice(-keepEpochs) : []) keep.add(c)
  return byStep.filter((c) => !keep.has(c) && !protect.has(c.path))
}
