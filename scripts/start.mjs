// `npm start`: build, then open the desktop app — or, where the Electron binary is not installed (its
// download cannot run on every machine), say so in one line and start the web host instead.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { electronSqliteBinding } from './electron-sqlite.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const passThrough = process.argv.slice(2)

function electronBinary() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const candidate = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron')
    return existsSync(candidate) ? candidate : null
  }
  const pathFile = join(root, 'node_modules', 'electron', 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(root, 'node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build', '--logLevel', 'warn'], {
  cwd: root,
  stdio: 'inherit'
})
if (build.status !== 0) process.exit(build.status ?? 1)

function startDesktop(binary) {
  let binding
  try {
    binding = electronSqliteBinding()
  } catch (error) {
    console.log(`${error.message}; starting the web host instead.`)
    return null
  }
  return spawn(binary, [root, ...passThrough], { cwd: root, stdio: 'inherit', env: { ...process.env, WORKBENCH_SQLITE_BINDING: binding } })
}

function startWebHost() {
  return spawn(process.execPath, [join(root, 'out', 'main', 'serve.js'), ...passThrough], { cwd: root, stdio: 'inherit' })
}

const binary = electronBinary()
if (!binary) console.log('Electron binary not installed (npx install-electron fetches it where the network allows); starting the web host instead.')
const child = (binary && startDesktop(binary)) || startWebHost()

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 0))
