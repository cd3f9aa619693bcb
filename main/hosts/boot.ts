// What every interactive host does at start: build the Workbench, open the last project, and hand the
// host the media resolver. Kept in one place so Electron and the web host cannot drift apart.
import type { HostKind } from '../../contract'
import type { HostDialogs } from '../api/context'
import { Workbench } from '../workbench'
import { workspaceMedia, type MediaResolver } from './media'

export interface BootedWorkbench {
  workbench: Workbench
  media: MediaResolver
}

export async function bootWorkbench(host: HostKind, dataDir: string, dialogs?: HostDialogs): Promise<BootedWorkbench> {
  const workbench = new Workbench({ host, dataDir, dialogs })
  await workbench.openLastProject()
  const media = workspaceMedia(workbench.workspace)
  return { workbench, media }
}
