// Trainer processes in the desktop app: Electron's utilityProcess (a Node process Electron manages, which
// keeps working with the runAsNode fuse off, where child_process.fork does not). Same bundle, same
// protocol as the fork launcher (main/train/launcher.ts); only the transport differs. Call after `ready`.
import { utilityProcess } from 'electron'
import { trainerEntry } from '../../train/entry'
import { TailBuffer, type TrainerExit, type TrainerLauncher } from '../../train/launcher'
import type { TrainerEvent } from '../../train/protocol'

export const utilityProcessLauncher: TrainerLauncher = {
  name: 'utilityProcess',
  launch({ env }) {
    const child = utilityProcess.fork(trainerEntry().path, [], {
      serviceName: 'PyraNet trainer',
      stdio: 'pipe',
      env: { ...process.env, ...env }
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
      onEvent: (listener) => child.on('message', (message: TrainerEvent) => listener(message)),
      onExit: (listener) => exitListeners.push(listener),
      kill() {
        killed = true
        child.kill()
      },
      stderrTail: () => output.toString()
    }
  }
}
