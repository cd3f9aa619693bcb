// What a CLI command is. Commands call the api layer through `ctx.call` (the same contract the UI
// uses) and print through `ctx.out`; a failed call becomes a CliError with the api's message.
import type { ApiErrorInfo, Params, RequestName, Result } from '../../contract'
import type { Workbench } from '../workbench'

export interface CliContext {
  readonly workbench: Workbench
  /** Calls the api; resolves to the result or throws a CliError carrying the api's error. */
  call<N extends RequestName>(method: N, params: Params<N>): Promise<Result<N>>
  out(line: string): void
  err(line: string): void
  /** True when stdout is a terminal (progress bars redraw in place only then). */
  readonly interactive: boolean
}

export interface CliCommand {
  name: string
  summary: string
  /** Usage lines shown by `<command> --help`; the first line is the synopsis. */
  usage: string
  /**
   * Whether the command needs the last opened project open before it runs (most do). Commands that
   * create or choose projects themselves say false.
   */
  needsProject?: boolean
  run(ctx: CliContext, argv: string[]): Promise<number | void>
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly api?: ApiErrorInfo
  ) {
    super(message)
  }
}
