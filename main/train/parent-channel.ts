// A bundle process's side of its channel to main (a trainer or the inference worker): Electron's
// utilityProcess port (process.parentPort) or Node's fork IPC (process.send), whichever started it.

interface ParentPortLike {
  on(event: 'message', listener: (message: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

export interface ParentChannel<Command, Event> {
  send(event: Event): void
  onCommand(listener: (command: Command) => void): void
  /** Resolves once everything sent has left the process. */
  flush(): Promise<void>
}

export function parentChannel<Command, Event>(): ParentChannel<Command, Event> {
  const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort
  if (parentPort) {
    return {
      send: (event) => parentPort.postMessage(event),
      onCommand: (listener) => parentPort.on('message', (message) => listener(message.data as Command)),
      flush: () => new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  if (process.send) {
    let pending = Promise.resolve()
    return {
      send: (event) => {
        pending = new Promise((resolve) => process.send!(event, undefined, {}, () => resolve()))
      },
      onCommand: (listener) => process.on('message', (message) => listener(message as Command)),
      flush: () => pending
    }
  }
  throw new Error('this process runs only as a child of the workbench (no IPC channel)')
}
