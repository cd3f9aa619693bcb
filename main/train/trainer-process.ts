// Entry of the trainer bundle (out/main/trainer.js): the same file serves every role, so one build entry is
// enough whichever way the workbench runs (source under tsx, or built). A loader thread says so in its
// workerData; a process in its role (entry.ts): a trainer, or a project's inference worker.
import { isMainThread, workerData } from 'node:worker_threads'
import { processRole } from './entry'

if (!isMainThread && (workerData as { role?: string } | null)?.role === 'loader') {
  const { runLoaderWorker } = await import('./loader-worker')
  runLoaderWorker()
} else if (processRole() === 'inference') {
  const { runInferenceWorker } = await import('../inference/worker-main')
  runInferenceWorker()
} else {
  const { runTrainer } = await import('./trainer-main')
  await runTrainer()
}
