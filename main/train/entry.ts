// Where the trainer's code is, whichever way the workbench runs: from source under tsx (tests, the CLI,
// `npm run cli`) or from the electron-vite build (out/main/trainer.js, next to index.js and serve.js).
// The same entry serves every process and thread the workbench starts (trainer-process.ts dispatches):
// a trainer per run, a project's inference worker, and the trainer's loader threads.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export interface TrainerEntry {
  /** The file to fork (or to run in a worker thread). */
  path: string
  /** True when `path` is TypeScript and needs tsx's loader. */
  source: boolean
}

/** What a process of the bundle is for; launchers pass it in the environment under ROLE_ENV. */
export type ProcessRole = 'trainer' | 'inference'

export const ROLE_ENV = 'PYRANET_WORKBENCH_ROLE'

/** The role this process was started for (a process started without one is a trainer). */
export function processRole(): ProcessRole {
  return process.env[ROLE_ENV] === 'inference' ? 'inference' : 'trainer'
}

export function trainerEntry(): TrainerEntry {
  const here = fileURLToPath(import.meta.url)
  if (here.endsWith('.ts')) return { path: join(dirname(here), 'trainer-process.ts'), source: true }
  // bundled: this code sits in out/main/<entry>.js or in a chunk under out/main/chunks/
  for (const dir of [dirname(here), dirname(dirname(here))]) {
    const path = join(dir, 'trainer.js')
    if (existsSync(path)) return { path, source: false }
  }
  throw new Error(`cannot find the trainer bundle (trainer.js) near ${here}; was it built?`)
}

/** Node options a forked process needs to run the entry. */
export function forkExecArgv(entry: TrainerEntry): string[] {
  return entry.source ? ['--import', 'tsx'] : []
}

/**
 * Code for `new Worker(code, { eval: true })` that runs the entry. Node 20 does not apply `--import tsx`
 * to a worker's own entry module, so source mode registers tsx's ESM hooks inside the worker first.
 */
export function workerBootstrap(entry: TrainerEntry): string {
  const entryUrl = JSON.stringify(pathToFileURL(entry.path).href)
  if (!entry.source) return `import(${entryUrl})`
  const require = createRequire(import.meta.url)
  const manifest = require.resolve('tsx/package.json')
  const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports
  const api = JSON.stringify(pathToFileURL(join(dirname(manifest), exports['./esm/api'].import.default)).href)
  return `import(${api}).then(({ register }) => { register(); return import(${entryUrl}) })`
}
