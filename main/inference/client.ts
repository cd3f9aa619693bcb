// Main's side of a project's inference worker (worker-main.ts). Network inference takes seconds of CPU (a
// prediction 1–2.6 s on wasm for the demo preset, an evaluation ~10 s per person for the paper preset), and
// in main it would hold up every other request of the UI; so it runs in a process of the trainer bundle,
// started through the same launcher as trainers. One worker per open project (its 'inference' resource),
// started on first use and killed when the project closes. A worker that dies fails the requests it had
// in flight with an error naming the crash; the next request starts a fresh one. A change of the backend
// setting starts a fresh one too, once the current one is idle.
import { cancelled, unavailable, WorkbenchError } from '../errors'
import type { PredictionSet } from '../eval/types'
import type { CheckpointInfo } from '../model/checkpoint'
import type { ProgressOptions } from '../progress'
import type { RoleHandle, TrainerExit, TrainerLauncher } from '../train/launcher'
import type { BackendPreference } from '../train/protocol'
import type { EncodedPersonPrediction, EvaluateRequest, InferenceEvent, PredictRequest } from './protocol'

export interface InferenceWorkerOptions {
  launcher: TrainerLauncher
  /** The backend preference, read whenever a worker starts ('auto' walks the ladder, as training does). */
  backend: () => BackendPreference
  /** Extra environment for the worker process. */
  env?: Record<string, string>
}

export interface EvaluatedPeople {
  predictions: PredictionSet
  /** The checkpoint's config.json (its network config and meta). */
  checkpoint: CheckpointInfo
}

export interface PredictedPeople {
  inputRes: number
  people: EncodedPersonPrediction[]
}

/** The engine a worker started, as it reported it. */
export interface WorkerEngine {
  backend: string
  device: string
  fallbacks: string[]
}

type Reply = Extract<InferenceEvent, { type: 'evaluated' | 'predicted' }>

interface Pending {
  /** What the request was, for the error of a crash ("evaluating 120 people with …"). */
  what: string
  resolve: (reply: Reply) => void
  reject: (error: Error) => void
  onProgress?: ProgressOptions['onProgress']
}

interface LiveWorker {
  handle: RoleHandle<'inference'>
  backend: BackendPreference
  pending: Map<number, Pending>
  engine: WorkerEngine | null
  /** Why the worker went down, when it said so before exiting. */
  fatal: string | null
  /** Set when main ends it (project closed, backend changed): its exit is no crash. */
  ending: string | null
  exited: Promise<void>
}

export class InferenceWorker {
  private live: LiveWorker | null = null
  private nextId = 1
  private closed = false

  constructor(private readonly options: InferenceWorkerOptions) {}

  /** The running worker's process id (null when none runs). */
  get pid(): number | null {
    return this.live?.handle.pid ?? null
  }

  /** The engine the running worker started, once it has. */
  get engine(): WorkerEngine | null {
    return this.live?.engine ?? null
  }

  /**
   * Predicts `people` through a checkpoint, with progress per batch; aborting `signal` stops the worker at
   * its next batch and the promise rejects with code 'cancelled'.
   */
  async evaluate(request: EvaluateRequest, { onProgress, signal }: ProgressOptions = {}): Promise<EvaluatedPeople> {
    if (signal?.aborted) throw cancelled('evaluation cancelled')
    const reply = await this.request({ type: 'evaluate', ...request }, `evaluating ${counted(request.people.length)} with ${request.checkpoint}`, onProgress, signal)
    if (reply.type !== 'evaluated') throw new Error(`the inference worker answered an evaluation with '${reply.type}'`)
    const count = request.people.length
    return {
      predictions: { source: request.checkpoint, count, coords: Float64Array.from(reply.coords), confidence: Float64Array.from(reply.confidence) },
      checkpoint: reply.checkpoint
    }
  }

  /** The people's joints, confidences and (if asked) quantised heatmaps through a checkpoint. */
  async predict(request: PredictRequest): Promise<PredictedPeople> {
    const reply = await this.request({ type: 'predict', ...request }, `predicting ${counted(request.people.length)} with ${request.checkpoint}`)
    if (reply.type !== 'predicted') throw new Error(`the inference worker answered a prediction with '${reply.type}'`)
    return { inputRes: reply.inputRes, people: reply.people }
  }

