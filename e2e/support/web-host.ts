// Starts the real web host (the built out/main/serve.js) as a child process on a free port with its
// own data folder, exactly as a user's `npm run serve` would, and stops it again.
import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { inject } from 'vitest'
import { repoRoot } from './paths'

export interface ServedWorkbench {
  url: string
  origin: string
  token: string
  dataDir: string
  output(): string
  stop(): Promise<void>
}

export interface ServeOptions {
  /** Use this data folder (kept afterwards) instead of a fresh temporary one. */
  dataDir?: string
  /** Start from a copy of the demo-project template the global setup made (otherwise an empty folder). */
  demo?: boolean
  env?: Record<string, string>
}

export async function serveWorkbench(options: ServeOptions = {}): Promise<ServedWorkbench> {
  const entry = join(repoRoot, 'out', 'main', 'serve.js')
  if (!existsSync(entry)) throw new Error('out/main/serve.js is missing: run `npm run build` before the e2e tests')
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'wb-e2e-'))
  if (options.demo) copyDemoTemplate(dataDir)
  const child = spawn(process.execPath, [entry, '--port', '0', '--data', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const url = await waitForUrl(child, () => output)
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    dataDir,
    output: () => output,
    async stop() {
      await stopProcess(child)
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true })
    }
  }
}

/** Copies the template's projects and points the copy's settings at them (project folders are movable). */
function copyDemoTemplate(dataDir: string): void {
  const template = inject('demoTemplate')
  cpSync(join(template, 'projects'), join(dataDir, 'projects'), { recursive: true })
  const settings = JSON.parse(readFileSync(join(template, 'settings.json'), 'utf8'))
  settings.recentProjects = settings.recentProjects.map((dir: string) => join(dataDir, relative(template, dir)))
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings, null, 2))
}

function waitForUrl(child: ChildProcess, output: () => string, timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the web host printed no URL in ${timeoutMs} ms:\n${output()}`)), timeoutMs)
    const check = () => {
      const match = /open (http:\/\/\S+)/.exec(output())
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout!.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the web host exited with code ${code}:\n${output()}`))
    })
  })
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
