// What every interactive host does at start: build the Workbench, open the last project, and hand the
// host the media resolver. Kept in one place so Electron and the web host cannot drift apart.
import type { HostKind } from '../../contract'
import type { HostDialogs } from '../api/context'
import type { TrainerLauncher } from '../train/launcher'
import { Workbench } from '../workbench'
import { workspaceMedia, type MediaResolver } from './media'

export interface BootedWorkbench {
  workbench: Workbench
  media: MediaResolver
}

/** What only the desktop app brings: native dialogs and Electron's utility processes for trainers. */
export interface HostServices {
  dialogs?: HostDialogs
  trainerLauncher?: TrainerLauncher
}

export async function bootWorkbench(host: HostKind, dataDir: string, services: HostServices = {}): Promise<BootedWorkbench> {
  const workbench = new Workbench({ host, dataDir, ...services })
  await workbench.openLastProject()
  const media = workspaceMedia(workbench.workspace)
  return { workbench, media }
}
