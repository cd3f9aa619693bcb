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

export const systemRequests = {
  status: request('The host, the training backends available here, and the open project.', z.object({}), StatusSchema)
}

export const systemEvents = {
  /** Pushed whenever something in `status` changes (a project opened or closed, a backend probed). */
  statusChanged: event('The workbench status changed.', StatusSchema)
}
export type HostKind = z.infer<typeof HostKindSchema>
