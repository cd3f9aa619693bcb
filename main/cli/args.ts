// Thin wrapper over node:util parseArgs that turns its exceptions into one-line usage errors.
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { CliError } from './command'

export type OptionsConfig = NonNullable<ParseArgsConfig['options']>

export function parseCommandArgs<O extends OptionsConfig>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (error) {
    throw new CliError(`${(error as Error).message}\nusage: ${usage.split('\n')[0]}`, 2)
  }
}

/** Parses a numeric option, naming it in the error. */
export function numberOption(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n)) throw new CliError(`--${name} must be a number, got ${JSON.stringify(value)}`, 2)
  return n
}
