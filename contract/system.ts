// The workbench as a whole: which host serves it, which training engines this machine has, which project is open.
import { z } from 'zod'
import { event, request } from './define'

export const HostKindSchema = z.enum(['electron', 'web', 'cli'])

export const BackendNameSchema = z.enum(['tensorflow', 'webgpu', 'wasm', 'cpu'])
export type BackendName = z.infer<typeof BackendNameSchema>

export const BackendInfoSchema = z.object({
  name: BackendNameSchema,
  available: z.boolean(),
  /** What it runs on here ("NVIDIA H100 (Vulkan)", "CPU, SIMD, 1 thread"), or why it is unavailable. */
  detail: z.string()
})
export type BackendInfo = z.infer<typeof BackendInfoSchema>

export const ProjectSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Folder holding the project's database, images and runs. */
  path: z.string(),
  /** True for the bundled synthetic demo project. */
  demo: z.boolean()
})
export type ProjectSummary = z.infer<typeof ProjectSummarySchema>

export const StatusSchema = z.object({
  version: z.string(),
  host: HostKindSchema,
  /** Where this host keeps settings and projects. */
  dataDir: z.string(),
  platform: z.string(),
  backends: z.array(BackendInfoSchema),
  project: ProjectSummarySchema.nullable()
})
export type Status = z.infer<typeof StatusSchema>

/** One report on a long piece of work (import, demo generation, evaluation…); training has its own events. */
export const ProgressSchema = z.object({
  taskId: z.string(),
  /** What kind of work: 'import', 'demo', 'export', 'evaluate', … */
  kind: z.string(),
  /** Human-readable title of the task ("Importing val.h5"). */
  title: z.string(),
  stage: z.string(),
  done: z.number(),
  total: z.number(),
  message: z.string().optional(),
  state: z.enum(['running', 'finished', 'failed', 'cancelled']),
  /** Whether `cancelTask` can stop it. */
  cancellable: z.boolean()
})
export type Progress = z.infer<typeof ProgressSchema>

export const systemRequests = {
  status: request('The host, the training backends available here, and the open project.', z.object({}), StatusSchema),
  cancelTask: request(
    'Asks a running task (from a progress event) to stop; its request then fails with code "cancelled".',
    z.object({ taskId: z.string() }),
    z.object({ cancelled: z.boolean() })
  )
}

export const systemEvents = {
  /** Pushed whenever something in `status` changes (a project opened or closed, a backend probed). */
  statusChanged: event('The workbench status changed.', StatusSchema),
  progress: event('Progress of a long task (throttled to a few per second; stage changes and the end always sent).', ProgressSchema)
}
export type HostKind = z.infer<typeof HostKindSchema>
