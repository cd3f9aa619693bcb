import type { Requests } from '../../contract'
import { createDemoProject } from '../dataset/demo/first-launch'
import { demoOptions, generateDemoSet } from '../dataset/demo/generate'
import type { HandlersFor } from './context'

export const demoHandlers: HandlersFor<Pick<Requests, 'generateDemoSet' | 'createDemoProject'>> = {
  generateDemoSet: ({ out, ...size }, { tasks }) =>
    tasks.run('demo', `Generating demo images in ${out}`, (progress) => generateDemoSet(out, demoOptions(size), progress)),
  createDemoProject: async (size, { tasks, workspace }) => {
    const dir = await tasks.run('demo', 'Creating the demo project', (progress) => createDemoProject(workspace, { ...progress, ...size }))
    return (await workspace.openProject(dir)).summary
  }
}
