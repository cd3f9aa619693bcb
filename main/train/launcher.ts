// Starting a trainer process. The service only needs a handle it can send commands to and hear events
// and the exit from; how the process is made depends on the host: `child_process.fork` under the web
// host, the CLI and tests (this file), Electron's `utilityProcess.fork` in the desktop app
// (main/hosts/electron/trainer-launcher.ts).
import { fork } from 'node:child_process'
import { forkExecArgv, trainerEntry } from './entry'
import type { TrainerCommand, TrainerEvent } from './protocol'

export interface TrainerExit {
  code: number | null
  signal: string | null
}

export interface TrainerHandle {
  readonly pid: number | undefined
  send(command: TrainerCommand): void
  onEvent(listener: (event: TrainerEvent) => void): void
  onExit(listener: (exit: TrainerExit) => void): void
  /** Ends the process at once (SIGKILL); its exit is reported as usual. */
  kill(): void
  /** The last lines the process wrote (for the error of a run that died). */
  stderrTail(): string
}

export interface TrainerLauncher {
  readonly name: string
  launch(options: { env?: Record<string, string> }): TrainerHandle
}

const STDERR_KEPT = 8 * 1024

/** Keeps the end of a stream's text, for error reports. */
export class TailBuffer {
  private text = ''

  push(chunk: string | Buffer): void {
    this.text = (this.text + chunk.toString()).slice(-STDERR_KEPT)
  }

  toString(): string {
    return this.text.trim()
  }
}

export const forkLauncher: TrainerLauncher = {
  name: 'fork',
  launch({ env }) {
    const entry = trainerEntry()
    const child = fork(entry.path, [], {
      execArgv: forkExecArgv(entry),
      env: { ...process.env, ...env },
      // both kept for the error of a run that dies; tfjs's console chatter goes nowhere else
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json'
    })
    const stderr = new TailBuffer()
    child.stdout?.on('data', (chunk: Buffer) => stderr.push(chunk))
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk))
    const exitListeners: ((exit: TrainerExit) => void)[] = []
    child.on('exit', (code, signal) => {
      for (const listener of exitListeners) listener({ code, signal })
    })
    // a failed spawn reports 'error' and may never report 'exit'
    child.on('error', (error) => {
      stderr.push(`${error.message}\n`)
      if (child.exitCode === null && child.pid === undefined) for (const listener of exitListeners) listener({ code: null, signal: null })
    })
    return {
      get pid() {
        return child.pid
      },
      send(command) {
        if (child.connected) child.send(command)
      },
      onEvent(listener) {
        child.on('message', (message) => listener(message as TrainerEvent))
      },
      onExit(listener) {
        exitListeners.push(listener)
      },
      kill() {
        child.kill('SIGKILL')
      },
      stderrTail: () => stderr.toString()
    }
  }
}
