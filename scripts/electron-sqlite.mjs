// better-sqlite3 is a native addon built for the system Node's ABI (tests, the web host, the CLI). Electron
// embeds another Node, so the desktop app needs a second build of the same addon: this makes it once per
// Electron version, in a copy of the package (the first build stays untouched), and prints its path.
// The app finds it through WORKBENCH_SQLITE_BINDING (main/dataset/db.ts).
import { spawnSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

export function electronSqliteBinding() {
  const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version
  const target = join(root, 'node_modules', '.workbench-electron', `better_sqlite3-electron-${electronVersion}.node`)
  if (existsSync(target)) return target

  const work = mkdtempSync(join(tmpdir(), 'workbench-sqlite-'))
  try {
    const copy = join(work, 'better-sqlite3')
    cpSync(join(root, 'node_modules', 'better-sqlite3'), copy, { recursive: true, filter: (src) => !src.includes(`${'better-sqlite3'}/build`) })
    console.log(`building better-sqlite3 for Electron ${electronVersion} (once)…`)
    const build = spawnSync('npm', ['run', 'install'], {
      cwd: copy,
      stdio: 'inherit',
      env: {
        ...process.env,
        // prebuild-install fetches Electron's prebuilt addon; node-gyp compiles against Electron's headers otherwise
        npm_config_runtime: 'electron',
        npm_config_target: electronVersion,
        npm_config_disturl: 'https://electronjs.org/headers',
        PATH: [join(root, 'node_modules', '.bin'), process.env.PATH].join(delimiter)
      }
    })
    const built = join(copy, 'build', 'Release', 'better_sqlite3.node')
    if (build.status !== 0 || !existsSync(built)) {
      throw new Error(`could not build better-sqlite3 for Electron ${electronVersion} (needs the network once, or a C++ toolchain)`)
    }
    mkdirSync(dirname(target), { recursive: true })
    copyFileSync(built, target)
    return target
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(electronSqliteBinding())
