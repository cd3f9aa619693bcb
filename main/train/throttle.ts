// Keeps the newest of a stream of values and passes at most one per interval on, the last one always
// (trailing), so a UI hears about fast steps a few times a second and never misses where it ended.
export class Throttle<T> {
  private pending: T | null = null
  private last = 0
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly intervalMs: number,
    private readonly send: (value: T) => void
  ) {}

  push(value: T): void {
    this.pending = value
    const wait = this.last + this.intervalMs - Date.now()
    if (wait <= 0) return this.flush()
    this.timer ??= setTimeout(() => this.flush(), wait)
  }

  /** Sends what is pending now (before an event that must come after it). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.pending === null) return
    const value = this.pending
    this.pending = null
    this.last = Date.now()
    this.send(value)
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.pending = null
  }
}
