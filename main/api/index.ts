// The implementation of the contract: one handler per request, gathered from one module per area.
import type { Requests } from '../../contract'
import type { HandlersFor } from './context'
import { datasetHandlers } from './dataset'
import { demoHandlers } from './demo'
import { evalHandlers } from './eval'
import { hostHandlers } from './host'
import { modelHandlers } from './model'
import { predictionsHandlers } from './predictions'
import { projectsHandlers } from './projects'
import { systemHandlers } from './system'
import { trainHandlers } from './train'

export const handlers: HandlersFor<Requests> = {
  ...systemHandlers,
  ...datasetHandlers,
  ...hostHandlers,
  ...projectsHandlers,
  ...evalHandlers,
  ...demoHandlers,
  ...trainHandlers,
  ...predictionsHandlers,
  ...modelHandlers
}
