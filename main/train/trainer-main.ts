// The trainer process: takes one job from main, trains it, reports, exits. Spoken to over whichever channel
// started it (parent-channel.ts).
import { RunControl, trainRun } from './loop'
import { parentChannel } from './parent-channel'
import type { TrainerCommand, TrainerEvent } from './protocol'

export async function runTrainer(): Promise<void> {
  const channel = parentChannel<TrainerCommand, TrainerEvent>()
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
