// The trainer process: takes one job from main, trains it, reports, exits. Spoken to over whichever channel
// started it: Electron's utilityProcess port (process.parentPort) or Node's fork IPC (process.send).
import { RunControl, trainRun } from './loop'
import type { TrainerCommand, TrainerEvent } from './protocol'

interface ParentPortLike {
  on(event: 'message', listener: (message: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

interface Channel {
  send(event: TrainerEvent): void
  onCommand(listener: (command: TrainerCommand) => void): void
  /** Resolves once everything sent has left the process. */
  flush(): Promise<void>
}

function parentChannel(): Channel {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort
  if (parentPort) {
    return {
      send: (event) => parentPort.postMessage(event),
      onCommand: (listener) => parentPort.on('message', (message) => listener(message.data as TrainerCommand)),
      flush: () => new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  if (process.send) {
    let pending = Promise.resolve()
    return {
      send: (event) => {
        pending = new Promise((resolve) => process.send!(event, undefined, {}, () => resolve()))
      },
      onCommand: (listener) => process.on('message', (message) => listener(message as TrainerCommand)),
      flush: () => pending
    }
  }
  throw new Error('the trainer runs only as a child of the workbench (no IPC channel)')
}

export async function runTrainer(): Promise<void> {
  const channel = parentChannel()
  const control = new RunControl()
  let started = false
  const finish = async (code: number) => {
    await channel.flush()
    process.exit(code)
  }
  const fail = (error: unknown) => {
    const err = error instanceof Error ? error : new Error(String(error))
    channel.send({ type: 'failed', message: err.message, stack: err.stack })
    void finish(1)
  }
  process.on('uncaughtException', fail)
  process.on('unhandledRejection', fail)
  // main going away (its IPC channel closes) ends the run: nobody is left to record it
  process.on('disconnect', () => process.exit(2))
  channel.onCommand((command) => {
    switch (command.type) {
      case 'start':
        if (started) return
        started = true
        trainRun(command.job, control, (event) => channel.send(event)).then(() => finish(0), fail)
        return
      case 'pause':
        return control.pause()
      case 'resume':
        return control.resume()
      case 'stop':
        if (!started) return void finish(0)
        return control.stop()
    }
  })
}
