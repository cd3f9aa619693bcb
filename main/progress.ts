// How a domain module reports progress on long work without knowing who listens: a plain callback and
// an AbortSignal. The api layer turns reports into throttled `progress` events (main/api/tasks.ts).

export interface ProgressReport {
  /** Short name of the current stage ("reading annotations", "rendering images", …). */
  stage: string
  done: number
  total: number
  message?: string
}

export interface ProgressOptions {
  onProgress?: (report: ProgressReport) => void
  signal?: AbortSignal
}
