// Builds a data folder holding the finished demo project, once per e2e run; every test then starts its
// web host on a copy (generating the demo takes tens of seconds, copying it a moment).
import { Workbench } from '../../main/workbench'

const dataDir = process.argv[2]
if (!dataDir) throw new Error('usage: make-demo-template <data folder>')
const workbench = new Workbench({ host: 'cli', dataDir })
await workbench.ensureProject()
await workbench.dispose()
