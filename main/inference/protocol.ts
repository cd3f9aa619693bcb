// The messages between main and a project's inference worker (worker-main.ts). Main owns the database: it
// reads the people to predict and stores what comes back; the worker owns tfjs, loads checkpoints and
// predicts. Requests carry an id, and every reply names the request it answers, so evaluations and the
// editor's predictions can be in flight together. Plain JSON-able data only (coordinates as numbers, which
// JSON carries exactly; heatmap bytes as base64), as for the trainer (main/train/protocol.ts).
import type { ErrorCode } from '../errors'
import type { InferencePerson } from '../eval/inference'
import type { CheckpointInfo } from '../model/checkpoint'
import type { Rounding } from '../model/decode'
import type { PersonPrediction } from '../predictions/person-predictions'
import type { BackendPreference } from '../train/protocol'

export interface EvaluateRequest {
  /** A checkpoint folder. */
  checkpoint: string
  /** The people to predict, in the order the predictions come back. */
  people: InferencePerson[]
  flip: boolean
  /** People per forward pass; null: the engine's default (1 on cpu and wasm, 8 on GPU engines). */
  batchSize: number | null
  rounding: Rounding
}

export interface PredictRequest {
  checkpoint: string
  people: InferencePerson[]
  flip: boolean
  /** Send each person's quantised heatmaps (the editor's overlay); false leaves them out. */
  heatmaps: boolean
}

/** A person's prediction as it crosses the channel: heatmap bytes as base64, or null when not asked for. */
export type EncodedPersonPrediction = Omit<PersonPrediction, 'heatmaps'> & { heatmaps: string | null }

export type InferenceCommand =
  /** The first message: the engine to start (as training picks it). */
  | { type: 'init'; backend: BackendPreference }
  | ({ type: 'evaluate'; id: number } & EvaluateRequest)
  | ({ type: 'predict'; id: number } & PredictRequest)
  /** Stop request `id` at its next batch; it then fails with code 'cancelled'. */
  | { type: 'cancel'; id: number }

export type InferenceEvent =
  | { type: 'engine'; backend: string; device: string; fallbacks: string[] }
  | { type: 'progress'; id: number; stage: string; done: number; total: number }
  /** [people × 16 × 2] coordinates and [people × 16] confidences, person-major, MPII 1-based. */
  | { type: 'evaluated'; id: number; checkpoint: CheckpointInfo; coords: number[]; confidence: number[] }
  | { type: 'predicted'; id: number; inputRes: number; people: EncodedPersonPrediction[] }
  /** A request failed (id), or the worker itself is going down (id null). `code` keeps a WorkbenchError's code. */
  | { type: 'failed'; id: number | null; message: string; code?: ErrorCode; field?: string; stack?: string }
