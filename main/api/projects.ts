import type { Requests } from '../../contract'
import type { HandlersFor } from './context'

export const projectsHandlers: HandlersFor<Pick<Requests, 'listProjects' | 'createProject' | 'openProject'>> = {
  listProjects: (_params, { workspace }) => ({
    current: workspace.current?.summary ?? null,
    recent: workspace.recentProjects()
  }),
  createProject: async ({ name, path }, { workspace }) => {
    const dir = workspace.createProject(name, { dir: path })
    return (await workspace.openProject(dir)).summary
  },
  openProject: async ({ path }, { workspace }) => (await workspace.openProject(path)).summary
}
