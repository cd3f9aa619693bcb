// Long work started by a request (import, demo generation, evaluation…) runs as a task: it gets an id,
// its progress goes out as throttled `progress` events, and `cancelTask` aborts it through its signal.
import { randomUUID } from 'node:crypto'
import type { Progress } from '../../contract'
import { cancelled, WorkbenchError } from '../errors'
import type { ProgressOptions, ProgressReport } from '../progress'
import type { EventBus } from './events'

const MIN_INTERVAL_MS = 150

export class TaskRunner {
  private readonly running = new Map<string, AbortController>()

  constructor(private readonly events: EventBus) {}

  async run<T>(
    kind: string,
    title: string,
    work: (options: Required<ProgressOptions>) => Promise<T>,
    { cancellable = true }: { cancellable?: boolean } = {}
  ): Promise<T> {
    const taskId = randomUUID()
    const controller = new AbortController()
    this.running.set(taskId, controller)
    let last: Progress = { taskId, kind, title, stage: 'starting', done: 0, total: 0, state: 'running', cancellable }
    let lastSent = 0
    const send = (progress: Progress, force: boolean) => {
      last = progress
      const now = Date.now()
      if (!force && now - lastSent < MIN_INTERVAL_MS) return
      lastSent = now
      this.events.emit('progress', progress)
    }
    send(last, true)
    const onProgress = (report: ProgressReport) => {
      send({ ...last, ...report, state: 'running' }, report.stage !== last.stage || report.done === report.total)
    }
    try {
      const result = await work({ onProgress, signal: controller.signal })
      if (controller.signal.aborted) throw cancelled(`${title}: cancelled`)
      send({ ...last, state: 'finished', done: last.total, message: undefined }, true)
      return result
    } catch (error) {
      const wasCancelled = controller.signal.aborted || (error instanceof WorkbenchError && error.code === 'cancelled')
      const message = error instanceof Error ? error.message : String(error)
      send({ ...last, state: wasCancelled ? 'cancelled' : 'failed', message }, true)
      if (wasCancelled && !(error instanceof WorkbenchError)) throw cancelled(`${title}: cancelled`)
      throw error
    } finally {
      this.running.delete(taskId)
    }
  }

  cancel(taskId: string): boolean {
    const controller = this.running.get(taskId)
    if (!controller) return false
    controller.abort()
    return true
  }

  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort()
  }
}
