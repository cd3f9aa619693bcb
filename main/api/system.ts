import type { Status, Requests } from '../../contract'
import type { ApiContext, HandlersFor } from './context'

type SystemRequests = Pick<Requests, 'status' | 'cancelTask'>

export async function currentStatus(ctx: ApiContext): Promise<Status> {
  return {
    version: ctx.version,
    host: ctx.host,
    dataDir: ctx.workspace.dataDir,
    platform: `${process.platform}-${process.arch}, Node ${process.versions.node}`,
    backends: await ctx.backends(),
    project: ctx.workspace.current?.summary ?? null
  }
}

export const systemHandlers: HandlersFor<SystemRequests> = {
  status: (_params, ctx) => currentStatus(ctx),
  cancelTask: ({ taskId }, ctx) => ({ cancelled: ctx.tasks.cancel(taskId) })
}
