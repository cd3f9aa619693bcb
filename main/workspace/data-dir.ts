// Where the workbench keeps settings and projects when no --data folder is given. All three hosts use
// the same place, so the CLI sees the projects the desktop app made and the other way round.
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

export const APP_DIR_NAME = 'pyranet-workbench'

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WORKBENCH_DATA) return resolve(env.WORKBENCH_DATA)
  if (process.platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME)
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME)
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), APP_DIR_NAME)
}
