// Starting a process of the trainer bundle: a trainer per run (main/train/service.ts) or a project's
// inference worker (main/inference/client.ts). Their owners only need a handle they can send commands to
// and hear events and the exit from; how the process is made depends on the host: `child_process.fork`
// under the web host, the CLI and tests (this file), Electron's `utilityProcess.fork` in the desktop app
// (main/hosts/electron/trainer-launcher.ts).
import { fork } from 'node:child_process'
import type { InferenceCommand, InferenceEvent } from '../inference/protocol'
import { forkExecArgv, ROLE_ENV, trainerEntry, type ProcessRole } from './entry'
import type { TrainerCommand, TrainerEvent } from './protocol'

export interface TrainerExit {
  code: number | null
  signal: string | null
}

/** What each role is told and tells. */
interface RoleMessages {
  trainer: { command: TrainerCommand; event: TrainerEvent }
  inference: { command: InferenceCommand; event: InferenceEvent }
}
export type RoleCommand<R extends ProcessRole> = RoleMessages[R]['command']
export type RoleEvent<R extends ProcessRole> = RoleMessages[R]['event']

export interface ProcessHandle<Command, Event> {
  readonly pid: number | undefined
  send(command: Command): void
  onEvent(listener: (event: Event) => void): void
  onExit(listener: (exit: TrainerExit) => void): void
  /** Ends the process at once (SIGKILL); its exit is reported as usual. */
  kill(): void
  /** The last lines the process wrote (for the error of a run that died). */
  stderrTail(): string
}

export type RoleHandle<R extends ProcessRole> = ProcessHandle<RoleCommand<R>, RoleEvent<R>>
export type TrainerHandle = RoleHandle<'trainer'>

export interface LaunchOptions<R extends ProcessRole> {
  /** Default 'trainer'. */
  role?: R
  env?: Record<string, string>
}

export interface TrainerLauncher {
  readonly name: string
  launch<R extends ProcessRole = 'trainer'>(options: LaunchOptions<R>): RoleHandle<R>
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
  launch<R extends ProcessRole = 'trainer'>({ role, env }: LaunchOptions<R>): RoleHandle<R> {
    const entry = trainerEntry()
    const child = fork(entry.path, [], {
      execArgv: forkExecArgv(entry),
      env: { ...process.env, ...env, [ROLE_ENV]: role ?? 'trainer' },
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
        child.on('message', (message) => listener(message as RoleEvent<R>))
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