  /** Kills the worker; requests in flight fail with code 'cancelled', later ones with 'unavailable'. */
  async close(): Promise<void> {
    this.closed = true
    const live = this.live
    if (!live) return
    this.end(live, 'the project was closed')
    await live.exited
  }

  private request(
    command: ({ type: 'evaluate' } & EvaluateRequest) | ({ type: 'predict' } & PredictRequest),
    what: string,
    onProgress?: ProgressOptions['onProgress'],
    signal?: AbortSignal
  ): Promise<Reply> {
    if (this.closed) return Promise.reject(unavailable(`${what}: the project's inference worker was closed with the project`))
    const live = this.worker()
    const id = this.nextId++
    return new Promise<Reply>((resolve, reject) => {
      const cancel = () => live.handle.send({ type: 'cancel', id })
      const settle = () => signal?.removeEventListener('abort', cancel)
      live.pending.set(id, {
        what,
        onProgress,
        resolve: (reply) => {
          settle()
          resolve(reply)
        },
        reject: (error) => {
          settle()
          reject(error)
        }
      })
      live.handle.send({ ...command, id })
      signal?.addEventListener('abort', cancel, { once: true })
    })
  }

  /** The running worker, or a new one; one started for another backend is replaced once it is idle. */
  private worker(): LiveWorker {
    const backend = this.options.backend()
    if (this.live && this.live.backend !== backend && this.live.pending.size === 0) this.end(this.live, 'the backend setting changed')
    return (this.live ??= this.launch(backend))
  }

  private launch(backend: BackendPreference): LiveWorker {
    const handle = this.options.launcher.launch({ role: 'inference', env: this.options.env })
    let markExited!: () => void
    const live: LiveWorker = {
      handle,
      backend,
      pending: new Map(),
      engine: null,
      fatal: null,
      ending: null,
      exited: new Promise((resolve) => (markExited = resolve))
    }
    handle.onEvent((event) => this.onEvent(live, event))
    handle.onExit((exit) => {
      if (this.live === live) this.live = null
      const crash = live.ending ? null : crashMessage(live, exit)
      for (const pending of live.pending.values()) {
        const what = capitalised(pending.what)
        pending.reject(crash ? new Error(`${what} failed: ${crash}`) : cancelled(`${what} was stopped: ${live.ending}`))
      }
      live.pending.clear()
      markExited()
    })
    handle.send({ type: 'init', backend })
    return live
  }

  private onEvent(live: LiveWorker, event: InferenceEvent): void {
    switch (event.type) {
      case 'engine':
        live.engine = { backend: event.backend, device: event.device, fallbacks: event.fallbacks }
        return
      case 'progress':
        live.pending.get(event.id)?.onProgress?.({ stage: event.stage, done: event.done, total: event.total })
        return
      case 'failed': {
        if (event.id === null) {
          live.fatal = event.message
          return
        }
        const pending = live.pending.get(event.id)
        live.pending.delete(event.id)
        pending?.reject(event.code ? new WorkbenchError(event.code, event.message, event.field) : Object.assign(new Error(event.message), { stack: event.stack }))
        return
      }
      case 'evaluated':
      case 'predicted': {
        const pending = live.pending.get(event.id)
        live.pending.delete(event.id)
        pending?.resolve(event)
        return
      }
    }
  }

  private end(live: LiveWorker, reason: string): void {
    live.ending = reason
    if (this.live === live) this.live = null
    live.handle.kill()
  }
}

function crashMessage(live: LiveWorker, exit: TrainerExit): string {
  const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`
  const why = live.fatal ? `: ${live.fatal}` : ''
  const output = live.fatal ? [] : lastOutput(live.handle.stderrTail())
  const tail = output.length ? ` (its last output: ${output.join(' | ')})` : ''
  return `the inference worker (pid ${live.handle.pid ?? '?'}) crashed: it ${how}${why}${tail}; the next request starts a new one`
}

/** The last lines a worker wrote, less tfjs's banner about tfjs-node, which every cpu-backend process prints. */
function lastOutput(text: string): string[] {
  const lines = text.split('\n').map((line) => line.trim())
  return lines.filter((line) => line && !/^=+$/.test(line) && !line.startsWith('Hi, looks like you are running TensorFlow.js')).slice(-3)
}

function counted(people: number): string {
  return people === 1 ? '1 person' : `${people} people`
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
