// The trainer's side of the data pipeline: loader threads that prepare batches ahead of the engine, and
// the epoch plan that says which people make up the batch of each step.
import { Worker } from 'node:worker_threads'
import { trainerEntry, workerBootstrap } from './entry'
import type { BatchRequest, LoaderInit, LoaderReply, PreparedBatch } from './loader-protocol'
import { shuffled } from './seeded'

interface Waiting {
  resolve: (batch: PreparedBatch) => void
  reject: (error: Error) => void
}

/** A pool of loader threads; each request goes to the thread with the fewest outstanding batches. */
export class BatchLoader {
  private readonly waiting = new Map<number, Waiting>()
  private readonly load: number[]
  private readonly owner = new Map<number, number>()
  private nextId = 1
  private failure: Error | null = null
  private closing = false

  private constructor(private readonly workers: Worker[]) {
    this.load = workers.map(() => 0)
  }

  static async start(init: Omit<LoaderInit, 'type'>, threads: number): Promise<BatchLoader> {
    const code = workerBootstrap(trainerEntry())
    const workers = Array.from({ length: Math.max(1, threads) }, () => new Worker(code, { eval: true, workerData: { role: 'loader' } }))
    const loader = new BatchLoader(workers)
    try {
      await Promise.all(workers.map((worker, index) => loader.attach(worker, index, { type: 'init', ...init })))
    } catch (error) {
      await loader.close()
      throw error
    }
    return loader
  }

  private attach(worker: Worker, index: number, init: LoaderInit): Promise<void> {
    return new Promise((resolve, reject) => {
      worker.on('message', (reply: LoaderReply) => {
        if (reply.type === 'ready') return resolve()
        if (reply.type === 'error' && reply.id === null) return reject(new Error(`loader thread: ${reply.message}`))
        const waiting = this.waiting.get(reply.id!)
        if (!waiting) return
        this.waiting.delete(reply.id!)
        this.load[index]--
        this.owner.delete(reply.id!)
        if (reply.type === 'error') waiting.reject(new Error(`loader: ${reply.message}`))
        else waiting.resolve(reply)
      })
      const fail = (error: Error) => {
        if (this.closing) return
        this.failure ??= error
        reject(error)
        for (const [id, waiting] of this.waiting) {
          if (this.owner.get(id) !== index) continue
          this.waiting.delete(id)
          waiting.reject(error)
        }
      }
      worker.on('error', fail)
      worker.on('exit', (code) => {
        if (code !== 0) fail(new Error(`a loader thread exited with code ${code}`))
      })
      worker.postMessage(init)
    })
  }

  prepare(request: Omit<BatchRequest, 'type' | 'id'>): Promise<PreparedBatch> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.nextId++
    const index = this.load.indexOf(Math.min(...this.load))
    this.load[index]++
    this.owner.set(id, index)
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject })
      this.workers[index].postMessage({ type: 'batch', id, ...request } satisfies BatchRequest)
    })
  }

  async close(): Promise<void> {
    this.closing = true
    for (const waiting of this.waiting.values()) waiting.reject(new Error('the loader was closed'))
    this.waiting.clear()
    await Promise.all(this.workers.map((w) => w.terminate()))
  }
}

/**
 * Which training people each step uses: a fresh seeded permutation per epoch, cut into batches, the last
 * partial batch dropped (and with a step cap, only the first `cap` batches of each permutation used).
 */
export class EpochPlan {
  readonly stepsPerEpoch: number
  private order: { epoch: number; people: Uint32Array } | null = null

  constructor(
    readonly trainCount: number,
    readonly batchSize: number,
    readonly seed: number,
    cap: number | null = null
  ) {
    this.stepsPerEpoch = Math.min(Math.floor(trainCount / batchSize), cap ?? Infinity)
  }

  epochOf(step: number): number {
    return Math.floor(step / this.stepsPerEpoch)
  }

  /** The indices of the training people of global step `step` (0-based). */
  peopleAt(step: number): number[] {
    const epoch = this.epochOf(step)
    if (this.order?.epoch !== epoch) this.order = { epoch, people: shuffled(this.trainCount, this.seed, 0x5eed, epoch) }
    const start = (step - epoch * this.stepsPerEpoch) * this.batchSize
    return Array.from(this.order.people.subarray(start, start + this.batchSize))
  }
}

/** Training batches from a given step on, with `depth` of them always being prepared ahead. */
export class StepBatches {
  private readonly ahead = new Map<number, Promise<PreparedBatch>>()

  constructor(
    private readonly loader: BatchLoader,
    private readonly plan: EpochPlan,
    private readonly lastStep: number,
    private readonly depth: number
  ) {}

  take(step: number): Promise<PreparedBatch> {
    for (let s = step; s < Math.min(step + this.depth + 1, this.lastStep); s++) {
      if (!this.ahead.has(s)) {
        const pending = this.request(s)
        pending.catch(() => undefined) // surfaced when taken
        this.ahead.set(s, pending)
      }
    }
    const batch = this.ahead.get(step) ?? this.request(step)
    this.ahead.delete(step)
    for (const s of this.ahead.keys()) if (s < step) this.ahead.delete(s)
    return batch
  }

  private request(step: number): Promise<PreparedBatch> {
    const epoch = this.plan.epochOf(step)
    return this.loader.prepare({
      split: 'train',
      people: this.plan.peopleAt(step),
      keys: [epoch, step],
      augment: true,
      targets: true
    })
  }
}
