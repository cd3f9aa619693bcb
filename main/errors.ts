// Errors a domain module throws when the user's input (a file, a request, an argument) is wrong or a thing
// is missing. They carry a code and, where it helps, the field at fault; the api layer turns them into
// reply envelopes, the CLI into one line on stderr. Anything else that is thrown is a bug ('internal').

export type ErrorCode = 'bad_input' | 'not_found' | 'conflict' | 'cancelled' | 'unavailable'

export class WorkbenchError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly details?: unknown
  ) {
    super(message)
    this.name = 'WorkbenchError'
  }
}

export const badInput = (message: string, field?: string, details?: unknown) =>
  new WorkbenchError('bad_input', message, field, details)
export const notFound = (message: string, field?: string) => new WorkbenchError('not_found', message, field)
export const conflict = (message: string, field?: string) => new WorkbenchError('conflict', message, field)
export const cancelled = (message = 'cancelled') => new WorkbenchError('cancelled', message)
export const unavailable = (message: string) => new WorkbenchError('unavailable', message)
