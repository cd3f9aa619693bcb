// What every request handler gets besides its params: the host, the workspace and the event bus.
// Handlers call domain modules with what they need from here; domain modules never see this object.
import type { HostKind, RequestMap, RequestSpec, ParamsOf, ResultOf, BackendInfo } from '../../contract'
import type { Workspace } from '../workspace/workspace'
import type { EventBus } from './events'
import type { TaskRunner } from './tasks'

export interface ApiContext {
  readonly host: HostKind
  readonly version: string
  readonly workspace: Workspace
  readonly events: EventBus
  /** Runs long work with progress events and cancellation. */
  readonly tasks: TaskRunner
  /** The training backends of this machine (probed once, then cached). */
  backends(): Promise<BackendInfo[]>
}

export type Handler<S extends RequestSpec> = (
  params: ParamsOf<S>,
  ctx: ApiContext
) => Promise<ResultOf<S>> | ResultOf<S>

export type HandlersFor<M extends RequestMap> = { [K in keyof M]: Handler<M[K]> }
