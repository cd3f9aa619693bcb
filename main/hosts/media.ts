// Dataset media (images, thumbnails, crops) for both hosts. URLs are relative and host-independent:
// `media/<projectId>/<kind>/<id>`; only the open project's media is served, through the dataset's own
// resolver, which refuses ids it does not know and paths outside the project's image roots and cache.
import { resolveMedia, type MediaFile } from '../dataset/media'
import type { Workspace } from '../workspace/workspace'

export type { MediaFile }

/** `route` is the URL path after `media/`. */
export type MediaResolver = (route: string) => Promise<MediaFile | null>

export function workspaceMedia(workspace: Workspace): MediaResolver {
  return async (route) => {
    const [projectId, ...rest] = route.split('/')
    const project = workspace.current
    if (!project || project.summary.id !== projectId || rest.length === 0) return null
    let parts: string[]
    try {
      parts = rest.map((part) => decodeURIComponent(part))
    } catch {
      return null
    }
    if (parts.some((part) => part === '..' || part.includes('/') || part.includes('\0'))) return null
    return resolveMedia(project, parts)
  }
}
