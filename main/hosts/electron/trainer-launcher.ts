// Trainer and inference processes in the desktop app: Electron's utilityProcess (a Node process Electron
// manages, which keeps working with the runAsNode fuse off, where child_process.fork does not). Same bundle,
// same protocols as the fork launcher (main/train/launcher.ts); only the transport differs. Call after `ready`.
import { utilityProcess } from 'electron'
import { ROLE_ENV, trainerEntry, type ProcessRole } from '../../train/entry'
import { TailBuffer, type LaunchOptions, type RoleEvent, type RoleHandle, type TrainerExit, type TrainerLauncher } from '../../train/launcher'

const SERVICE_NAMES: Record<ProcessRole, string> = { trainer: 'PyraNet trainer', inference: 'PyraNet inference' }

export const utilityProcessLauncher: TrainerLauncher = {
  name: 'utilityProcess',
  launch<R extends ProcessRole = 'trainer'>({ role, env }: LaunchOptions<R>): RoleHandle<R> {
    const child = utilityProcess.fork(trainerEntry().path, [], {
      serviceName: SERVICE_NAMES[role ?? 'trainer'],
      stdio: 'pipe',
      env: { ...process.env, ...env, [ROLE_ENV]: role ?? 'trainer' }
    })
    const output = new TailBuffer()
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk))
    const exitListeners: ((exit: TrainerExit) => void)[] = []
    let killed = false
    child.on('exit', (code) => {
      for (const listener of exitListeners) listener({ code, signal: killed ? 'SIGKILL' : null })
    })
    return {
      get pid() {
        return child.pid
      },
      send: (command) => child.postMessage(command),
      onEvent: (listener) => child.on('message', (message: RoleEvent<R>) => listener(message)),
      onExit: (listener) => exitListeners.push(listener),
      kill() {
        killed = true
        child.kill()
      },
      stderrTail: () => output.toString()
    }
  }
}
