// Where every bench keeps its figures: bench/results/<file>, pretty JSON with a final newline so that a rerun
// shows as a readable diff.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const RESULTS_DIR = join(import.meta.dirname, 'results')

export function resultsPath(fileName: string): string {
  return join(RESULTS_DIR, fileName)
}

/** Writes `result` to bench/results/`fileName` and returns the path. */
export function writeResults(fileName: string, result: unknown): string {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const path = resultsPath(fileName)
  writeFileSync(path, JSON.stringify(result, null, 2) + '\n')
  return path
}
