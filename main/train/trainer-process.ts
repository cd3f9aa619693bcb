// Entry of the trainer bundle (out/main/trainer.js) and of its loader threads: the same file serves both,
// so one build entry is enough whichever way the workbench runs (source under tsx, or built).
import { isMainThread, workerData } from 'node:worker_threads'

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'loader') {
  const { runLoaderWorker } = await import('./loader-worker')
  runLoaderWorker()
} else {
  const { runTrainer } = await import('./trainer-main')
  await runTrainer()
}
