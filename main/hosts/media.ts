// Dataset media (images, thumbnails, crops) for both hosts. URLs are relative and host-independent:
// `media/<projectId>/<kind>/<id>`; only the open project's media is served, through the dataset's own
// resolver, which refuses ids it does not know and paths outside the project's image roots.
import type { Workspace } from '../workspace/workspace'

export interface MediaFile {
  path: string
  contentType: string
}

/** `route` is the URL path after `media/`, `query` its search parameters. */
export type MediaResolver = (route: string, query: URLSearchParams) => Promise<MediaFile | null>

type ProjectMediaResolver = (
  project: NonNullable<Workspace['current']>,
  route: string[],
  query: URLSearchParams
) => Promise<MediaFile | null>

export function workspaceMedia(workspace: Workspace, resolveProjectMedia: ProjectMediaResolver): MediaResolver {
  return async (route, query) => {
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
    return resolveProjectMedia(project, parts, query)
  }
}
