// The composition root every host builds on: the workspace, the event bus and the api dispatcher.
// Electron, the web host and the CLI each create one Workbench and differ only in how they carry calls.
import type { BackendInfo, HostKind, Reply, RequestName, Params, Result } from '../contract'
import type { ApiContext, HostDialogs } from './api/context'
import { dispatch } from './api/dispatch'
import { EventBus } from './api/events'
import { TaskRunner } from './api/tasks'
import { currentStatus } from './api/system'
import { detectBackends } from './engine/backends'
import type { TrainerLauncher } from './train/launcher'
import { WORKBENCH_VERSION } from './version'
import { Workspace } from './workspace/workspace'

export interface WorkbenchOptions {
  host: HostKind
  dataDir: string
  dialogs?: HostDialogs
  /** Starts trainer processes (the Electron host passes its utilityProcess launcher; default: fork). */
  trainerLauncher?: TrainerLauncher
}

export class Workbench {
  readonly events = new EventBus()
  readonly tasks = new TaskRunner(this.events)
  readonly workspace: Workspace
  readonly context: ApiContext
  private backendsProbe: Promise<BackendInfo[]> | null = null

  constructor(readonly options: WorkbenchOptions) {
    this.workspace = new Workspace(options.dataDir)
    this.context = {
      host: options.host,
      version: WORKBENCH_VERSION,
      workspace: this.workspace,
      events: this.events,
      tasks: this.tasks,
      dialogs: options.dialogs,
      trainerLauncher: options.trainerLauncher,
      backends: () => (this.backendsProbe ??= Promise.resolve(detectBackends()))
    }
    this.workspace.onChange(() => {
      void currentStatus(this.context).then((status) => this.events.emit('statusChanged', status))
    })
  }

  /** Untyped entry for transports: validates everything. */
  handle(method: unknown, params: unknown): Promise<Reply<unknown>> {
    return dispatch(this.context, method, params)
  }

  /** Typed entry for in-process callers (the CLI, tests). */
  call<N extends RequestName>(method: N, params: Params<N>): Promise<Reply<Result<N>>> {
    return dispatch(this.context, method, params) as Promise<Reply<Result<N>>>
  }

  /** Opens the most recent project that still exists, if any. Hosts call this once at start. */
  async openLastProject(): Promise<void> {
    const [last] = this.workspace.recentProjects()
    if (last) await this.workspace.openProject(last.path)
  }

  /**
   * The first launch (or one after every project was removed): create the bundled demo project and open
   * it. Runs as a task, so a renderer that is already connected shows its progress.
   */
  async ensureProject(): Promise<void> {
    if (this.workspace.current) return
    const reply = await this.call('createDemoProject', {})
    if (!reply.ok) throw new Error(`could not create the demo project: ${reply.error.message}`)
  }

  async dispose(): Promise<void> {
    this.tasks.cancelAll()
    await this.workspace.dispose()
  }
}
