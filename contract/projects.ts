// Projects: the folders a user's work lives in. One is open at a time.
import { z } from 'zod'
import { request } from './define'
import { ProjectSummarySchema } from './system'

export const projectsRequests = {
  listProjects: request(
    'The open project and the recently opened ones that still exist.',
    z.object({}),
    z.object({ current: ProjectSummarySchema.nullable(), recent: z.array(ProjectSummarySchema) })
  ),
  createProject: request(
    'Creates an empty project (in the data folder unless `path` names a folder) and opens it.',
    z.object({ name: z.string().trim().min(1, 'a project needs a name').max(120), path: z.string().min(1).optional() }),
    ProjectSummarySchema
  ),
  openProject: request('Opens the project in a folder.', z.object({ path: z.string().min(1) }), ProjectSummarySchema)
}
