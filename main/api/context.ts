// What every request handler gets besides its params: the host, the workspace and the event bus.
// Handlers call domain modules with what they need from here; domain modules never see this object.
import type { BackendInfo, HostKind, ParamsOf, RequestMap, Requests, RequestSpec, Result, ResultOf } from '../../contract'
import type { TrainerLauncher } from '../train/launcher'
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
  /** Native dialogs, where the host has them (the desktop app). */
  readonly dialogs?: HostDialogs
  /** How trainer processes start: Electron's utilityProcess in the desktop app; child_process.fork when absent. */
  readonly trainerLauncher?: TrainerLauncher
}

export interface HostDialogs {
  chooseFile(params: ParamsOf<Requests['chooseFile']>): Promise<Result<'chooseFile'>>
  saveFile(params: ParamsOf<Requests['saveFile']>): Promise<Result<'saveFile'>>
}

export type Handler<S extends RequestSpec> = (
  params: ParamsOf<S>,
  ctx: ApiContext
) => Promise<ResultOf<S>> | ResultOf<S>

export type HandlersFor<M extends RequestMap> = { [K in keyof M]: Handler<M[K]> }
