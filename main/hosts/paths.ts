// Where the built renderer and the bundled resources are, whether main runs from out/main (built) or
// from source under tsx: both live below the folder holding the workbench's package.json.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

function findAppRoot(start: string): string {
  let dir = start
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'pyranet-workbench') return dir
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`cannot find the workbench's package.json above ${start}`)
    dir = parent
  }
}

export const appRoot = findAppRoot(dirname(fileURLToPath(import.meta.url)))
export const rendererDir = join(appRoot, 'out', 'renderer')
export const resourcesDir = join(appRoot, 'resources')
